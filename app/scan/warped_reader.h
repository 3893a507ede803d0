// Internal to the scan pipeline: the reader of last resort for codes on a curved, creased or
// stretched surface. It finds the finder patterns itself, follows the alignment patterns across
// the code to build a bending module grid, samples every module and hands ZXing-C++ a clean
// rendering to decode, so a text still comes only from a code that passed error correction.
// Not a public header (it uses cv::Mat).
#pragma once

#include <functional>
#include <vector>

#include <opencv2/core.hpp>

#include "app/scan/scanner.h"

namespace kiosk::scan::detail {

/// Reads the QR codes of `gray` (8-bit, one channel) through the bending grid, in both
/// polarities; corners in the pixels of `gray`.
std::vector<Code> read_warped(const cv::Mat& gray, Stage stage,
                              const std::function<bool()>& in_time = {});

/// `dark`, a square matrix of a code's modules (8-bit, non-zero for a dark module), rendered for
/// ZXing-C++'s pure-code reader: 3 pixels per module, a quiet zone of 4 modules, and the three
/// finder patterns with their separators drawn as they must be whatever was sampled there.
cv::Mat render_modules(const cv::Mat& dark);

}  // namespace kiosk::scan::detail
