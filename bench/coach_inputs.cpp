// coach_inputs: what the self-service coach measures (app/coach.h: the luminance's 99th
// percentile, the saturated share, the mean Laplacian, the module size of a code in view and the
// glare over it) and the advice its thresholds give.
//   coach_inputs [--count N] [--seed S] [--repeat R] [--dump DIR]
//     kiosk-sim scenes of an e-card phone at the 720p kiosk camera, by condition (good, dark,
//     far, glare, and the negatives nocode and empty), N per condition (default 16); the advice
//     given on the frames the scanner could NOT read (the only ones coached), and what the
//     measurement costs per frame (the least of R runs of each frame, default 1). --dump writes the
//     frames as DIR/CONDITION-I.png.
//   coach_inputs --corpus DIR [--list]
//     real photographs laid out like tests/data/corpus: the advice each photo would get if the
//     camera could not read it, split by whether the camera's stages decode it (a decodable
//     photo given advice other than none would be coached wrongly on a frame the scanner
//     misses). --list prints each photo's inputs and advice.
// The figures choose the thresholds: docs/coaching.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "app/coach.h"
#include "app/scan/scanner.h"
#include "bench/image_set.h"
#include "bench/sample.h"
#include "sim/coach/coach_scene.h"
#include "sim/scene/credential_text.h"

using namespace kiosk;
using kiosk::bench::view_of;
using kiosk::sim::scene::credential_like_text;

namespace {

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

bool decoded(const scan::ImageView& v, const std::string& expected) {
  scan::ScanOptions opt;
  opt.stages = scan::camera_stages();
  auto rep = scan::scan(v, opt);
  if (!rep) return false;
  for (const auto& c : rep->codes)
    if (expected.empty() || c.text == expected) return true;
  return false;
}

struct Timed {
  FrameMeasure m;
  double ms = 0;
};

// The measure's cost: the least of `repeat` runs (the machine's other work only adds).
Timed measure_timed(const scan::ImageView& v, int repeat = 1) {
  Timed t;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    t.m = measure_frame(v, true);
    auto t1 = std::chrono::steady_clock::now();
    double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    if (i == 0 || ms < t.ms) t.ms = ms;
  }
  return t;
}

std::string advice_counts(std::map<Advice, int>& a) {
  char s[64];
  std::snprintf(s, sizeof s, "%d/%d/%d/%d/%d", a[Advice::kBrighter], a[Advice::kTiltGlare],
                a[Advice::kCloser], a[Advice::kHoldStill], a[Advice::kNone]);
  return s;
}

int corpus(const std::string& dir, bool list) {
  auto set = bench::load_image_set(dir);
  if (set.empty()) {
    std::fprintf(stderr, "no labelled images under %s\n", dir.c_str());
    return 1;
  }
  std::map<Advice, int> read_advice, unread_advice;
  int read = 0, unread = 0, unreadable = 0;
  std::vector<double> ms;
  if (list)
    std::printf("%-32s %4s %6s %6s %7s %6s %6s %6s %s\n", "photo", "read", "mean", "p99", "satur",
                "sharp", "module", "glare", "advice");
  for (const auto& img : set) {
    cv::Mat m = cv::imread(img.path, cv::IMREAD_COLOR);
    if (m.empty()) {
      ++unreadable;
      continue;
    }
    scan::ImageView v = view_of(m);
    bool ok = decoded(v, img.expected);
    Timed t = measure_timed(v);
    ms.push_back(t.ms);
    Advice a = advise(t.m);
    ++(ok ? read_advice : unread_advice)[a];
    ++(ok ? read : unread);
    if (list) {
      char mod[16] = "-", glare[16] = "-";
      if (t.m.module_px) std::snprintf(mod, sizeof mod, "%.2f", *t.m.module_px);
      if (t.m.glare_modules) std::snprintf(glare, sizeof glare, "%.1f", *t.m.glare_modules);
      std::printf("%-32s %4s %6.1f %6.0f %7.4f %6.1f %6s %6s %s\n",
                  (img.folder + "/" + img.name).c_str(), ok ? "yes" : "no", t.m.mean, t.m.bright,
                  t.m.saturated, t.m.sharpness, mod, glare, std::string(name(a)).c_str());
    }
  }
  std::printf("photos %zu (%d unreadable files) | advice brighter/tilt/closer/still/none\n",
              set.size(), unreadable);
  std::printf("decoded   %3d | %s\n", read, advice_counts(read_advice).c_str());
  std::printf("undecoded %3d | %s\n", unread, advice_counts(unread_advice).c_str());
  std::printf("measure ms p50 %.1f p90 %.1f max %.1f\n", pct(ms, 0.5), pct(ms, 0.9),
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 16, repeat = 1;
  std::uint64_t seed = 17;
  std::string dump, corpus_dir;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--list") {
      list = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (k == "--count") count = std::max(1, std::atoi(argv[i + 1]));
    if (k == "--seed") seed = static_cast<std::uint64_t>(std::atoll(argv[i + 1]));
    if (k == "--dump") dump = argv[i + 1];
    if (k == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    if (k == "--corpus") corpus_dir = argv[i + 1];
    ++i;
  }
  if (!corpus_dir.empty()) return corpus(corpus_dir, list);
  std::printf("%-6s %3s %5s | %-17s | %-17s | %-23s | %-13s | %-13s | %-14s | %s\n", "scene", "n",
              "read", "p99 lum p10/50/90", "glare p10/50/90", "saturated p10/50/90",
              "sharp p10/p50", "module p50", "measure ms p50/max",
              "advice on unread frames (brighter/tilt/closer/still/none)");
  kiosk::sim::Rng root(seed);
  for (sim::CoachCondition c :
       {sim::CoachCondition::kGood, sim::CoachCondition::kDark, sim::CoachCondition::kFar,
        sim::CoachCondition::kGlare, sim::CoachCondition::kNoCode, sim::CoachCondition::kEmpty}) {
    std::vector<double> bright, glare, sat, sharp, module, ms;
    std::map<Advice, int> advice;
    int read = 0, n = 0, unread = 0;
    for (int i = 0; i < count; ++i) {
      kiosk::sim::Rng r = root.fork(std::string(sim::name(c)) + std::to_string(i));
      cv::Mat frame = sim::coach_scene(c, credential_like_text(r, true), r);
      if (!dump.empty())
        cv::imwrite(dump + "/" + std::string(sim::name(c)) + "-" + std::to_string(i) + ".png",
                    frame);
      scan::ImageView view = view_of(frame);
      // A negative is "read" only if the scanner returns a text at all (it must not).
      bool ok = decoded(view, "");
      Timed t = measure_timed(view, repeat);
      ++n;
      read += ok;
      bright.push_back(t.m.bright);
      glare.push_back(t.m.glare_modules.value_or(0));
      sat.push_back(t.m.saturated);
      sharp.push_back(t.m.sharpness);
      ms.push_back(t.ms);
      if (t.m.module_px) module.push_back(*t.m.module_px);
      if (!ok) {
        ++unread;
        ++advice[advise(t.m)];
      }
    }
    char modules[32];
    if (module.empty()) {
      std::snprintf(modules, sizeof modules, "none");
    } else {
      std::snprintf(modules, sizeof modules, "%.2f (%zu/%d)", pct(module, 0.5), module.size(), n);
    }
    std::printf(
        "%-6s %3d %4.0f%% | %5.0f %5.0f %5.0f | %5.1f %5.1f %5.1f | %7.4f %7.4f %7.4f | %5.1f "
        "%5.1f   | %-13s | %6.1f %6.1f  | %d unread: %s\n",
        std::string(sim::name(c)).c_str(), n, 100.0 * read / n, pct(bright, 0.1), pct(bright, 0.5),
        pct(bright, 0.9), pct(glare, 0.1), pct(glare, 0.5), pct(glare, 0.9), pct(sat, 0.1),
        pct(sat, 0.5), pct(sat, 0.9), pct(sharp, 0.1), pct(sharp, 0.5), modules, pct(ms, 0.5),
        *std::max_element(ms.begin(), ms.end()), unread, advice_counts(advice).c_str());
  }
  return 0;
}
