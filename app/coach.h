// Coaching the applicant at the self-service camera: a frame's light, glare and sharpness,
// measured in one pass, turned into one thing to do. Pure and small: pixels in, advice out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "app/scan/image_view.h"

namespace kiosk {

struct FrameMeasure {
  double mean = 0;                  ///< mean luminance, 0..255
  double saturated = 0;             ///< share of pixels at 250 or above, 0..1 (glare)
  double sharpness = 0;             ///< mean absolute Laplacian, grey levels (low: blurred or far)
  std::optional<double> module_px;  ///< the QR's module size when the scanner estimated one
};

/// Measures a frame (every 2nd pixel of every 2nd row). A view without data measures as zeros.
FrameMeasure measure_frame(const scan::ImageView& frame);

enum class Advice : std::uint8_t {
  kNone,       ///< nothing to say: keep holding
  kBrighter,   ///< the phone screen is too dark: turn its brightness up
  kTiltGlare,  ///< a reflection hides the code: tilt the phone or the page
  kCloser,     ///< the code is too small: hold it closer
  kHoldStill,  ///< blurred: hold still a moment
};
std::string_view name(Advice a);  ///< "none", "brighter", "tilt", "closer", "still"

/// The one thing to do, most blocking first: darkness, glare, distance, blur.
Advice advise(const FrameMeasure& m);

}  // namespace kiosk
