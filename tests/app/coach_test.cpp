// app/coach's code measures on drawn frames (issue 17): a QR too small for the finder search is
// still found and measured ("hold closer"), a frame of dense text or an empty counter is not,
// and glare is a saturated disc over a located code, not white paper.
#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "app/coach.h"
#include "sim/coach/coach_scene.h"
#include "sim/scene/qr_image.h"

using namespace kiosk;

namespace {

const std::string kText =
    "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9G1KF6SPF%30Y50.FK6ZK7:EDOLOPCO8F6%E3.DA%"
    "EOPC1G72A6YM8NV6-9B3JMV9JL$7H7K1:5KBA7EF4-XKI9MQJP:J6VY";

scan::ImageView view_of(const cv::Mat& m) {
  return {m.data, m.cols, m.rows, static_cast<int>(m.step[0]), scan::PixelFormat::kGray8};
}

// A grey 1280x720 counter with the code at `module` pixels a module (quiet zone of 4), light
// modules at `light`, softened like a lens and with sensor noise.
cv::Mat counter_with_code(double module, int light = 235) {
  cv::Mat frame(720, 1280, CV_8U, cv::Scalar(110));
  cv::Mat q = sim::scene::qr_modules(kText);
  REQUIRE(!q.empty());
  cv::Mat padded;
  cv::copyMakeBorder(q, padded, 4, 4, 4, 4, cv::BORDER_CONSTANT, cv::Scalar(255));
  cv::Mat code;
  int side = static_cast<int>(padded.cols * module);
  cv::resize(padded, code, {side, side}, 0, 0, module < 1.5 ? cv::INTER_AREA : cv::INTER_NEAREST);
  code = code * (light - 20) / 255 + 20;
  code.copyTo(frame(cv::Rect((1280 - side) / 2, (720 - side) / 2, side, side)));
  cv::GaussianBlur(frame, frame, {0, 0}, 0.5);
  cv::Mat noise(frame.size(), CV_8S);
  cv::randn(noise, 0, 2);
  cv::add(frame, noise, frame, cv::noArray(), CV_8U);
  return frame;
}

}  // namespace

TEST_CASE("coach: a code too small for the finder search is measured as too far") {
  for (double module : {1.3, 1.6, 1.9}) {
    CAPTURE(module);
    cv::Mat f = counter_with_code(module);
    FrameMeasure m = measure_frame(view_of(f), true);
    REQUIRE(m.module_px);
    CHECK(*m.module_px == doctest::Approx(module).epsilon(0.25));
    CHECK(advise(m) == Advice::kCloser);
  }
  // At a reading distance the code is located at its own scale and nothing is said.
  FrameMeasure near = measure_frame(view_of(counter_with_code(4)), true);
  REQUIRE(near.module_px);
  CHECK(*near.module_px == doctest::Approx(4).epsilon(0.2));
  CHECK(advise(near) == Advice::kNone);
}

TEST_CASE("coach: no code, no distance: dense text and an empty counter say nothing") {
  cv::Mat page(720, 1280, CV_8U, cv::Scalar(120));
  cv::rectangle(page, cv::Rect(500, 200, 280, 320), cv::Scalar(240), cv::FILLED);
  for (int line = 0; line < 30; ++line)
    cv::putText(page, "PERMIT 2026 B SHANGHAI WORK", {505, 210 + line * 10}, cv::FONT_HERSHEY_PLAIN,
                0.6, cv::Scalar(20));
  FrameMeasure m = measure_frame(view_of(page), true);
  CHECK_FALSE(m.module_px);
  CHECK(advise(m) != Advice::kCloser);
  sim::Rng rng(7);
  cv::Mat empty = sim::coach_scene(sim::CoachCondition::kEmpty, "", rng);
  scan::ImageView v{empty.data, empty.cols, empty.rows, static_cast<int>(empty.step[0]),
                    scan::PixelFormat::kBgr8};
  CHECK_FALSE(measure_frame(v, true).module_px);
}

TEST_CASE("coach: glare is a saturated disc over the code, not white paper") {
  // Printed white at 255 (an overexposed photo of paper): saturated, but no glare.
  cv::Mat paper = counter_with_code(4, 255);
  cv::Mat over = paper > 200;
  over.setTo(255, over);
  paper.setTo(255, over);
  FrameMeasure p = measure_frame(view_of(paper), true);
  REQUIRE(p.glare_modules);
  CHECK(*p.glare_modules < kCoachThresholds.glare_modules);
  CHECK(advise(p) == Advice::kNone);
  // A lamp's reflection over the code's middle, ten modules wide.
  cv::Mat lamp = counter_with_code(4);
  cv::circle(lamp, {640, 360}, 40, cv::Scalar(255), cv::FILLED);
  FrameMeasure l = measure_frame(view_of(lamp), true);
  REQUIRE(l.glare_modules);
  CHECK(*l.glare_modules > kCoachThresholds.glare_modules);
  CHECK(advise(l) == Advice::kTiltGlare);
}
