#include "app/scan/locate.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace kiosk::scan::detail {

std::vector<Prepared> located_codes(const cv::Mat& gray) {
  std::vector<Prepared> out;
  std::vector<cv::Point2f> corners;
  cv::QRCodeDetector detector;
  bool found = false;
  try {
    found = detector.detect(gray, corners);
  } catch (const cv::Exception&) {
    return out;  // OpenCV asserts on degenerate geometry: that is "not found" here
  }
  if (!found || corners.size() != 4) return out;
  // The code is mapped onto a square of kSide pixels inside a quiet zone of kQuiet pixels.
  constexpr float kSide = 600, kQuiet = 60;
  std::vector<cv::Point2f> square = {{kQuiet, kQuiet},
                                     {kQuiet + kSide, kQuiet},
                                     {kQuiet + kSide, kQuiet + kSide},
                                     {kQuiet, kQuiet + kSide}};
  cv::Mat h = cv::getPerspectiveTransform(corners, square);
  if (h.empty() || cv::determinant(h) == 0) return out;
  Prepared p;
  int size = static_cast<int>(kSide + 2 * kQuiet);
  cv::warpPerspective(gray, p.gray, h, cv::Size(size, size), cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  cv::Mat inv = h.inv();
  p.to_frame = cv::Matx33d(inv);
  out.push_back(std::move(p));
  return out;
}

}  // namespace kiosk::scan::detail
