// Per-image cost of `kioskctl scan FILE` beside ZXing-C++ 1.4's own reader (bench/zxing_reader),
// one process per image, on the photo corpus: CPU time (user + system, so that the other work on
// a shared machine does not count), wall time (measure_child's fork included, the same for both)
// and peak memory (the child's maximum resident set, counted by bench/measure_child), each the
// median of --repeat runs, the two programs interleaved. Also counts the images each reads (its
// output holds the expected text) and prints an 8x8 PNG as the floor a process costs. The count
// within 2x is split by who reads the image: on a photo ZXing gives up on, its time is the cost of
// giving up, and kioskctl's is the cost of the fallbacks that read it.
//
//   file_cost [--corpus DIR] [--kioskctl PATH] [--zxing PATH] [--repeat N] [--per-image]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "bench/image_set.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Cost {
  double cpu_ms = 0;
  double wall_ms = 0;
  long rss_kb = 0;
  std::string out;
  bool ok = false;
};

std::string g_measure = KIOSK_BUILD_DIR "/bench/measure_child";

// Runs `argv` under measure_child (which counts the child's own peak memory and CPU time).
Cost run_once(const std::vector<std::string>& command, const fs::path& out_file) {
  fs::path figures = out_file;
  figures += ".cost";
  std::vector<std::string> argv = {g_measure, figures.string()};
  argv.insert(argv.end(), command.begin(), command.end());
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Cost c;
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    return c;
  }
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return c;
  c.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  long cpu_us = 0, exit_status = -1;
  std::ifstream cost(figures);
  if (!(cost >> cpu_us >> c.rss_kb >> exit_status)) return c;
  c.cpu_ms = static_cast<double>(cpu_us) / 1e3;
  c.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && exit_status == 0;
  std::ifstream in(out_file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  c.out = ss.str();
  return c;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

struct Side {
  std::vector<double> cpu, wall, rss;
  int read = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = KIOSK_CORPUS_DIR;
  std::string kioskctl = KIOSK_BUILD_DIR "/firmware/kioskctl";
  std::string zxing = KIOSK_BUILD_DIR "/bench/zxing_reader";
  int repeat = 3;
  bool per_image = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--corpus")
      corpus = next();
    else if (a == "--kioskctl")
      kioskctl = next();
    else if (a == "--zxing")
      zxing = next();
    else if (a == "--repeat")
      repeat = std::max(1, std::atoi(next().c_str()));
    else if (a == "--per-image")
      per_image = true;
    else {
      std::fprintf(stderr,
                   "usage: file_cost [--corpus DIR] [--kioskctl PATH] [--zxing PATH] "
                   "[--repeat N] [--per-image]\n");
      return 2;
    }
  }
  std::string tmpl = (fs::temp_directory_path() / "file_cost.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return 1;
  fs::path tmp = tmpl;
  fs::path out_file = tmp / "out";
  fs::path tiny = tmp / "tiny.png";
  cv::imwrite(tiny.string(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(255, 255, 255)));

  auto images = kiosk::bench::load_image_set(corpus);
  struct Row {
    std::string name;
    Cost k, z;
    bool k_read = false, z_read = false;
  };
  std::vector<Row> rows;
  std::vector<kiosk::bench::LabelledImage> all = images;
  all.insert(all.begin(), {"-", "8x8.png (floor)", tiny.string(), ""});
  Side ks, zs;
  int positives = 0;
  for (const auto& img : all) {
    std::vector<double> kc, kw, zc, zw;
    long kr = 0, zr = 0;
    Cost k1, z1;
    for (int r = 0; r < repeat; ++r) {
      Cost k = run_once({kioskctl, "scan", img.path}, out_file);
      Cost z = run_once({zxing, img.path}, out_file);
      if (r == 0) {
        k1 = k;
        z1 = z;
      }
      kc.push_back(k.cpu_ms);
      kw.push_back(k.wall_ms);
      zc.push_back(z.cpu_ms);
      zw.push_back(z.wall_ms);
      kr = std::max(kr, k.rss_kb);
      zr = std::max(zr, z.rss_kb);
    }
    k1.cpu_ms = median(kc);
    k1.wall_ms = median(kw);
    k1.rss_kb = kr;
    z1.cpu_ms = median(zc);
    z1.wall_ms = median(zw);
    z1.rss_kb = zr;
    bool pos = !img.expected.empty();
    auto reads = [&](const Cost& c) {
      return pos && c.out.find(img.expected) != std::string::npos;
    };
    rows.push_back({img.folder + "/" + img.name, k1, z1, reads(k1), reads(z1)});
    if (img.folder == "-") continue;
    positives += pos;
    for (auto [side, c] : {std::pair{&ks, &k1}, std::pair{&zs, &z1}}) {
      side->cpu.push_back(c->cpu_ms);
      side->wall.push_back(c->wall_ms);
      side->rss.push_back(static_cast<double>(c->rss_kb) / 1024.0);
      side->read += reads(*c);
    }
  }
  fs::remove_all(tmp);

  std::printf(
      "file_cost: %zu corpus images (%d with a code), one process per image, median of %d "
      "runs; kioskctl = %s, zxing = %s\n",
      images.size(), positives, repeat, kioskctl.c_str(), zxing.c_str());
  std::vector<double> ratio;
  int within = 0, rss_within = 0;
  // Within 2x split by who reads the image: where ZXing reads it too, both pay for a read; where
  // only kioskctl reads it, ZXing's figure is what it costs ZXing to give up.
  struct Split {
    int within = 0, count = 0;
  } both, only_k, only_z, neither;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    double q = r.k.cpu_ms / std::max(r.z.cpu_ms, 0.5);
    double m = static_cast<double>(r.k.rss_kb) / static_cast<double>(std::max(r.z.rss_kb, 1L));
    if (i > 0) {
      ratio.push_back(q);
      within += q <= 2.0;
      rss_within += m <= 2.0;
      Split& s = r.k_read ? (r.z_read ? both : only_k) : (r.z_read ? only_z : neither);
      s.count += 1;
      s.within += q <= 2.0;
    }
    if (per_image || i == 0)
      std::printf(
          "%-34s kioskctl %7.1f ms cpu %7.1f ms wall %6.1f MB %-4s | zxing %7.1f ms cpu %7.1f "
          "ms wall %6.1f MB %-4s | cpu x%.2f\n",
          r.name.c_str(), r.k.cpu_ms, r.k.wall_ms, static_cast<double>(r.k.rss_kb) / 1024,
          r.k_read ? "read" : "-", r.z.cpu_ms, r.z.wall_ms, static_cast<double>(r.z.rss_kb) / 1024,
          r.z_read ? "read" : "-", q);
  }
  double log_sum = 0;
  for (double q : ratio)
    log_sum += std::log(q);
  std::printf("\n%-22s %12s %12s\n", "per image", "kioskctl", "zxing 1.4");
  auto line = [](const char* what, double k, double z, const char* unit) {
    std::printf("%-22s %9.1f %-2s %9.1f %-2s  (x%.2f)\n", what, k, unit, z, unit, k / z);
  };
  line("cpu median", median(ks.cpu), median(zs.cpu), "ms");
  line("cpu p90", percentile(ks.cpu, 0.9), percentile(zs.cpu, 0.9), "ms");
  line("cpu max", percentile(ks.cpu, 1.0), percentile(zs.cpu, 1.0), "ms");
  line("wall median", median(ks.wall), median(zs.wall), "ms");
  line("peak memory median", median(ks.rss), median(zs.rss), "MB");
  line("peak memory max", percentile(ks.rss, 1.0), percentile(zs.rss, 1.0), "MB");
  std::printf("%-22s %9d    %9d     of %d\n", "images read", ks.read, zs.read, positives);
  // Each program's floor: its process start and an 8x8 image (no code).
  line("floor (8x8 image) cpu", rows[0].k.cpu_ms, rows[0].z.cpu_ms, "ms");
  line("floor peak memory", static_cast<double>(rows[0].k.rss_kb) / 1024,
       static_cast<double>(rows[0].z.rss_kb) / 1024, "MB");
  std::printf(
      "cpu ratio per image: geometric mean x%.2f, median x%.2f, p90 x%.2f; within 2x: %d "
      "of %zu\n",
      std::exp(log_sum / static_cast<double>(ratio.size())), median(ratio), percentile(ratio, 0.9),
      within, ratio.size());
  std::printf(
      "cpu within 2x by reader: both read %d of %d; only kioskctl reads %d of %d (ZXing's "
      "time is its giving up); only ZXing reads %d of %d; neither reads %d of %d\n",
      both.within, both.count, only_k.within, only_k.count, only_z.within, only_z.count,
      neither.within, neither.count);
  std::printf("peak memory within 2x: %d of %zu\n", rss_within, ratio.size());
  return 0;
}
