// Scenes for the self-service coach (issue 17): an e-card phone at the 720p kiosk camera, as
// sim/scene renders it, taken one step further where the scanner can no longer read it, which
// is when the applicant needs advice: a screen turned down to a twentieth of its light in sensor
// noise, the phone held at twice the distance, a lamp's reflection over the code. TEST MATERIAL.
#pragma once

#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "sim/rng.h"

namespace kiosk::sim {

/// kFar: the phone at 2.2 to 3 times the distance (modules of about 1.1 to 1.6 pixels, past what
/// the scanner reads). kNoCode and kEmpty are the negatives a "hold closer" must not fire on: the
/// phone showing its e-card screen without the code, and the counter with nothing held up.
enum class CoachCondition { kGood, kDark, kFar, kGlare, kNoCode, kEmpty };
/// "good", "dark", "far", "glare", "nocode", "empty"
std::string_view name(CoachCondition c);

/// One BGR frame (1280x720) of a phone showing `text` under `c` (kNoCode, kEmpty: no code).
cv::Mat coach_scene(CoachCondition c, const std::string& text, Rng& rng);

}  // namespace kiosk::sim
