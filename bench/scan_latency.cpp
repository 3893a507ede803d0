// Latency of the scan pipeline per camera frame, on one core, against ZXing-C++ alone on the same
// frames in the same run.
//
//   scan_latency [--frames N] [--repeat R] [--budget MS] [--seed S] [--cpu K] [--clock cpu|wall]
//
// Frames are rendered kiosk scenes (sim/scene) at 1280x720 and 1920x1080, with a code (every
// carrier, clean capture) and without (carriers without code and the empty counter). Each frame
// is scanned R times by: ZXing alone (ReadBarcodes defaults, QR only), the pipeline with every
// stage run to the end, and the pipeline as kioskd runs it on a camera: a FrameBudget of MS
// milliseconds (default 22, as kioskd's camera_deadline_ms: a stage may overrun its learnt
// cost, and capture needs time within a 33 ms frame) and the fallbacks rotated frame by frame.
// Prints median and p99 in milliseconds, and how many frames each read. The budgeted figures leave
// out the first 4 frames of each run, where the budget learns what each stage costs (their worst
// time is printed apart): a kiosk learns them in its first second and then runs for hours.
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <opencv2/core.hpp>

#include "app/scan/frame_budget.h"
#include "app/scan/scanner.h"
#include "bench/sample.h"
#include "sim/rng.h"
#include "sim/scene/credential_text.h"
#include "sim/scene/scene.h"

namespace {

// Frames of each run that only teach the frame budget its stage costs (see below).
constexpr int kWarmupFrames = 4;

// The time this thread has run on its core: what a frame costs on one core of its own, whatever
// else the machine is doing (the machine the figures come from is shared). --clock wall uses the
// steady clock instead.
bool g_wall = false;

struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    if (g_wall)
      return time_point(std::chrono::duration_cast<duration>(
          std::chrono::steady_clock::now().time_since_epoch()));
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Stats {
  std::vector<double> t;
  int read = 0;
  double quantile(double q) {
    if (t.empty()) return 0;
    std::sort(t.begin(), t.end());
    auto i = static_cast<std::size_t>(q * static_cast<double>(t.size() - 1) + 0.5);
    return t[std::min(i, t.size() - 1)];
  }
};

int zxing_alone(const cv::Mat& m) {
  ZXing::ImageView v(m.data, m.cols, m.rows, ZXing::ImageFormat::BGR, static_cast<int>(m.step[0]));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  int n = 0;
  for (const auto& r : ZXing::ReadBarcodes(v, hints))
    n += r.isValid();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 24, repeat = 5, cpu = 0;
  bool per_stage = false;
  double budget_ms = 22;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--frames")
      frames = std::stoi(v);
    else if (a == "--repeat")
      repeat = std::stoi(v);
    else if (a == "--budget")
      budget_ms = std::stod(v);
    else if (a == "--seed")
      seed = std::stoull(v);
    else if (a == "--cpu")
      cpu = std::stoi(v);
    else if (a == "--clock")
      g_wall = v == "wall";
    else if (a == "--per-stage")
      per_stage = v == "yes";
    else {
      std::cerr << "usage: scan_latency [--frames N] [--repeat R] [--budget MS] [--seed S] "
                   "[--cpu K] [--clock cpu|wall] [--per-stage yes]\n";
      return 2;
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  bool pinned = sched_setaffinity(0, sizeof set, &set) == 0;
  cv::setNumThreads(1);
  std::printf(
      "one core: %s (cpu %d), OpenCV threads %d, %d frames x %d repeats, budget %.0f ms, %s\n",
      pinned ? "pinned" : "NOT pinned", cpu, cv::getNumThreads(), frames, repeat, budget_ms,
      g_wall ? "wall clock" : "thread CPU time");
  std::printf("%-10s %-8s %6s | %9s %9s %5s | %9s %9s %5s | %9s %9s %5s %6s %7s\n", "size",
              "content", "scans", "zx_med", "zx_p99", "zx_rd", "full_med", "full_p99", "rd",
              "dl_med", "dl_p99", "rd", ">33ms", "warmup");
  using namespace kiosk::sim::scene;
  const Carrier carriers[] = {Carrier::kPhoneLight, Carrier::kPhoneDark, Carrier::kLetter,
                              Carrier::kCard};
  for (cv::Size size : {cv::Size(1280, 720), cv::Size(1920, 1080)}) {
    for (bool with_code : {true, false}) {
      kiosk::sim::Rng root(seed);
      Stats zx, full, dl;
      std::vector<Stats> stage_cost(kiosk::scan::all_stages().size());
      kiosk::scan::FrameBudget budget(budget_ms);
      std::uint64_t camera_frame = 0;
      double warmup_max = 0;
      const std::function<double()> now_ms = [] { return ms(Clock::now().time_since_epoch()); };
      const std::vector<kiosk::scan::Stage> camera_stages = kiosk::scan::camera_stages();
      for (int f = 0; f < frames; ++f) {
        kiosk::sim::Rng r = root.fork("frame " + std::to_string(f));
        SceneSpec spec;
        spec.size = size;
        spec.carrier = carriers[f % 4];
        spec.degradation = Degradation::kClean;
        if (with_code)
          spec.text = credential_like_text(r, f % 4 < 2);
        else
          spec.empty_counter = f % 5 == 4;
        Scene s = render_scene(spec, r);
        auto view = kiosk::bench::view_of(s.frame);
        for (int k = 0; k < repeat; ++k) {
          auto t0 = Clock::now();
          int n = zxing_alone(s.frame);
          zx.t.push_back(ms(Clock::now() - t0));
          zx.read += n > 0;

          t0 = Clock::now();
          auto rep = kiosk::scan::scan(view);
          full.t.push_back(ms(Clock::now() - t0));
          full.read += rep.ok() && !rep->codes.empty();

          t0 = Clock::now();
          rep = kiosk::scan::scan_frame(view, camera_stages, camera_frame++, std::nullopt, budget,
                                        now_ms);
          // The budget's first frames learn what each stage costs: kept apart from the figures
          // of the steady state, which is what a kiosk running for hours sees.
          if (f < kWarmupFrames) {
            warmup_max = std::max(warmup_max, ms(Clock::now() - t0));
          } else {
            dl.t.push_back(ms(Clock::now() - t0));
            dl.read += rep.ok() && !rep->codes.empty();
          }
        }
        if (per_stage) {
          auto all = kiosk::scan::all_stages();
          for (std::size_t k = 0; k < all.size(); ++k) {
            kiosk::scan::ScanOptions o;
            o.stages = {all[k]};
            auto t0 = Clock::now();
            auto rep = kiosk::scan::scan(view, o);
            stage_cost[k].t.push_back(ms(Clock::now() - t0));
            stage_cost[k].read += rep.ok() && !rep->codes.empty();
          }
        }
      }
      auto over = std::count_if(dl.t.begin(), dl.t.end(), [](double t) { return t > 33.3; });
      std::printf(
          "%4dx%-5d %-8s %6zu | %9.1f %9.1f %5d | %9.1f %9.1f %5d | %9.1f %9.1f %5d %6ld %7.1f\n",
          size.width, size.height, with_code ? "code" : "no code", zx.t.size(), zx.quantile(0.5),
          zx.quantile(0.99), zx.read, full.quantile(0.5), full.quantile(0.99), full.read,
          dl.quantile(0.5), dl.quantile(0.99), dl.read, static_cast<long>(over), warmup_max);
      std::printf("  budgeted: %zu scans after the warm-up\n", dl.t.size());
      if (per_stage) {
        std::printf("  each stage alone (median / max ms, frames read):");
        auto all = kiosk::scan::all_stages();
        for (std::size_t k = 0; k < all.size(); ++k)
          std::printf(" %s %.1f/%.1f %d", std::string(kiosk::scan::stage_name(all[k])).c_str(),
                      stage_cost[k].quantile(0.5), stage_cost[k].quantile(1.0), stage_cost[k].read);
        std::printf("\n");
      }
    }
  }
  return 0;
}
