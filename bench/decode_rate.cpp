// Decode rate of the scan pipeline against ZXing-C++ alone, on the zxing-cpp QR corpus and on
// rendered kiosk scenes. Prints per-folder and total counts, side by side, from one run.
//
//   decode_rate [--corpus DIR | --no-corpus] [--set DIR] [--scenes N] [--seed S] [--stages LIST]
//               [--ablation] [--list-misses] [--dump-misses DIR] [--hint] [--budget MS]
//
// Beside the pipeline with every stage run to the end, the "camera" column is what kioskd's
// camera path reads on each image as one live frame: its stages (scan::camera_stages()), rotated
// by the frame count, and a FrameBudget of --budget MS (kioskd's camera_deadline_ms, 22 by
// default) that learns stage costs over the frames before, as kioskd's does over a session. The
// budget is fed thread CPU time (one core's cost; kioskd feeds it wall time). "cam_3f" is the
// same path given up to three frames of the code (0.1 s at 30 fps), the rotation bringing other
// fallbacks first: for a rendered scene the next two frames of its take (the hand's tremor and
// fresh sensor noise, sim::scene::render_take), for a photo the photo again; then, as kioskd
// does, the mean of the three when none read and scan::FrameStack judges them still and noisy.
// cam_fp and cam_wrg count texts from any of those frames.
//
// --dump-misses writes each image with a code that every stage together missed to
// DIR/FOLDER/NAME.png beside its expected text in NAME.txt (bench/image_set.h's layout, which
// --set reads back and kioskctl scan reads too).
//
// --hint passes each scene's true code region as the previous frame's hint (tracking a code
// that the last frame read); without it every frame is scanned as a first sight.
//
// An image counts as decoded when its expected text is among the returned texts. On a negative
// (no expected text) any returned text is a false positive; on a positive, a returned text other
// than the expected one is a wrong read.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <opencv2/imgcodecs.hpp>

#include "app/scan/frame_budget.h"
#include "app/scan/frame_stack.h"
#include "app/scan/scanner.h"
#include "bench/sample.h"

namespace {

using kiosk::bench::Sample;
using kiosk::scan::Stage;

std::vector<std::string> zxing_alone(const cv::Mat& m) {
  ZXing::ImageView v(m.data, m.cols, m.rows,
                     m.channels() == 3 ? ZXing::ImageFormat::BGR : ZXing::ImageFormat::Lum,
                     static_cast<int>(m.step[0]));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  std::vector<std::string> texts;
  for (const auto& r : ZXing::ReadBarcodes(v, hints))
    if (r.isValid()) texts.push_back(r.text());
  return texts;
}

struct Outcome {
  bool decoded = false;
  bool false_positive = false;  // text on a negative
  bool wrong = false;           // a text other than the expected one on a positive
};

Outcome judge(const Sample& s, const std::vector<std::string>& texts) {
  Outcome o;
  if (s.expected.empty()) {
    o.false_positive = !texts.empty();
    return o;
  }
  o.decoded = std::find(texts.begin(), texts.end(), s.expected) != texts.end();
  // Rendered scenes hold exactly one code, so any other text is wrong; corpus images may hold
  // several codes, so this is only counted for scenes (where hint is known).
  if (s.hint)
    for (const auto& t : texts)
      if (t != s.expected) o.wrong = true;
  return o;
}

bool g_list_misses = false;
std::string g_dump_misses;  // --dump-misses DIR: "" writes nothing

// A missed image and its expected text, as bench/image_set.h lays them out under --dump-misses.
void dump_miss(const Sample& s) {
  const std::filesystem::path dir = std::filesystem::path(g_dump_misses) / s.folder;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path stem = dir / std::filesystem::path(s.name).stem();
  std::ofstream(stem.string() + ".txt", std::ios::binary) << s.expected;
  if (ec || !cv::imwrite(stem.string() + ".png", s.image))
    std::fprintf(stderr, "decode_rate: cannot write %s.png\n", stem.c_str());
}
bool g_use_hint = false;  // pass the scene's true code region as the previous frame's hint

struct Tally {
  int images = 0, negatives = 0, zx = 0, pipe = 0, zx_fp = 0, pipe_fp = 0, zx_wrong = 0,
      pipe_wrong = 0, cam = 0, cam_fp = 0, cam_wrong = 0, cam3 = 0;
};

double g_budget_ms = 22;  // kioskd's default camera_deadline_ms

// Thread CPU time: the cost on one core, whatever else the (shared) machine is doing.
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<CpuClock, duration>;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};

double ms_since(CpuClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(CpuClock::now() - t0).count();
}

kiosk::scan::ScanReport run(const Sample& s, const std::vector<Stage>& stages) {
  kiosk::scan::ScanOptions o;
  o.stages = stages;
  if (g_use_hint) o.hint = s.hint;
  auto r = kiosk::scan::scan(kiosk::bench::view_of(s.image), o);
  if (!r) return {};
  return std::move(r).value();
}

std::vector<std::string> texts_of(const kiosk::scan::ScanReport& rep) {
  std::vector<std::string> texts;
  for (const auto& c : rep.codes)
    texts.push_back(c.text);
  return texts;
}

// kioskd's camera path on one frame (camera_source.cpp): its stages rotated by the frame
// count, each fallback asked of the budget.
class CameraPath {
 public:
  kiosk::scan::ScanReport frame(const Sample& s, const cv::Mat& image) {
    auto r = kiosk::scan::scan_frame(kiosk::bench::view_of(image), stages_, frames_++,
                                     g_use_hint ? s.hint : std::nullopt, budget_, now_ms);
    if (!r) return {};
    return std::move(r).value();
  }

 private:
  static double now_ms() {
    return std::chrono::duration<double, std::milli>(CpuClock::now().time_since_epoch()).count();
  }
  const std::vector<Stage> stages_ = kiosk::scan::camera_stages();
  kiosk::scan::FrameBudget budget_{g_budget_ms};
  std::uint64_t frames_ = 0;
};

void report(const std::string& title, const std::vector<Sample>& samples,
            const std::vector<Stage>& stages) {
  std::map<std::string, Tally> folders;
  std::map<Stage, int> by_stage;
  double zx_ms = 0, pipe_ms = 0, cam_ms = 0;
  CameraPath camera;
  for (const Sample& s : samples) {
    auto t0 = CpuClock::now();
    Outcome z = judge(s, zxing_alone(s.image));
    zx_ms += ms_since(t0);
    t0 = CpuClock::now();
    auto rep = run(s, stages);
    pipe_ms += ms_since(t0);
    Outcome p = judge(s, texts_of(rep));
    if (p.decoded) by_stage[rep.codes.front().stage]++;
    t0 = CpuClock::now();
    Outcome c = judge(s, texts_of(camera.frame(s, s.image)));
    cam_ms += ms_since(t0);
    // The same code held up for two more frames (0.1 s at 30 fps): a scene's next frames of its
    // take, a photo again. The rotation brings other fallbacks first. Any text from them counts
    // as a false or wrong read too.
    Outcome c3 = c;
    kiosk::scan::FrameStack missed;
    if (!c.decoded) missed.push(s.image);
    for (std::size_t more = 0; more < 2 && !c3.decoded; ++more) {
      const cv::Mat& next_image = more < s.later.size() ? s.later[more] : s.image;
      Outcome next = judge(s, texts_of(camera.frame(s, next_image)));
      c3.decoded = next.decoded;
      c.false_positive |= next.false_positive;
      c.wrong |= next.wrong;
      if (!next.decoded) missed.push(next_image);
    }
    if (!c3.decoded)
      if (auto mean = missed.take_mean()) {
        Outcome fused = judge(s, texts_of(camera.frame(s, *mean)));
        c3.decoded = fused.decoded;
        c.false_positive |= fused.false_positive;
        c.wrong |= fused.wrong;
      }
    if (g_list_misses && !s.expected.empty() && !p.decoded)
      std::printf("miss %s/%s (%dx%d)\n", s.folder.c_str(), s.name.c_str(), s.image.cols,
                  s.image.rows);
    if (!g_dump_misses.empty() && !s.expected.empty() && !p.decoded) dump_miss(s);
    if (g_list_misses && (p.false_positive || p.wrong))
      std::printf("false %s/%s\n", s.folder.c_str(), s.name.c_str());
    for (Tally* t : {&folders[s.folder], &folders["TOTAL"]}) {
      t->images++;
      t->negatives += s.expected.empty();
      t->zx += z.decoded;
      t->pipe += p.decoded;
      t->zx_fp += z.false_positive;
      t->pipe_fp += p.false_positive;
      t->zx_wrong += z.wrong;
      t->pipe_wrong += p.wrong;
      t->cam += c.decoded;
      t->cam3 += c3.decoded;
      t->cam_fp += c.false_positive;
      t->cam_wrong += c.wrong;
    }
  }
  std::printf("\n== %s: %zu images\n", title.c_str(), samples.size());
  std::printf("%-20s %6s %6s %6s %8s %7s %7s %7s %7s %7s %7s %7s %7s\n", "folder", "images", "neg",
              "zxing", "pipeline", "camera", "cam_3f", "zx_fp", "pipe_fp", "cam_fp", "zx_wrg",
              "pp_wrg", "cam_wrg");
  auto row = [](const std::string& name, const Tally& t) {
    std::printf("%-20s %6d %6d %6d %8d %7d %7d %7d %7d %7d %7d %7d %7d\n", name.c_str(), t.images,
                t.negatives, t.zx, t.pipe, t.cam, t.cam3, t.zx_fp, t.pipe_fp, t.cam_fp, t.zx_wrong,
                t.pipe_wrong, t.cam_wrong);
  };
  for (const auto& [name, t] : folders)
    if (name != "TOTAL") row(name, t);
  const Tally& t = folders["TOTAL"];
  row("TOTAL", t);
  std::printf(
      "decoded (of %d with a code): zxing %d, pipeline (all stages) %d, camera path "
      "(one frame, budget %.0f ms) %d\n",
      t.images - t.negatives, t.zx, t.pipe, g_budget_ms, t.cam);
  std::printf("read by stage:");
  for (const auto& [stage, n] : by_stage)
    std::printf(" %s %d", std::string(kiosk::scan::stage_name(stage)).c_str(), n);
  auto n = static_cast<double>(std::max<std::size_t>(1, samples.size()));
  std::printf("\nmean time per image: zxing %.1f ms, pipeline %.1f ms, camera path %.1f ms\n",
              zx_ms / n, pipe_ms / n, cam_ms / n);
}

// Each stage alone on every image: how many it reads, how many no other stage reads, what it
// costs; then the cumulative count along the given order.
void ablation(const std::string& title, const std::vector<Sample>& samples,
              const std::vector<Stage>& order) {
  auto stages = kiosk::scan::all_stages();
  std::vector<std::vector<bool>> reads(samples.size(), std::vector<bool>(stages.size()));
  std::vector<double> cost(stages.size(), 0);
  for (std::size_t i = 0; i < samples.size(); ++i)
    for (std::size_t k = 0; k < stages.size(); ++k) {
      auto t0 = CpuClock::now();
      auto rep = run(samples[i], {stages[k]});
      cost[k] += ms_since(t0);
      std::vector<std::string> texts;
      for (const auto& c : rep.codes)
        texts.push_back(c.text);
      reads[i][k] = judge(samples[i], texts).decoded;
    }
  std::printf("\n== ablation on %s: each stage alone\n", title.c_str());
  std::printf("%-18s %6s %7s %8s\n", "stage", "alone", "unique", "ms/img");
  for (std::size_t k = 0; k < stages.size(); ++k) {
    int alone = 0, unique = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (!reads[i][k]) continue;
      alone++;
      bool other = false;
      for (std::size_t j = 0; j < stages.size(); ++j)
        if (j != k && reads[i][j]) other = true;
      unique += !other;
    }
    std::printf("%-18s %6d %7d %8.1f\n", std::string(kiosk::scan::stage_name(stages[k])).c_str(),
                alone, unique,
                cost[k] / static_cast<double>(std::max<std::size_t>(1, samples.size())));
  }
  std::printf("cumulative along the order:");
  std::vector<bool> got(samples.size());
  int total = 0;
  for (Stage s : order) {
    auto k = static_cast<std::size_t>(std::find(stages.begin(), stages.end(), s) - stages.begin());
    int added = 0;
    for (std::size_t i = 0; i < samples.size(); ++i)
      if (!got[i] && reads[i][k]) {
        got[i] = true;
        added++;
      }
    total += added;
    std::printf(" %s +%d=%d", std::string(kiosk::scan::stage_name(s)).c_str(), added, total);
  }
  // Greedy cover: repeatedly the stage that adds the most reads per millisecond.
  std::printf("\ngreedy by reads gained per ms:");
  std::fill(got.begin(), got.end(), false);
  std::vector<bool> used(stages.size());
  total = 0;
  for (;;) {
    std::size_t best = stages.size();
    double best_rate = 0;
    int best_added = 0;
    for (std::size_t k = 0; k < stages.size(); ++k) {
      if (used[k]) continue;
      int added = 0;
      for (std::size_t i = 0; i < samples.size(); ++i)
        added += !got[i] && reads[i][k];
      double rate = added / std::max(0.01, cost[k]);
      if (added > 0 && rate > best_rate) {
        best = k;
        best_rate = rate;
        best_added = added;
      }
    }
    if (best == stages.size()) break;
    used[best] = true;
    for (std::size_t i = 0; i < samples.size(); ++i)
      if (reads[i][best]) got[i] = true;
    total += best_added;
    std::printf(" %s +%d=%d", std::string(kiosk::scan::stage_name(stages[best])).c_str(),
                best_added, total);
  }
  int any = 0;
  for (std::size_t i = 0; i < samples.size(); ++i)
    any += std::any_of(reads[i].begin(), reads[i].end(), [](bool b) { return b; });
  std::printf("\nread by any stage: %d\n", any);
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  std::string corpus = KIOSK_CORPUS_DIR;
  std::vector<std::string> sets;
  int scenes = 0;
  std::uint64_t seed = 1;
  bool do_ablation = false;
  std::vector<Stage> stages = kiosk::scan::default_stages();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "decode_rate: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--corpus") {
      corpus = next();
    } else if (a == "--no-corpus") {
      corpus.clear();
    } else if (a == "--set") {
      sets.push_back(next());
    } else if (a == "--scenes") {
      scenes = std::stoi(next());
    } else if (a == "--seed") {
      seed = std::stoull(next());
    } else if (a == "--hint") {
      g_use_hint = true;
    } else if (a == "--list-misses") {
      g_list_misses = true;
    } else if (a == "--dump-misses") {
      g_dump_misses = next();
    } else if (a == "--budget") {
      g_budget_ms = std::stod(next());
    } else if (a == "--ablation") {
      do_ablation = true;
    } else if (a == "--stages") {
      auto s = kiosk::bench::parse_stages(next());
      if (!s) {
        std::cerr << "decode_rate: unknown stage in list\n";
        return 2;
      }
      stages = *s;
    } else {
      std::cerr << "usage: decode_rate [--corpus DIR | --no-corpus] [--set DIR] [--scenes N] "
                   "[--seed S] [--stages LIST] [--ablation] [--list-misses] [--dump-misses DIR] "
                   "[--hint] [--budget MS]\n";
      return 2;
    }
  }
  std::printf("pipeline stages:");
  for (Stage s : stages)
    std::printf(" %s", std::string(kiosk::scan::stage_name(s)).c_str());
  std::printf("\n");
  auto run_set = [&](const std::string& title, const std::vector<Sample>& samples) {
    report(title, samples, stages);
    if (do_ablation) ablation(title, samples, stages);
  };
  if (!corpus.empty()) run_set(corpus, kiosk::bench::load_samples(corpus));
  for (const auto& dir : sets)
    run_set(dir, kiosk::bench::load_samples(dir));
  if (scenes > 0)
    run_set("scenes seed " + std::to_string(seed), kiosk::bench::scene_samples(seed, scenes, 3));
  return 0;
}
