#include "sim/coach/coach_scene.h"

#include <opencv2/imgproc.hpp>

#include "sim/scene/scene.h"

namespace kiosk::sim {

std::string_view name(CoachCondition c) {
  switch (c) {
    case CoachCondition::kGood:
      return "good";
    case CoachCondition::kDark:
      return "dark";
    case CoachCondition::kFar:
      return "far";
    case CoachCondition::kGlare:
      return "glare";
    case CoachCondition::kNoCode:
      return "nocode";
    case CoachCondition::kEmpty:
      return "empty";
  }
  return "good";
}

cv::Mat coach_scene(CoachCondition c, const std::string& text, Rng& rng) {
  scene::SceneSpec spec;
  spec.carrier = scene::Carrier::kPhoneLight;
  spec.text = c == CoachCondition::kNoCode || c == CoachCondition::kEmpty ? "" : text;
  spec.empty_counter = c == CoachCondition::kEmpty;
  spec.degradation =
      c == CoachCondition::kDark ? scene::Degradation::kDim : scene::Degradation::kClean;
  scene::Scene s = scene::render_scene(spec, rng);
  cv::Mat f = s.frame;
  switch (c) {
    case CoachCondition::kGood:
    case CoachCondition::kNoCode:
    case CoachCondition::kEmpty:
      break;
    case CoachCondition::kDark:
      // The dimmed screen at a twentieth of its light, in the sensor's noise at high gain.
      {
        f.convertTo(f, CV_16SC3, 0.05, 0);
        cv::Mat noise(f.size(), CV_16SC3);
        cv::RNG cv_rng(rng.next());  // deterministic by the scene's seed
        cv_rng.fill(noise, cv::RNG::NORMAL, 0, 3);
        f += noise;
        f.convertTo(f, CV_8UC3);
      }
      break;
    case CoachCondition::kFar: {
      // 2.2 to 3 times as far: the scene at a third to under half its size in the middle of the
      // counter's blur (at half its size the scanner still reads 14 frames in 16).
      cv::Mat small, back;
      double scale = rng.uniform(0.33, 0.45);
      cv::resize(f, small, {}, scale, scale, cv::INTER_AREA);
      cv::GaussianBlur(f, back, {0, 0}, 25);
      small.copyTo(back(
          cv::Rect((f.cols - small.cols) / 2, (f.rows - small.rows) / 2, small.cols, small.rows)));
      // The sensor's noise over the whole frame (resizing averaged the scene's own away).
      back.convertTo(f, CV_16SC3);
      cv::Mat noise(f.size(), CV_16SC3);
      cv::RNG cv_rng(rng.next());  // deterministic by the scene's seed
      cv_rng.fill(noise, cv::RNG::NORMAL, 0, 2.5);
      f += noise;
      f.convertTo(f, CV_8UC3);
      break;
    }
    case CoachCondition::kGlare: {
      // A lamp mirrored in the screen over the code's middle: a saturated spot with a soft rim.
      cv::Point2f centre(static_cast<float>(f.cols) / 2, static_cast<float>(f.rows) / 2);
      if (s.code) {
        centre = {0, 0};
        for (const auto& p : *s.code)
          centre += p * 0.25f;
      }
      float r = 60;
      if (s.code) r = static_cast<float>(cv::norm((*s.code)[0] - (*s.code)[2])) * 0.4f;
      cv::Mat spot(f.size(), CV_32F, cv::Scalar(0));
      cv::circle(spot, centre, static_cast<int>(r), cv::Scalar(1), cv::FILLED, cv::LINE_AA);
      cv::GaussianBlur(spot, spot, {0, 0}, r * 0.25);
      cv::Mat ff;
      f.convertTo(ff, CV_32FC3);
      std::vector<cv::Mat> ch;
      cv::split(ff, ch);
      for (auto& m : ch)
        m = m.mul(1 - spot) + spot * 255.0f * 1.3f;
      cv::merge(ch, ff);
      ff.convertTo(f, CV_8UC3);  // saturates at 255
      break;
    }
  }
  return f;
}

}  // namespace kiosk::sim
