#include "sim/scene/scene.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "sim/scene/camera.h"
#include "sim/scene/credential_text.h"
#include "sim/scene/qr_image.h"

namespace kiosk::sim::scene {

std::string_view carrier_name(Carrier c) {
  switch (c) {
    case Carrier::kPhoneLight:
      return "phone-light";
    case Carrier::kPhoneDark:
      return "phone-dark";
    case Carrier::kLetter:
      return "letter";
    case Carrier::kCard:
      return "card";
  }
  return "unknown";
}

std::string_view degradation_name(Degradation d) {
  switch (d) {
    case Degradation::kClean:
      return "clean";
    case Degradation::kPerspective:
      return "perspective";
    case Degradation::kDefocus:
      return "defocus";
    case Degradation::kGlare:
      return "glare";
    case Degradation::kMoire:
      return "moire";
    case Degradation::kLowLight:
      return "low-light";
    case Degradation::kNoise:
      return "noise";
    case Degradation::kMotion:
      return "motion";
    case Degradation::kSmall:
      return "small";
    case Degradation::kDim:
      return "dim";
    case Degradation::kCracked:
      return "cracked";
    case Degradation::kShadow:
      return "shadow";
    case Degradation::kCrease:
      return "crease";
  }
  return "unknown";
}

std::vector<Degradation> all_degradations() {
  std::vector<Degradation> out;
  for (int i = 0; i <= static_cast<int>(Degradation::kCrease); ++i)
    out.push_back(static_cast<Degradation>(i));
  return out;
}

bool applies(Degradation d, Carrier c) {
  bool phone = c == Carrier::kPhoneLight || c == Carrier::kPhoneDark;
  switch (d) {
    case Degradation::kGlare:
    case Degradation::kMoire:
    case Degradation::kDim:
    case Degradation::kCracked:
      return phone;
    case Degradation::kCrease:
      return c == Carrier::kLetter;
    default:
      return true;
  }
}

std::string scene_folder(const SceneSpec& spec) {
  if (spec.text.empty()) return "negative";
  return std::string(degradation_name(spec.degradation));
}

namespace {

// One frame: everything from `rng` when `frame_rng` is null (render_scene); otherwise the tremor
// and the noise from `frame_rng`.
Scene render_frame(const SceneSpec& spec, Rng& rng, Rng* frame_rng, Tremor tremor) {
  // What one frame of a take draws for itself: from rng itself when there is no take.
  Rng& own = frame_rng ? *frame_rng : rng;
  Scene out;
  cv::Mat background = counter_background(spec.size, rng);
  Capture c;
  if (spec.empty_counter) {
    c.frame = background;
  } else {
    cv::Mat modules;
    if (!spec.text.empty()) modules = qr_modules(spec.text);
    CarrierStyle style;
    style.cracked = spec.degradation == Degradation::kCracked;
    style.folded = spec.degradation == Degradation::kCrease;
    int doc_px = spec.carrier == Carrier::kLetter ? 5 : 6;
    Document doc = draw_carrier(spec.carrier, modules, doc_px, style, rng);
    Pose pose;
    pose.module_px = rng.uniform(2.5, 5.0);
    pose.roll_deg = rng.uniform(-25, 25);
    pose.tilt_x_deg = rng.uniform(-15, 15);
    pose.tilt_y_deg = rng.uniform(-15, 15);
    switch (spec.degradation) {
      case Degradation::kPerspective:
        pose.tilt_x_deg = rng.uniform(30, 50) * (rng.below(2) ? 1 : -1);
        pose.tilt_y_deg = rng.uniform(-30, 30);
        break;
      case Degradation::kSmall:
        pose.module_px = rng.uniform(1.3, 2.0);
        break;
      case Degradation::kDefocus:
      case Degradation::kMotion:
        pose.module_px = rng.uniform(3.5, 5.5);
        break;
      default:
        break;
    }
    // Keep the whole code in the frame: its half-diagonal at this scale, with a margin.
    int n = modules.empty() ? 85 : modules.cols;
    double half = n * pose.module_px * 0.75;
    double mx = std::min(half, spec.size.width / 2.0 - 1);
    double my = std::min(half, spec.size.height / 2.0 - 1);
    pose.centre = cv::Point2f(static_cast<float>(rng.uniform(mx, spec.size.width - mx)),
                              static_cast<float>(rng.uniform(my, spec.size.height - my)));
    if (frame_rng) {
      // The hand's tremor between frames of a take.
      pose.centre += cv::Point2f(static_cast<float>(own.uniform(-tremor.px, tremor.px)),
                                 static_cast<float>(own.uniform(-tremor.px, tremor.px)));
      pose.roll_deg += own.uniform(-tremor.deg, tremor.deg);
    }
    c = place(doc, doc_px, pose, background);
    if (doc.has_code) out.code = c.code;
  }
  switch (spec.degradation) {
    case Degradation::kDim:
      dim_screen(c, rng.uniform(0.2, 0.45));
      break;
    case Degradation::kShadow:
      cast_shadow(c, rng);
      break;
    case Degradation::kGlare:
      add_glare(c, rng);
      break;
    case Degradation::kMoire:
      add_moire(c, rng);
      break;
    case Degradation::kDefocus:
      defocus(c, rng.uniform(1.2, 2.8));
      break;
    case Degradation::kMotion:
      motion_blur(c, rng.uniform(5, 14), rng.uniform(0, CV_PI));
      break;
    default:
      break;
  }
  if (spec.degradation == Degradation::kLowLight) low_light(c, rng, own);
  sensor_noise(c, spec.degradation == Degradation::kNoise ? rng.uniform(8, 18) : rng.uniform(1, 3),
               own);
  jpeg_roundtrip(c, static_cast<int>(rng.uniform(70, 95)));
  out.frame = c.frame;
  out.text = spec.text;
  return out;
}

}  // namespace

Scene render_scene(const SceneSpec& spec, Rng& rng) {
  return render_frame(spec, rng, nullptr, {});
}

std::vector<Scene> render_take(const SceneSpec& spec, const Rng& rng, int frames, Tremor tremor) {
  std::vector<Scene> out;
  for (int i = 0; i < frames; ++i) {
    Rng r = rng;  // the same draws for what the take holds still
    Rng f = rng.fork("frame " + std::to_string(i));
    out.push_back(render_frame(spec, r, i == 0 ? nullptr : &f, tremor));
  }
  return out;
}

std::vector<SceneSpec> scene_plan(Rng& rng, int count, const std::vector<std::string>& texts) {
  const Carrier carriers[] = {Carrier::kPhoneLight, Carrier::kPhoneDark, Carrier::kLetter,
                              Carrier::kCard};
  // Every (degradation, carrier) pair that applies, cycled.
  std::vector<std::pair<Degradation, Carrier>> pairs;
  for (Degradation d : all_degradations())
    for (Carrier c : carriers)
      if (applies(d, c)) pairs.emplace_back(d, c);
  std::vector<SceneSpec> out;
  std::size_t next_text = 0, next_pair = 0;
  for (int i = 0; i < count; ++i) {
    SceneSpec s;
    if (i % 8 == 7) {
      // Negatives: each carrier without its code, and the empty counter.
      int k = (i / 8) % 5;
      s.empty_counter = k == 4;
      s.carrier = carriers[k % 4];
      auto d = all_degradations();
      do
        s.degradation = d[rng.index(d.size())];
      while (!applies(s.degradation, s.carrier));
      out.push_back(s);
      continue;
    }
    auto [d, c] = pairs[next_pair++ % pairs.size()];
    s.carrier = c;
    s.degradation = d;
    bool presentation = c == Carrier::kPhoneLight || c == Carrier::kPhoneDark;
    if (texts.empty())
      s.text = credential_like_text(rng, presentation);
    else
      s.text = texts[next_text++ % texts.size()];
    out.push_back(s);
  }
  return out;
}

}  // namespace kiosk::sim::scene
