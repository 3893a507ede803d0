// Internal to the scan pipeline: one ZXing-C++ read of an 8-bit gray image, with no OpenCV (the
// plain stages, app/scan/plain_scan.cpp, run in a process that never loads OpenCV).
#pragma once

#include <cstdint>
#include <vector>

#include "app/scan/scanner.h"

namespace kiosk::scan::detail {

enum class Binarizer : std::uint8_t { kLocalAverage, kGlobalHistogram, kFixedThreshold };

/// Reads the valid QR codes (passed Reed-Solomon correction, parsed) in `gray`; the corners are
/// in `gray`'s pixels.
std::vector<Code> read_qr_gray(const GrayView& gray, Binarizer binarizer, Stage stage);

}  // namespace kiosk::scan::detail
