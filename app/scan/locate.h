// Internal to the scan pipeline: OpenCV's QR detector finds the finder patterns, and the code is
// cut out and rectified for ZXing (Debian's OpenCV cannot decode: it is built without quirc).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "app/scan/prepare.h"

namespace kiosk::scan::detail {

/// One rectified square crop per code the detector finds (at most a few), each with the map back
/// to the frame.
std::vector<Prepared> located_codes(const cv::Mat& gray);

}  // namespace kiosk::scan::detail
