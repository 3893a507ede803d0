// Coaching the applicant at the self-service camera: a frame's light, glare and sharpness,
// measured in one pass, turned into one thing to do. Pure and small: pixels in, advice out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "app/scan/image_view.h"

namespace kiosk {

struct FrameMeasure {
  double mean = 0;       ///< mean luminance, 0..255
  double bright = 0;     ///< the 99th percentile of luminance: the lit part (a screen's white)
  double saturated = 0;  ///< share of pixels at 250 or above, 0..1
  double sharpness = 0;  ///< mean absolute Laplacian, grey levels (low: blurred or far)
  std::optional<double> module_px;  ///< the code's module size, when a code was located
  /// The radius of the largest saturated disc over the located code, in modules (glare).
  std::optional<double> glare_modules;
};

/// Measures a frame (every 2nd pixel of every 2nd row). A view without data measures as zeros.
/// With `find_module`, also locates a code in view and measures its module size and the glare
/// over it: by the scan pipeline's own finder search, and for a code too small for that search
/// (modules of about 1.2 to 2 pixels), by the middles of its finder patterns in the patches of
/// dense fine detail, enlarged (none found: no estimate; no glare measured on a small code).
FrameMeasure measure_frame(const scan::ImageView& frame, bool find_module = false);

enum class Advice : std::uint8_t {
  kNone,       ///< nothing to say: keep holding
  kBrighter,   ///< the phone screen is too dark: turn its brightness up
  kTiltGlare,  ///< a reflection hides the code: tilt the phone or the page
  kCloser,     ///< the code is too small: hold it closer
  kHoldStill,  ///< blurred: hold still a moment
};
std::string_view name(Advice a);  ///< "none", "brighter", "tilt", "closer", "still"

/// The coach's thresholds, in one place, chosen from bench/coach_inputs: kiosk-sim's e-card
/// phone at the 720p kiosk camera, and the real photographs of tests/data/corpus
/// (docs/coaching.md has both tables). Only frames the scanner could not read are coached, so
/// each threshold separates the unread frames of its condition from the unread frames of the
/// others, and keeps off the photos the scanner reads (they would be coached on a frame it misses):
///  - dark: the 99th percentile of luminance (a screen's white, however little of the frame it
///    fills): unread dark scenes 9-10, every other scene 141 or more, the photos 160 or more (a
///    mean would have coached 14 decodable photos of a small code on a dark ground);
///  - glare: the largest saturated disc over the located code, in modules: glare scenes 33-42,
///    good scenes 1.0-1.4, the photos at most 2.6 (overexposed paper saturates its light modules,
///    but leaves no wide disc; a frame-wide saturated share coached 66 of 133 decodable photos);
///  - far: good scenes' codes measure 3.4 px a module, unread far ones 1.1-1.7; the decodable
///    photos 1.9 and up, except synthetic renders at one pixel a module: under 2 is too far;
///  - blur: every scene with a code in view measures 6 or more (sensor noise included); under 2
///    is a frame with no detail at all: hold still.
struct CoachThresholds {
  double dark_bright = 50;
  double glare_modules = 5.0;
  double far_module_px = 2.0;
  double blur_sharpness = 2.0;
};
inline constexpr CoachThresholds kCoachThresholds{};

/// The one thing to do, most blocking first: darkness, glare, distance, blur.
Advice advise(const FrameMeasure& m, const CoachThresholds& t = kCoachThresholds);

}  // namespace kiosk
