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
  /// As kQuick; then, when the frame's noise_level is at most kMaxFineNoise and it has at most
  /// kMaxFinePixels, the frame traced as it is, at full size, in a window of a few modules of a
  /// far code: up to max_count more finders, the far code's.
  kFine,
};

/// The noise of a camera frame in grey levels: the median of the absolute second difference
/// along every fourth row, scaled to a standard deviation (for white noise of deviation s it is
/// about s). Edges are few against flat surfaces, so they move the median little.
double noise_level(const cv::Mat& gray);

/// The noise_level at most which kFine traces a frame as it is. bench/contrast_sweep (36
/// rendered 720p scenes: 17 near codes, 13 far, 6 without a code; contrast scaled from 1 to
/// 0.07 at each noise): tracing only quiet frames (noise_level at most 5) with an ink margin of
/// 8, the far codes read 115 of 455 at noise 2 to 13 and the near ones 462 of 595; tracing up to
/// this bound with the margin of kFineMarginPerNoise, 171 and 469. Noisier, up to a level of 30,
/// the fine search still read 8 far and 8 near codes more in 7 rows (contrast 1 to 0.3); at 44,
/// one near code. Over the bound a frame is mostly specks. Every stage on one of the sweep's
/// frames took 170 ms on average against 128 ms before, at most 0.46 s against 0.32 s (one
/// core); kioskctl scan runs this search last, in the far stage, and the camera never.
inline constexpr double kMaxFineNoise = 32.0;

/// The fine search's ink margin per grey level of noise_level, clamped to 3 to 8 levels (8 is
/// the quick search's): a far code faded to a tenth of its contrast in a quiet frame keeps its
/// rings (bench/contrast_sweep at noise 2 and contrast 0.1: 8 of 13 far codes read against 1 with
/// a margin of 8), and a noisy frame is held to the quick search's margin.
inline constexpr double kFineMarginPerNoise = 1.5;

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
