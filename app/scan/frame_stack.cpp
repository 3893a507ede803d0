#include "app/scan/frame_stack.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"

namespace kiosk::scan {

void FrameStack::clear() {
  first_.release();
  mean_.release();
  noise_ = 0;
  frames_ = 0;
  due_ = kFrames;
}

void FrameStack::start(cv::Mat gray) {
  clear();
  noise_ = detail::noise_level(gray);
  // A quiet run is never fused (take_mean) and the next frame starts a new one: no mean to keep.
  if (noise_ > kMinNoise) gray.convertTo(mean_, CV_32F);
  first_ = std::move(gray);
  frames_ = 1;
}

void FrameStack::push(const cv::Mat& frame) {
  if (frame.empty() || frame.depth() != CV_8U || (frame.channels() != 1 && frame.channels() != 3))
    return;
  cv::Mat gray;
  if (frame.channels() == 3)
    cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  else
    gray = frame.clone();  // the camera reuses its buffers
  if (frames_ == 0 || gray.size() != first_.size() || noise_ <= kMinNoise ||
      !still(first_, gray, noise_))
    return start(std::move(gray));
  // The mean of the run's frames while there are at most kMaxFrames; then each new frame weighs
  // 1 / kMaxFrames and the older ones decay.
  ++frames_;
  cv::accumulateWeighted(gray, mean_,
                         1.0 / static_cast<double>(std::min<std::int64_t>(frames_, kMaxFrames)));
}

bool FrameStack::still(const cv::Mat& a, const cv::Mat& b, double noise) {
  if (a.size() != b.size() || a.type() != CV_8UC1 || b.type() != CV_8UC1) return false;
  cv::Mat ra, rb, diff, blocks;
  cv::resize(a, ra, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
  cv::resize(b, rb, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
  cv::absdiff(ra, rb, diff);
  // The mean difference in each block of 32x32 pixels: a code is a small part of the frame, so
  // the frame's mean would not see it move.
  cv::resize(diff, blocks, cv::Size(), 1.0 / 8, 1.0 / 8, cv::INTER_AREA);
  double worst = 0;
  cv::minMaxLoc(blocks, nullptr, &worst);
  // Two frames' independent noise of deviation s, averaged over 16 pixels: their difference has
  // deviation s * sqrt(2) / 4, and its mean absolute value is sqrt(2 / pi) of that.
  const double noise_part = noise * std::sqrt(2.0) / 4 * std::sqrt(2.0 / CV_PI);
  return worst <= noise_part + kStillMargin;
}

std::optional<cv::Mat> FrameStack::take_mean() {
  if (frames_ < due_ || noise_ <= kMinNoise) return std::nullopt;
  due_ = frames_ < kMaxFrames ? 2 * frames_ : frames_ + kMaxFrames / 2;
  cv::Mat mean;
  mean_.convertTo(mean, CV_8U);
  return mean;
}

}  // namespace kiosk::scan
