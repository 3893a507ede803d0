// Internal to the scan pipeline: QR finder patterns located by their nesting (a dark ring holding
// a light ring holding a dark stone), which survives perspective, curvature and creases that
// break ZXing-C++ 1.4's 1:1:3:1:1 line scans. Not a public header (it uses cv::Mat).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

struct FinderPattern {
  cv::Point2f center;              ///< the centroid of the stone, in image pixels
  float module = 0;                ///< the estimated module size, in image pixels
  std::vector<cv::Point> outline;  ///< the outer boundary of the dark ring
};

/// The finder patterns in `ink`, an 8-bit binary image where the code's dark modules are
/// non-zero. At most `max_count`, largest first: a cluttered frame cannot make the caller's work
/// grow without bound.
std::vector<FinderPattern> find_finder_patterns(const cv::Mat& ink, std::size_t max_count);

}  // namespace kiosk::scan::detail
