#include "app/scan/prepare.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace kiosk::scan::detail {

cv::Mat inverted(const cv::Mat& gray) {
  cv::Mat out;
  cv::bitwise_not(gray, out);
  return out;
}

cv::Mat equalised(const cv::Mat& gray) {
  // Tiles of about 8x8 over the frame; the clip limit keeps noise in flat areas from being
  // amplified into false edges.
  cv::Mat out;
  cv::createCLAHE(2.0, cv::Size(8, 8))->apply(gray, out);
  return out;
}

cv::Mat sharpened(const cv::Mat& gray) {
  // Unsharp mask: out = 2 * gray - blur(gray), sigma scaled to a module of a few pixels.
  cv::Mat blur, out;
  cv::GaussianBlur(gray, blur, cv::Size(0, 0), 2.0);
  cv::addWeighted(gray, 2.0, blur, -1.0, 0, out);
  return out;
}

cv::Mat denoised(const cv::Mat& gray) {
  cv::Mat out;
  cv::GaussianBlur(gray, out, cv::Size(0, 0), 1.2);
  return out;
}

Prepared enlarged(const cv::Mat& gray, double factor) {
  Prepared p;
  cv::resize(gray, p.gray, cv::Size(), factor, factor,
             factor > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  p.to_frame = cv::Matx33d(1 / factor, 0, 0, 0, 1 / factor, 0, 0, 0, 1);
  return p;
}

std::optional<cv::Rect> widened(const cv::Mat& gray, const Region& region) {
  if (region.width <= 0 || region.height <= 0) return std::nullopt;
  // In long: a region from a caller may lie anywhere.
  long x0 = static_cast<long>(region.x) - region.width / 2;
  long y0 = static_cast<long>(region.y) - region.height / 2;
  long x1 = static_cast<long>(region.x) + region.width + region.width / 2;
  long y1 = static_cast<long>(region.y) + region.height + region.height / 2;
  x0 = std::clamp<long>(x0, 0, gray.cols);
  y0 = std::clamp<long>(y0, 0, gray.rows);
  x1 = std::clamp<long>(x1, 0, gray.cols);
  y1 = std::clamp<long>(y1, 0, gray.rows);
  if (x1 - x0 < 8 || y1 - y0 < 8) return std::nullopt;
  return cv::Rect(static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0),
                  static_cast<int>(y1 - y0));
}

Prepared cropped(const cv::Mat& gray, const cv::Rect& rect, double factor) {
  Prepared p;
  cv::resize(gray(rect), p.gray, cv::Size(), factor, factor,
             factor > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  p.to_frame = cv::Matx33d(1 / factor, 0, static_cast<double>(rect.x), 0, 1 / factor,
                           static_cast<double>(rect.y), 0, 0, 1);
  return p;
}

std::optional<Prepared> hint_crop(const cv::Mat& gray, const Region& hint) {
  auto rect = widened(gray, hint);
  if (!rect) return std::nullopt;
  double factor = 800.0 / static_cast<double>(std::max(rect->width, rect->height));
  return cropped(gray, *rect, std::clamp(factor, 0.5, 4.0));
}

}  // namespace kiosk::scan::detail
