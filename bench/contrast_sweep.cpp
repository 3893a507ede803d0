// Where faded or dimly lit codes stop reading: rendered kiosk scenes (sim/scene, the clean and the
// far-code degradations, every carrier) with their contrast scaled down about the frame's mean
// grey and then fresh sensor noise added, as a dim letter under a weak lamp gives. Per contrast
// and noise it prints how many codes each reader returns:
//
//   zxing    the direct stage alone (ZXing-C++ 1.4's reader on the frame)
//   camera   the camera's stages (scan::camera_stages(), all run, no frame budget)
//   all      every stage (kioskctl scan)
//   any3     the camera's stages on any one of a take's three frames alone (each frame faded
//            alike, with its own noise and the hand's tremor)
//   cam_3f   what the camera path reads from those three frames: any one alone, or their mean
//            when scan::FrameStack judges them still and noisy enough to fuse (fused: how many
//            takes it fused)
//
// each for the codes held at the usual distance (near) and the far ones (modules of 1.3 to 2
// pixels), the mean noise_level, how many frames the far stage's fine finder search traces
// (quiet), and the texts read that were not encoded (must be 0).
//
//   contrast_sweep [--scenes N] [--seed S] [--noise SIGMA,...] [--contrast K,...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"
#include "app/scan/frame_stack.h"
#include "app/scan/scanner.h"
#include "bench/sample.h"
#include "sim/rng.h"
#include "sim/scene/credential_text.h"
#include "sim/scene/scene.h"

namespace {

using namespace kiosk;

struct Read {
  bool ok = false;
  int wrong = 0;
};

Read read(const cv::Mat& gray, const std::vector<scan::Stage>& stages, const std::string& want) {
  scan::ScanOptions o;
  o.stages = stages;
  auto r = scan::scan(bench::view_of(gray), o);
  Read out;
  if (r)
    for (auto& c : r->codes) {
      if (!want.empty() && c.text == want)
        out.ok = true;
      else
        ++out.wrong;
    }
  return out;
}

// The frame's contrast scaled by `k` about its mean, then Gaussian noise of deviation `sigma`.
cv::Mat faded(const cv::Mat& gray, double k, double sigma, sim::Rng& rng) {
  cv::Mat f;
  gray.convertTo(f, CV_32F);
  double mean = cv::mean(f)[0];
  f = (f - mean) * k + mean;
  cv::Mat n(f.size(), CV_32F);
  cv::RNG cv_rng(rng.next());
  cv_rng.fill(n, cv::RNG::NORMAL, 0.0, sigma);
  f += n;
  cv::Mat out;
  f.convertTo(out, CV_8U);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 36;
  std::uint64_t seed = 1;
  std::vector<double> noises = {2, 4, 6, 9, 13, 24},
                      contrasts = {1, 0.5, 0.3, 0.2, 0.14, 0.1, 0.07};
  const auto list = [](const std::string& text) {
    std::vector<double> out;
    std::size_t at = 0;
    while (at <= text.size()) {
      std::size_t comma = std::min(text.find(',', at), text.size());
      out.push_back(std::stod(text.substr(at, comma - at)));
      at = comma + 1;
    }
    return out;
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--scenes")
      count = std::stoi(argv[++i]);
    else if (i + 1 < argc && a == "--seed")
      seed = std::stoull(argv[++i]);
    else if (i + 1 < argc && a == "--noise")
      noises = list(argv[++i]);
    else if (i + 1 < argc && a == "--contrast")
      contrasts = list(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: contrast_sweep [--scenes N] [--seed S] [--noise SIGMA,...] "
                   "[--contrast K,...]\n");
      return 2;
    }
  }
  sim::Rng root(seed);
  const sim::scene::Carrier carriers[] = {
      sim::scene::Carrier::kLetter, sim::scene::Carrier::kPhoneLight,
      sim::scene::Carrier::kPhoneDark, sim::scene::Carrier::kCard};
  struct Frame {
    cv::Mat gray;
    std::vector<cv::Mat> later;  // the take's next two frames
    std::string text;
    bool far = false;
    bool negative = false;
  };
  std::vector<Frame> scenes;
  for (int i = 0; i < count; ++i) {
    sim::Rng r = root.fork("scene " + std::to_string(i));
    sim::scene::SceneSpec spec;
    spec.carrier = carriers[i % 4];
    spec.degradation =
        (i / 4) % 2 ? sim::scene::Degradation::kSmall : sim::scene::Degradation::kClean;
    // One in six a carrier without a code.
    const bool negative = i % 6 == 5;
    if (!negative) spec.text = sim::scene::credential_like_text(r, i % 3 == 0);
    // A take of three frames; the first is render_scene's.
    auto take = sim::scene::render_take(spec, r, 3);
    std::vector<cv::Mat> grays;
    for (const auto& t : take) {
      cv::Mat gray;
      cv::cvtColor(t.frame, gray, cv::COLOR_BGR2GRAY);
      grays.push_back(gray);
    }
    scenes.push_back({grays[0],
                      {grays[1], grays[2]},
                      spec.text,
                      spec.degradation == sim::scene::Degradation::kSmall,
                      negative});
  }
  const std::vector<scan::Stage> zxing = {scan::Stage::kDirect};
  const std::vector<scan::Stage> camera = scan::camera_stages();
  const std::vector<scan::Stage> all = scan::all_stages();
  std::printf("contrast_sweep: %d scenes (clean and far, every carrier), seed %llu\n", count,
              static_cast<unsigned long long>(seed));
  std::printf(
      "%8s %6s %6s | %5s %6s %6s %4s %5s %6s | %5s %6s %6s %4s %5s %6s | %5s %5s %5s | %7s %7s\n",
      "contrast", "noise", "level", "near", "zxing", "camera", "all", "any3", "cam_3f", "far",
      "zxing", "camera", "all", "any3", "cam_3f", "quiet", "fused", "wrong", "all_ms", "max_ms");
  for (double sigma : noises)
    for (double k : contrasts) {
      sim::Rng nr = root.fork("noise " + std::to_string(k) + " " + std::to_string(sigma));
      // The later frames' noise from a stream of its own: the first frames' is as without them.
      sim::Rng lr = root.fork("later noise " + std::to_string(k) + " " + std::to_string(sigma));
      int codes[2] = {}, z[2] = {}, c[2] = {}, a[2] = {}, any3[2] = {}, f3[2] = {}, wrong = 0,
          quiet = 0;
      int fused = 0;
      double level = 0, all_ms = 0, all_max = 0;
      for (const Frame& s : scenes) {
        cv::Mat f = faded(s.gray, k, sigma, nr);
        double l = scan::detail::noise_level(f);
        level += l;
        quiet += l <= scan::detail::kMaxFineNoise;
        Read rz = read(f, zxing, s.text), rc = read(f, camera, s.text);
        auto t0 = std::chrono::steady_clock::now();
        Read ra = read(f, all, s.text);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count();
        all_ms += ms, all_max = std::max(all_max, ms);
        scan::FrameStack stack;
        stack.push(f);
        bool any = rc.ok;
        for (const cv::Mat& later : s.later) {
          cv::Mat g = faded(later, k, sigma, lr);
          Read rl = read(g, camera, s.text);
          any = any || rl.ok;
          wrong += rl.wrong;
          stack.push(g);
        }
        Read r3;
        if (auto mean = stack.take_mean()) ++fused, r3 = read(*mean, camera, s.text);
        if (!s.negative)
          ++codes[s.far], z[s.far] += rz.ok, c[s.far] += rc.ok, a[s.far] += ra.ok,
              any3[s.far] += any, f3[s.far] += any || r3.ok;
        wrong += rz.wrong + rc.wrong + ra.wrong + r3.wrong;
      }
      std::printf(
          "%8.2f %6.1f %6.1f | %5d %6d %6d %4d %5d %6d | %5d %6d %6d %4d %5d %6d | %5d %5d %5d | "
          "%7.1f %7.1f\n",
          k, sigma, level / static_cast<double>(scenes.size()), codes[0], z[0], c[0], a[0], any3[0],
          f3[0], codes[1], z[1], c[1], a[1], any3[1], f3[1], quiet, fused, wrong,
          all_ms / static_cast<double>(scenes.size()), all_max);
      std::fflush(stdout);
    }
  return 0;
}
