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

/// The finder patterns of dark-on-light codes in `gray` (8-bit, one channel). At most
/// `max_count`, largest first: a cluttered frame cannot make the caller's work grow without
/// bound. Camera frames are filtered or reduced first (finder_patterns.cpp says how): sensor
/// noise would otherwise make tens of thousands of specks to trace.
std::vector<FinderPattern> find_finder_patterns(const cv::Mat& gray, std::size_t max_count);

}  // namespace kiosk::scan::detail
