// Credential-like QR texts for scenes: the real prefix and Base45 of a zlib stream, sized like the
// real ones, so that the rendered QR versions (15 to 25) match what applicants show.
#pragma once

#include <string>

#include "sim/rng.h"

namespace kiosk::sim::scene {

/// "WPP1:" (e-card presentation) or "WPC1:" (letter, card) followed by Base45 of zlib of 380 to
/// 640 random bytes. Not a valid credential (no signature): for the optical path only.
std::string credential_like_text(Rng& rng, bool presentation);

}  // namespace kiosk::sim::scene
