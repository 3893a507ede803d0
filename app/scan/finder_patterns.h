// Internal to the scan pipeline: QR finder patterns located by their nesting (a dark ring holding
// a light ring holding a dark stone), which survives perspective, curvature and creases that
// break ZXing-C++ 1.4's 1:1:3:1:1 line scans. Not a public header (it uses cv::Mat).
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

struct FinderPattern {
  cv::Point2f center;              ///< the centroid of the stone, in image pixels
  float module = 0;                ///< the estimated module size, in image pixels
  std::vector<cv::Point> outline;  ///< the outer boundary of the dark ring
};

/// How hard to look.
enum class FinderSearch : std::uint8_t {
  /// Camera frames are filtered or reduced first (finder_patterns.cpp says how): sensor noise
  /// would otherwise make tens of thousands of specks to trace. That also erases the rings of a
  /// far code, under about 2 pixels per module.
  kQuick,
  /// As kQuick; then, when the frame is quiet (noise_level at most kQuietNoise) and at most
  /// kMaxFinePixels, the frame traced as it is, at full size, in a window of a few modules of a
  /// far code: up to max_count more finders, the far code's.
  kFine,
};

/// The noise of a camera frame in grey levels: the median of the absolute second difference
/// along every fourth row, scaled to a standard deviation (for white noise of deviation s it is
/// about s). Edges are few against flat surfaces, so they move the median little.
double noise_level(const cv::Mat& gray);

/// The noise_level at most which kFine traces a frame unfiltered. Measured on rendered kiosk
/// scenes (seed 1) with a probe that was not kept: frames with mild sensor noise 0 to 4.3 (the
/// far codes up to 4.3), a dark room at high gain up to 5.5, strong sensor noise 11.5.
inline constexpr double kQuietNoise = 5.0;

/// The largest frame kFine traces unfiltered: a camera frame. Its cost grows with the ink's
/// specks faster than with the pixels (a page of small print, no code: 50 ms at 1280x720,
/// 0.2 to 0.4 s at 1920x1080, 26 s at 4096x3072); a photo that large shows a code bigger.
inline constexpr long kMaxFinePixels = 1920L * 1080L;

/// The finder patterns of dark-on-light codes in `gray` (8-bit, one channel). At most
/// `max_count` from each search (kQuick: one; kFine: two), largest first: a cluttered frame
/// cannot make the caller's work grow without bound.
std::vector<FinderPattern> find_finder_patterns(const cv::Mat& gray, std::size_t max_count,
                                                FinderSearch how = FinderSearch::kQuick);

}  // namespace kiosk::scan::detail
