// kioskctl's OpenCV-backed readers, in a module loaded only when a command needs them.
//
// OpenCV's libraries cost a process some 3 to 4 ms of CPU and 8 MB of resident memory to load (23
// libraries, among them BLAS, LAPACK, TBB, GLX and X11, each relocated at once), more than
// ZXing-C++ needs to read most photos (bench/file_cost). So
// kioskctl links only the plain part of the scan pipeline (scan::scan_plain: ZXing-C++, no
// OpenCV) and loads kiosk-vision.so, which holds the OpenCV stages (scan::scan_rest) and the MRZ
// reader, the first time an image needs them. The module is built from the same sources in the
// same build as kioskctl and is installed beside it (usr/lib/kiosk); its interface is C++ and
// checked by an ABI number and the sizes of the types it passes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "app/mrz/ocr.h"
#include "app/result.h"
#include "app/scan/scanner.h"

namespace kiosk::ctl {

/// Raised whenever the functions or the types below change.
inline constexpr std::uint32_t kVisionAbi = 2;

struct VisionApi {
  std::uint32_t abi = kVisionAbi;
  std::size_t options_size = sizeof(scan::ScanOptions);
  std::size_t partial_size = sizeof(scan::PartialScan);
  std::size_t report_size = sizeof(scan::ScanReport);
  std::size_t ocr_size = sizeof(mrz::OcrRead);
  scan::ScanReport (*scan_rest)(scan::PartialScan partial,
                                const scan::ScanOptions& options) = nullptr;
  std::optional<mrz::OcrRead> (*read_mrz)(const scan::ImageView& image) = nullptr;

  /// Whether this table (a module's) was built with `own` (kioskctl's): open_table().
  [[nodiscard]] bool same_build(const VisionApi& own) const {
    return abi == own.abi && options_size == own.options_size && partial_size == own.partial_size &&
           report_size == own.report_size && ocr_size == own.ocr_size && scan_rest != nullptr &&
           read_mrz != nullptr;
  }
};

/// The module's file name, and the exported function that returns its VisionApi (as a
/// `const void*`: firmware/kioskctl/module.h).
inline constexpr const char* kVisionModule = "kiosk-vision.so";
inline constexpr const char* kVisionEntry = "kiosk_vision_api";

/// Loads the module once per process, from kioskctl's own directory (a build tree) or from
/// ../lib/kiosk beside it (an installed kioskctl); a one-line reason when it is missing or does
/// not match this kioskctl.
Result<const VisionApi*, std::string> load_vision();

/// scan::scan() through the module: the plain stages here, the OpenCV stages there when the
/// plain ones read nothing. The error is a one-line reason.
Result<scan::ScanReport, std::string> scan_image(const scan::ImageView& image,
                                                 const scan::ScanOptions& options = {});

}  // namespace kiosk::ctl
