// coach_inputs: what the self-service coach measures (app/coach.h: mean luminance, saturated
// share, mean Laplacian, the finder patterns' module size) on kiosk-sim scenes of an e-card phone
// at the 720p kiosk camera, by condition (good, dark, far, glare), and the advice the thresholds
// in app/coach.h give on the frames the scanner could NOT read (the only ones coached).
//   coach_inputs [--count N] [--seed S]      (default 16 scenes per condition)
// The figures choose the thresholds: docs/coaching.md.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "app/coach.h"
#include "app/scan/scanner.h"
#include "sim/coach/coach_scene.h"
#include "sim/scene/credential_text.h"

using namespace kiosk;
using kiosk::sim::scene::credential_like_text;

namespace {

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  int count = 16;
  std::uint64_t seed = 17;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--count") count = std::atoi(argv[i + 1]);
    if (k == "--seed") seed = static_cast<std::uint64_t>(std::atoll(argv[i + 1]));
  }
  std::printf("%-6s %5s %6s | %-17s | %-23s | %-15s | %-13s | %s\n", "scene", "n", "read",
              "mean p10/50/90", "saturated p10/50/90", "sharp p10/p50", "module p50",
              "advice on unread frames (brighter/tilt/closer/still/none)");
  kiosk::sim::Rng root(seed);
  for (sim::CoachCondition c : {sim::CoachCondition::kGood, sim::CoachCondition::kDark,
                                sim::CoachCondition::kFar, sim::CoachCondition::kGlare}) {
    std::vector<double> mean, sat, sharp, module;
    std::map<Advice, int> advice;
    int read = 0, n = 0, unread = 0, modules_seen = 0;
    for (int i = 0; i < count; ++i) {
      kiosk::sim::Rng r = root.fork(std::string(sim::name(c)) + std::to_string(i));
      cv::Mat frame = sim::coach_scene(c, credential_like_text(r, true), r);
      struct {
        cv::Mat frame;
      } s{frame};
      scan::ImageView view;
      view.data = s.frame.data;
      view.width = s.frame.cols;
      view.height = s.frame.rows;
      view.stride = static_cast<int>(s.frame.step[0]);
      view.format = scan::PixelFormat::kBgr8;
      scan::ScanOptions opt;
      opt.stages = scan::camera_stages();
      auto rep = scan::scan(view, opt);
      bool ok = rep && !rep->codes.empty();
      FrameMeasure m = measure_frame(view, true);
      ++n;
      read += ok;
      mean.push_back(m.mean);
      sat.push_back(m.saturated);
      sharp.push_back(m.sharpness);
      if (m.module_px) {
        module.push_back(*m.module_px);
        ++modules_seen;
      }
      if (!ok) {
        ++unread;
        ++advice[advise(m)];
      }
    }
    char modules[32];
    if (module.empty()) {
      std::snprintf(modules, sizeof modules, "none");
    } else {
      std::snprintf(modules, sizeof modules, "%.2f (%d/%d)", pct(module, 0.5), modules_seen, n);
    }
    std::printf(
        "%-6s %5d %5.0f%% | %5.0f %5.0f %5.0f | %7.4f %7.4f %7.4f | %6.1f %6.1f   | %-13s | "
        "%d unread: %d/%d/%d/%d/%d\n",
        std::string(sim::name(c)).c_str(), n, 100.0 * read / n, pct(mean, 0.1), pct(mean, 0.5),
        pct(mean, 0.9), pct(sat, 0.1), pct(sat, 0.5), pct(sat, 0.9), pct(sharp, 0.1),
        pct(sharp, 0.5), modules, unread, advice[Advice::kBrighter], advice[Advice::kTiltGlare],
        advice[Advice::kCloser], advice[Advice::kHoldStill], advice[Advice::kNone]);
  }
  return 0;
}
