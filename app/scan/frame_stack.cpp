#include "app/scan/frame_stack.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"

namespace kiosk::scan {

void FrameStack::push(const cv::Mat& frame) {
  if (frame.empty() || frame.depth() != CV_8U || (frame.channels() != 1 && frame.channels() != 3))
    return;
  cv::Mat gray;
  if (frame.channels() == 3)
    cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  else
    gray = frame.clone();  // the camera reuses its buffers
  if (!frames_.empty() && frames_.front().size() != gray.size()) frames_.clear();
  frames_.push_back(std::move(gray));
  if (frames_.size() > static_cast<std::size_t>(kFrames)) frames_.erase(frames_.begin());
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
  if (frames_.size() < static_cast<std::size_t>(kFrames)) return std::nullopt;
  const cv::Mat& newest = frames_.back();
  const double noise = detail::noise_level(newest);
  if (noise <= kMinNoise) return std::nullopt;
  for (std::size_t i = 0; i + 1 < frames_.size(); ++i)
    if (!still(frames_[i], newest, noise)) return std::nullopt;
  cv::Mat sum(newest.size(), CV_32F, cv::Scalar(0));
  for (const cv::Mat& f : frames_)
    cv::accumulate(f, sum);
  cv::Mat mean;
  sum.convertTo(mean, CV_8U, 1.0 / static_cast<double>(frames_.size()));
  frames_.clear();
  return mean;
}

}  // namespace kiosk::scan
