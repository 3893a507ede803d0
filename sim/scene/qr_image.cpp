#include "sim/scene/qr_image.h"

#include <exception>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace kiosk::sim::scene {

cv::Mat qr_modules(const std::string& text) {
  try {
    // zxing-cpp 1.4 maps eccLevel 0..8 onto L, M, Q, H as (level - 1) / 2: 3 is M, the level the
    // issuers print.
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setEccLevel(3).setMargin(0);
    ZXing::BitMatrix bits = writer.encode(text, 0, 0);
    cv::Mat out(bits.height(), bits.width(), CV_8UC1);
    for (int y = 0; y < bits.height(); ++y)
      for (int x = 0; x < bits.width(); ++x)
        out.at<std::uint8_t>(y, x) = bits.get(x, y) ? 0 : 255;
    return out;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace kiosk::sim::scene
