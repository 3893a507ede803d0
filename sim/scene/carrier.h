// What the applicant holds up, drawn flat and facing the camera: a phone showing the e-card QR, a
// printed Work Permit Notification Letter, a legacy work permit card.
#pragma once

#include <array>

#include <opencv2/core.hpp>

#include "sim/rng.h"

namespace kiosk::sim::scene {

enum class Carrier : std::uint8_t {
  kPhoneLight,  ///< e-card app in light mode: dark modules on white
  kPhoneDark,   ///< e-card app in dark mode: light modules on a dark ground
  kLetter,      ///< A4 letter, QR in the lower right
  kCard,        ///< legacy card, QR on a white patch
};

struct CarrierStyle {
  bool cracked = false;  ///< phone: a cracked screen protector (bright lines across the screen)
  bool folded = false;   ///< letter: folded in three (two creases, panels lit differently)
};

/// A carrier drawn in its own pixels (`module_px` pixels per QR module).
struct Document {
  cv::Mat image;   ///< BGR
  cv::Mat mask;    ///< 8-bit, 255 on the object (phones and cards have rounded corners)
  cv::Mat screen;  ///< 8-bit, 255 on the phone's emitting screen; empty for paper
  std::array<cv::Point2f, 4> code{};  ///< the symbol's corners (without quiet zone): TL TR BR BL
  bool has_code = false;
};

/// Draws `carrier` with the QR `modules` (from qr_modules; empty: the same carrier without any
/// code, a negative), randomised by `rng` (colours, text, layout details).
Document draw_carrier(Carrier carrier, const cv::Mat& modules, int module_px,
                      const CarrierStyle& style, Rng& rng);

}  // namespace kiosk::sim::scene
