// Whether fusing consecutive camera frames would read codes one frame does not: the ceiling of the
// simplest fusion, the mean of a take's frames, on rendered kiosk scenes (sim/scene). Each scene
// is rendered as a take of --frames consecutive frames (render_take: the same pose and light,
// each frame its own sensor noise), once with the carrier lying still and once with the hand's
// tremor (scene::Tremor). Per degradation it prints how many codes the camera's stages
// (scan::camera_stages(), every one run, no frame budget) read from:
//
//   one          the take's first frame alone
//   any          any one of the take's frames alone (what the camera path can reach today)
//   mean_still   the mean of the still take's frames: perfectly registered, so the ceiling of
//                any fusion that aligns frames and averages their noise away
//   mean_tremor  the mean of the tremor take's frames, unregistered
//
// and the texts read from the means of negatives (must be 0).
//
//   frame_fusion [--scenes N] [--seed S] [--frames K]
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "app/scan/scanner.h"
#include "bench/sample.h"
#include "sim/scene/scene.h"

namespace {

using namespace kiosk;

std::vector<std::string> read_texts(const cv::Mat& m) {
  scan::ScanOptions o;
  o.stages = scan::camera_stages();
  auto r = scan::scan(bench::view_of(m), o);
  std::vector<std::string> out;
  if (r)
    for (auto& c : r->codes)
      out.push_back(c.text);
  return out;
}

cv::Mat mean_of(const std::vector<sim::scene::Scene>& take) {
  cv::Mat acc = cv::Mat::zeros(take.front().frame.size(), CV_32FC3);
  for (const auto& s : take)
    cv::accumulate(s.frame, acc);
  cv::Mat mean;
  acc.convertTo(mean, CV_8UC3, 1.0 / static_cast<double>(take.size()));
  return mean;
}

struct Tally {
  int codes = 0, one = 0, any = 0, still = 0, tremor = 0, negatives = 0, false_texts = 0;
};

}  // namespace

int main(int argc, char** argv) {
  int count = 104, frames = 3;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--scenes")
      count = std::stoi(argv[++i]);
    else if (i + 1 < argc && a == "--seed")
      seed = std::stoull(argv[++i]);
    else if (i + 1 < argc && a == "--frames")
      frames = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: frame_fusion [--scenes N] [--seed S] [--frames K]\n");
      return 2;
    }
  }
  if (count < 1 || frames < 2 || frames > 16) {
    std::fprintf(stderr, "frame_fusion: --scenes at least 1, --frames 2 to 16\n");
    return 2;
  }
  // The same scenes as decode_rate --scenes N --seed S (bench/scene_samples.cpp).
  sim::Rng root(seed);
  sim::Rng plan_rng = root.fork("plan");
  auto plan = sim::scene::scene_plan(plan_rng, count, {});
  std::map<std::string, Tally> folders;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const sim::Rng r = root.fork("scene " + std::to_string(i));
    auto still = sim::scene::render_take(plan[i], r, frames, {0, 0});
    auto shaky = sim::scene::render_take(plan[i], r, frames);
    const std::string& want = plan[i].text;
    auto has = [&](const std::vector<std::string>& texts) {
      for (const auto& t : texts)
        if (t == want) return true;
      return false;
    };
    Tally t;
    if (want.empty()) {
      t.negatives = 1;
      t.false_texts =
          static_cast<int>(read_texts(mean_of(still)).size() + read_texts(mean_of(shaky)).size());
    } else {
      t.codes = 1;
      t.one = has(read_texts(shaky.front().frame));
      t.any = t.one;
      for (std::size_t k = 1; k < shaky.size() && !t.any; ++k)
        t.any = has(read_texts(shaky[k].frame));
      t.still = has(read_texts(mean_of(still)));
      t.tremor = has(read_texts(mean_of(shaky)));
    }
    for (Tally* f : {&folders[sim::scene::scene_folder(plan[i])], &folders["TOTAL"]}) {
      f->codes += t.codes;
      f->one += t.one;
      f->any += t.any;
      f->still += t.still;
      f->tremor += t.tremor;
      f->negatives += t.negatives;
      f->false_texts += t.false_texts;
    }
  }
  std::printf("frame_fusion: %zu scenes, takes of %d frames, camera stages without a budget\n",
              plan.size(), frames);
  std::printf("%-14s %6s %6s %6s %11s %12s %10s %12s\n", "folder", "codes", "one", "any",
              "mean_still", "mean_tremor", "negatives", "false_texts");
  auto row = [](const std::string& name, const Tally& t) {
    std::printf("%-14s %6d %6d %6d %11d %12d %10d %12d\n", name.c_str(), t.codes, t.one, t.any,
                t.still, t.tremor, t.negatives, t.false_texts);
  };
  for (const auto& [name, t] : folders)
    if (name != "TOTAL") row(name, t);
  row("TOTAL", folders["TOTAL"]);
  return 0;
}
