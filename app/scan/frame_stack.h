// The camera's consecutive missed frames of one held code, fused: the mean of the last few frames
// when they show the same scene. Averaging k frames divides the sensor's noise by the square
// root of k and keeps the code, so a dim, low-contrast code that no single frame reads (paper at
// the far end of the counter under a weak lamp, the sensor at high gain) can read from the mean.
// bench/contrast_sweep's cam_3f column measures it; bench/frame_fusion showed that frames limited
// by blur or resolution rather than noise gain nothing, so only noisy frames are fused.
//
// Pure and single-threaded: the camera's worker owns one and feeds it the frames that did not
// read. It uses cv::Mat (not a public scan header).
#pragma once

#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan {

class FrameStack {
 public:
  /// The frames fused into one mean.
  static constexpr int kFrames = 3;
  /// The newest frame's noise_level above which a mean is worth scanning: under it single
  /// frames are not noise-limited (bench/contrast_sweep: at noise 2, 2.4 grey levels, the mean
  /// of three reads what one frame reads).
  static constexpr double kMinNoise = 3.0;

  /// A frame that did not read (8-bit, one or three channels; three are made grey). A frame of
  /// another size than those held starts the stack anew.
  void push(const cv::Mat& frame);

  /// The mean of the last kFrames frames, when there are that many, the newest is noisier than
  /// kMinNoise and every frame shows what the newest shows (held still: see still()); then the
  /// stack is emptied, so that each mean is of frames not fused before. nullopt otherwise.
  std::optional<cv::Mat> take_mean();

  /// Forgets the frames (a code was read, or the camera restarted).
  void clear() { frames_.clear(); }

  std::size_t size() const { return frames_.size(); }

  /// How far, in grey levels, two still frames' block differences may exceed their noise's.
  static constexpr double kStillMargin = 3.0;

  /// Whether `a` and `b` (grey, one size) show the same scene under sensor noise of `noise`
  /// grey levels: reduced 4 times each way (which averages the noise down by 4), their mean
  /// absolute difference in every block of 32x32 pixels is at most what that noise leaves plus
  /// kStillMargin. A faded code under a hand's tremor of under a pixel passes; a carrier moved
  /// by a few pixels, or a code in full contrast under the tremor, does not (the latter reads
  /// from one frame, or its mean would be a blur).
  static bool still(const cv::Mat& a, const cv::Mat& b, double noise);

 private:
  std::vector<cv::Mat> frames_;  // grey, oldest first
};

}  // namespace kiosk::scan
