// QR symbols for the simulator, drawn by ZXing-C++'s writer.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace kiosk::sim::scene {

/// The modules of `text` as a QR code at error-correction level M: one pixel per module, 0 dark,
/// 255 light, no quiet zone. Empty when the text does not fit in a QR code.
cv::Mat qr_modules(const std::string& text);

}  // namespace kiosk::sim::scene
