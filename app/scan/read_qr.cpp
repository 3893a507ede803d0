#include "app/scan/read_qr.h"

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

namespace kiosk::scan::detail {

namespace {

ZXing::Binarizer to_zxing(Binarizer b) {
  switch (b) {
    case Binarizer::kGlobalHistogram:
      return ZXing::Binarizer::GlobalHistogram;
    case Binarizer::kFixedThreshold:
      return ZXing::Binarizer::FixedThreshold;
    case Binarizer::kLocalAverage:
      break;
  }
  return ZXing::Binarizer::LocalAverage;
}

Point map_point(const cv::Matx33d& h, ZXing::PointI p) {
  cv::Vec3d v = h * cv::Vec3d(p.x, p.y, 1.0);
  double w = v[2] != 0 ? v[2] : 1.0;
  return {static_cast<float>(v[0] / w), static_cast<float>(v[1] / w)};
}

}  // namespace

std::vector<Code> read_qr(const cv::Mat& gray, Binarizer binarizer, const cv::Matx33d& to_frame,
                          Stage stage) {
  std::vector<Code> codes;
  if (gray.empty() || gray.type() != CV_8UC1) return codes;
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(gray.step[0]));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setBinarizer(to_zxing(binarizer));
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    // Only results that passed Reed-Solomon correction and parsed: never a guessed text.
    if (!r.isValid() || r.format() != ZXing::BarcodeFormat::QRCode) continue;
    Code c;
    c.text = r.text();
    const auto& pos = r.position();
    for (int i = 0; i < 4; ++i)
      c.corners[static_cast<std::size_t>(i)] = map_point(to_frame, pos[i]);
    c.stage = stage;
    codes.push_back(std::move(c));
  }
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
