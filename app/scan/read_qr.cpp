#include "app/scan/read_qr.h"

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

namespace kiosk::scan::detail {

void map_corners(std::vector<Code>& codes, const cv::Matx33d& to_frame) {
  for (Code& c : codes)
    for (Point& p : c.corners) {
      cv::Vec3d v = to_frame * cv::Vec3d(static_cast<double>(p.x), static_cast<double>(p.y), 1.0);
      double w = v[2] != 0 ? v[2] : 1.0;
      p = {static_cast<float>(v[0] / w), static_cast<float>(v[1] / w)};
    }
}

GrayView gray_view(const cv::Mat& gray) {
  return {gray.data, gray.cols, gray.rows, static_cast<int>(gray.step[0])};
}

std::vector<Code> read_qr(const cv::Mat& gray, Binarizer binarizer, const cv::Matx33d& to_frame,
                          Stage stage) {
  if (gray.empty() || gray.type() != CV_8UC1) return {};
  std::vector<Code> codes = read_qr_gray(gray_view(gray), binarizer, stage);
  map_corners(codes, to_frame);
  return codes;
}

std::optional<std::string> read_pure_qr(const cv::Mat& rendering) {
  if (rendering.empty() || rendering.type() != CV_8UC1) return std::nullopt;
  ZXing::ImageView view(rendering.data, rendering.cols, rendering.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(rendering.step[0]));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setIsPure(true);
  ZXing::Result r = ZXing::ReadBarcode(view, hints);
  if (!r.isValid() || r.format() != ZXing::BarcodeFormat::QRCode) return std::nullopt;
  return r.text();
}

}  // namespace kiosk::scan::detail
