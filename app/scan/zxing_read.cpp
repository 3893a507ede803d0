#include "app/scan/zxing_read.h"

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

}  // namespace

std::vector<Code> read_qr_gray(const GrayView& gray, Binarizer binarizer, Stage stage) {
  std::vector<Code> codes;
  if (gray.data == nullptr || gray.width <= 0 || gray.height <= 0 || gray.stride < gray.width)
    return codes;
  ZXing::ImageView view(gray.data, gray.width, gray.height, ZXing::ImageFormat::Lum, gray.stride);
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
      c.corners[static_cast<std::size_t>(i)] = {static_cast<float>(pos[i].x),
                                                static_cast<float>(pos[i].y)};
    c.stage = stage;
    codes.push_back(std::move(c));
  }
  return codes;
}

}  // namespace kiosk::scan::detail
