// The camera's consecutive missed frames of one held code, fused: the mean of the frames that
// show the same scene. Averaging k frames divides the sensor's noise by the square root of k and
// keeps the code, so a dim, low-contrast code that no single frame reads (paper at the far end of
// the counter under a weak lamp, the sensor at high gain) can read from the mean.
// bench/contrast_sweep's cam_3f column measures it; bench/frame_fusion showed that frames limited
// by blur or resolution rather than noise gain nothing, so only noisy frames are fused.
//
// A run of still frames is scanned as a mean after 3 frames, then after 6, 12, 24 and 48, then
// every 24 (the mean then of about the last 48, older frames weighing less): a code held still
// gains clarity the longer it is held, and a still, empty counter in a dim room, which is such a
// run too, costs one scan of a mean every 24 frames, not one every 3 (with a mean every 3,
// bench/e2e_latency counted 285 means in 1002 frames, most of an empty counter; a frame's scan
// and then its mean's keep the decoder from the next frame, which is then skipped).
//
// Pure and single-threaded: the camera's worker owns one and feeds it the frames that did not
// read. It uses cv::Mat (not a public scan header).
#pragma once

#include <cstdint>
#include <optional>

#include <opencv2/core.hpp>

namespace kiosk::scan {

class FrameStack {
 public:
  /// The frames of the first mean.
  static constexpr int kFrames = 3;
  /// About how many of the latest frames a mean holds at most: past it each frame's weight in
  /// the mean decays (a running mean over the latest kMaxFrames). Also the run length after
  /// which a mean is due every kMaxFrames / 2 frames.
  static constexpr int kMaxFrames = 48;
  /// The run's first frame's noise_level above which a mean is worth scanning: under it single
  /// frames are not noise-limited (bench/contrast_sweep: at noise 2, 2.4 grey levels, the mean
  /// of three reads what one frame reads).
  static constexpr double kMinNoise = 3.0;

  /// A frame that did not read (8-bit, one or three channels; three are made grey). It joins
  /// the run when it shows what the run's first frame shows (still(), at that frame's noise);
  /// otherwise, or when the run's first frame was quiet (noise_level at most kMinNoise) or of
  /// another size, it starts a new run. Any other frame is ignored.
  void push(const cv::Mat& frame);

  /// The run's mean when one is due: at 3, 6, 12, 24 and 48 frames into a noisy run, then every
  /// 24 frames. nullopt otherwise. The run goes on: the next mean holds these frames too.
  std::optional<cv::Mat> take_mean();

  /// Forgets the run (a code was read, or the camera restarted).
  void clear();

  /// The frames in the current run.
  std::int64_t size() const { return frames_; }

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
  void start(cv::Mat gray);

  cv::Mat first_;               // the run's first frame, grey
  double noise_ = 0;            // its noise_level
  cv::Mat mean_;                // CV_32F: the running mean of the run's frames
  std::int64_t frames_ = 0;     // frames in the run (a still, empty counter: months of them)
  std::int64_t due_ = kFrames;  // the run length at which the next mean is due
};

}  // namespace kiosk::scan
