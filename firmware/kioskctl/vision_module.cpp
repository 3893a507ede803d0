// kiosk-vision.so: the OpenCV part of kioskctl's image readers (firmware/kioskctl/vision.h),
// loaded by kioskctl only when an image needs it. Everything but the entry point is hidden.
#include "app/mrz/ocr.h"
#include "app/scan/scanner.h"
#include "firmware/kioskctl/vision.h"

namespace {

kiosk::scan::ScanReport scan_rest(kiosk::scan::PartialScan partial,
                                  const kiosk::scan::ScanOptions& options) {
  return kiosk::scan::scan_rest(std::move(partial), options);
}

std::optional<kiosk::mrz::OcrRead> read_mrz(const kiosk::scan::ImageView& image) {
  return kiosk::mrz::read_mrz(image);
}

}  // namespace

// Returns the VisionApi; typed void, as open_module() calls every module's entry.
extern "C" __attribute__((visibility("default"))) const void* kiosk_vision_api() {
  static const kiosk::ctl::VisionApi api = [] {
    kiosk::ctl::VisionApi a;
    a.scan_rest = &scan_rest;
    a.read_mrz = &read_mrz;
    return a;
  }();
  return &api;
}
