#include "firmware/kioskctl/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <optional>
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

}  // namespace

Result<const void*, std::string> open_module(const char* file, const char* entry,
                                             const std::string& holds) {
  auto dir = own_directory();
  if (!dir) return Unexpected{std::string("cannot find kioskctl's directory for ") + file};
  std::vector<std::filesystem::path> candidates = {*dir / file,
                                                   *dir / ".." / "lib" / "kiosk" / file};
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = ::dlerror();
      return Unexpected{"cannot load " + path.string() + ": " + (e != nullptr ? e : "unknown")};
    }
    using Entry = const void* (*)();
    auto fn = reinterpret_cast<Entry>(::dlsym(handle, entry));
    const void* table = fn != nullptr ? fn() : nullptr;
    if (table == nullptr)
      return Unexpected{path.string() + " does not match this kioskctl (another build)"};
    return table;
  }
  return Unexpected{std::string(file) + " not found beside kioskctl or in " +
                    (*dir / ".." / "lib" / "kiosk").lexically_normal().string() + " (" + holds +
                    " are in it)"};
}

}  // namespace kiosk::ctl
