#include "firmware/kioskctl/vision.h"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <vector>

namespace kiosk::ctl {

namespace {

// kioskctl's own directory, through /proc/self/exe (an emulator such as qemu-user reports the
// emulated program).
std::optional<std::filesystem::path> own_directory() {
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0 || static_cast<std::size_t>(n) >= buf.size() - 1) return std::nullopt;
  return std::filesystem::path(std::string(buf.data(), static_cast<std::size_t>(n))).parent_path();
}

Result<const VisionApi*, std::string> load() {
  auto dir = own_directory();
  if (!dir) return Unexpected{std::string("cannot find kioskctl's directory for ") + kVisionModule};
  std::vector<std::filesystem::path> candidates = {*dir / kVisionModule,
                                                   *dir / ".." / "lib" / "kiosk" / kVisionModule};
  std::string why;
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = ::dlerror();
      return Unexpected{"cannot load " + path.string() + ": " + (e != nullptr ? e : "unknown")};
    }
    using Entry = const VisionApi* (*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, kVisionEntry));
    const VisionApi* api = entry != nullptr ? entry() : nullptr;
    const VisionApi want;
    if (api == nullptr || api->abi != want.abi || api->options_size != want.options_size ||
        api->partial_size != want.partial_size || api->report_size != want.report_size ||
        api->ocr_size != want.ocr_size || api->scan_rest == nullptr || api->read_mrz == nullptr)
      return Unexpected{path.string() + " does not match this kioskctl (another build)"};
    // Kept loaded for the life of the process.
    return api;
  }
  return Unexpected{std::string(kVisionModule) + " not found beside kioskctl or in " +
                    (*dir / ".." / "lib" / "kiosk").lexically_normal().string() +
                    " (the scan stages that need OpenCV and the MRZ reader are in it)"};
}

}  // namespace

Result<const VisionApi*, std::string> load_vision() {
  static const Result<const VisionApi*, std::string> loaded = load();
  return loaded;
}

Result<scan::ScanReport, std::string> scan_image(const scan::ImageView& image,
                                                 const scan::ScanOptions& options) {
  auto partial = scan::scan_plain(image, options);
  if (!partial) return Unexpected{std::string(scan::error_text(partial.error()))};
  if (!partial->report.codes.empty() || partial->next >= options.stages.size())
    return std::move(partial->report);
  auto vision = load_vision();
  if (!vision) return Unexpected{vision.error()};
  return (*vision)->scan_rest(std::move(*partial), options);
}

}  // namespace kiosk::ctl
