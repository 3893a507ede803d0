// Camera scenes for the scan benchmarks and tests: a carrier showing a QR text, held at the kiosk
// camera under one named degradation. Deterministic by seed (sim/rng.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "sim/rng.h"
#include "sim/scene/carrier.h"

namespace kiosk::sim::scene {

enum class Degradation : std::uint8_t {
  kClean,        ///< held still, in focus, well lit (mild noise and MJPG only)
  kPerspective,  ///< tilted 30 to 50 degrees
  kDefocus,      ///< out of focus
  kGlare,        ///< a light mirrored in the phone screen
  kMoire,        ///< screen grid beating with the sensor
  kLowLight,     ///< dark room, high gain
  kNoise,        ///< strong sensor noise
  kMotion,       ///< moving hand
  kSmall,        ///< far from the camera: modules of 1.3 to 2 pixels
  kDim,          ///< phone brightness turned down
  kCracked,      ///< cracked screen protector
  kShadow,       ///< in the counter's shadow
  kCrease,       ///< a letter folded through its code
};

std::string_view carrier_name(Carrier c);
std::string_view degradation_name(Degradation d);
/// Every degradation, in declaration order.
std::vector<Degradation> all_degradations();
/// Whether `d` applies to `c` (glare, moire, dim, cracked: phones; crease: letters).
bool applies(Degradation d, Carrier c);

struct SceneSpec {
  Carrier carrier = Carrier::kPhoneLight;
  Degradation degradation = Degradation::kClean;
  std::string text;            ///< the QR text; empty: the carrier without a code (a negative)
  bool empty_counter = false;  ///< a negative with nothing held up at all
  cv::Size size{1280, 720};
};

struct Scene {
  cv::Mat frame;     ///< BGR, spec.size
  std::string text;  ///< the text a reader must return; empty for a negative
  std::optional<std::array<cv::Point2f, 4>> code;  ///< the code's corners in the frame
};

/// Renders one scene; everything random is drawn from `rng`.
Scene render_scene(const SceneSpec& spec, Rng& rng);

/// The hand's tremor between two frames of a take: the code's centre moves up to `px` pixels each
/// way, and it turns up to `deg` degrees. {0, 0}: a carrier lying still on the counter.
struct Tremor {
  double px = 0.75;
  double deg = 0.2;
};

/// `frames` consecutive frames of one scene held up to the camera (a take). The first is
/// render_scene's frame. What the take holds still (the counter, the carrier, the pose, the light,
/// the degradation) is drawn from `rng` as render_scene draws it, the same in every frame; each
/// later frame draws its own tremor and sensor noise from a fork of `rng`.
std::vector<Scene> render_take(const SceneSpec& spec, const Rng& rng, int frames,
                               Tremor tremor = {});

/// `count` scenes covering every carrier and every degradation that applies to it, about one in
/// eight a negative (carriers without a code and the empty counter). Texts are taken in turn from
/// `texts`, or made with credential_like_text when it is empty.
std::vector<SceneSpec> scene_plan(Rng& rng, int count, const std::vector<std::string>& texts);

/// The folder a scene belongs in: its degradation's name, or "negative".
std::string scene_folder(const SceneSpec& spec);

}  // namespace kiosk::sim::scene
