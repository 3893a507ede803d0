#include "firmware/kioskctl/vision.h"

#include "firmware/kioskctl/module.h"

namespace kiosk::ctl {

namespace {

Result<const VisionApi*, std::string> load() {
  return open_table<VisionApi>(kVisionModule, kVisionEntry,
                               "the scan stages that need OpenCV and the MRZ reader");
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
