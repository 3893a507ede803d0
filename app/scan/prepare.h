// Internal to the scan pipeline: the image preparations of the fallback stages, and the
// rectification of a located code. Not a public header (it uses cv::Mat).
#pragma once

#include <optional>

#include <opencv2/core.hpp>

#include "app/scan/scanner.h"

namespace kiosk::scan::detail {

/// A prepared image and the map from its pixels to frame pixels.
struct Prepared {
  cv::Mat gray;
  cv::Matx33d to_frame = cv::Matx33d::eye();
};

cv::Mat inverted(const cv::Mat& gray);
cv::Mat equalised(const cv::Mat& gray);
cv::Mat sharpened(const cv::Mat& gray);
cv::Mat denoised(const cv::Mat& gray);
/// `gray` enlarged by `factor`.
Prepared enlarged(const cv::Mat& gray, double factor);
/// `region` widened by half its size on each side and clipped to `gray`; nullopt when less than
/// 8x8 pixels of it lies in the frame.
std::optional<cv::Rect> widened(const cv::Mat& gray, const Region& region);
/// The part `rect` of `gray` resized by `factor` (cubic when enlarging, area when reducing).
Prepared cropped(const cv::Mat& gray, const cv::Rect& rect, double factor);
/// The region `hint` widened, and scaled so that its longer side is about 800 pixels; nullopt
/// when nothing of it lies in the frame.
std::optional<Prepared> hint_crop(const cv::Mat& gray, const Region& hint);

}  // namespace kiosk::scan::detail
