// kiosk-scenes: writes rendered camera scenes for the scan pipeline.
//
//   kiosk-scenes --out DIR [--seed S] [--count N] [--text T]... [--texts-file FILE]
//   kiosk-scenes --video FILE.avi [--seed S] [--text T]... [--fps N]
//
// --out writes DIR/DEGRADATION/NNNN-CARRIER.png with NNNN-CARRIER.txt holding the expected text
// (empty for a negative), the layout of tests/data/corpus, for bench/decode_rate --set DIR.
// --video writes an MJPG AVI at 1280x720 in which each text is shown in turn (the counter empty,
// the carrier brought in, held, taken away) and FILE.avi.txt with the texts in order of
// appearance. Without --text, credential-like texts are generated from the seed.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "sim/rng.h"
#include "sim/scene/camera.h"
#include "sim/scene/credential_text.h"
#include "sim/scene/qr_image.h"
#include "sim/scene/scene.h"

namespace {

using namespace kiosk::sim;
using namespace kiosk::sim::scene;

int usage(const std::string& why) {
  std::cerr << "kiosk-scenes: " << why
            << "\nusage: kiosk-scenes (--out DIR [--count N] | --video FILE.avi [--fps N]) "
               "[--seed S] [--text T]... [--texts-file FILE]\n";
  return 2;
}

int write_set(const std::string& dir, int count, std::uint64_t seed,
              const std::vector<std::string>& texts) {
  Rng root(seed);
  Rng plan_rng = root.fork("plan");
  auto plan = scene_plan(plan_rng, count, texts);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Rng r = root.fork("scene " + std::to_string(i));
    Scene s = render_scene(plan[i], r);
    std::filesystem::path folder = std::filesystem::path(dir) / scene_folder(plan[i]);
    std::filesystem::create_directories(folder);
    char name[64];
    std::snprintf(
        name, sizeof name, "%04zu-%s", i,
        plan[i].empty_counter ? "counter" : std::string(carrier_name(plan[i].carrier)).c_str());
    if (!cv::imwrite((folder / (std::string(name) + ".png")).string(), s.frame)) {
      std::cerr << "kiosk-scenes: cannot write " << (folder / name).string() << ".png\n";
      return 1;
    }
    std::ofstream txt(folder / (std::string(name) + ".txt"), std::ios::binary);
    txt << s.text;
    if (!txt) {
      std::cerr << "kiosk-scenes: cannot write " << (folder / name).string() << ".txt\n";
      return 1;
    }
  }
  std::cout << "wrote " << plan.size() << " scenes under " << dir << "\n";
  return 0;
}

int write_video(const std::string& path, double fps, std::uint64_t seed,
                std::vector<std::string> texts) {
  Rng root(seed);
  const cv::Size size(1280, 720);
  if (texts.empty()) {
    Rng t = root.fork("texts");
    for (int i = 0; i < 3; ++i)
      texts.push_back(credential_like_text(t, i != 1));
  }
  cv::VideoWriter out(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, size);
  if (!out.isOpened()) {
    std::cerr << "kiosk-scenes: cannot open " << path << " for writing (MJPG AVI)\n";
    return 1;
  }
  // FFmpeg's MJPG rate control otherwise drops the quality far below a camera's.
  out.set(cv::VIDEOWRITER_PROP_QUALITY, 95);
  Rng bg_rng = root.fork("background");
  cv::Mat background = counter_background(size, bg_rng);
  auto frames = [&](double seconds) { return static_cast<int>(std::lround(seconds * fps)); };
  auto emit = [&](Capture c, Rng& r) {
    sensor_noise(c, 2.0, r);
    out.write(c.frame);
  };
  for (std::size_t t = 0; t < texts.size(); ++t) {
    Rng r = root.fork("segment " + std::to_string(t));
    Carrier carrier =
        t % 3 == 1 ? Carrier::kLetter : (t % 3 == 2 ? Carrier::kPhoneDark : Carrier::kPhoneLight);
    int doc_px = carrier == Carrier::kLetter ? 5 : 6;
    Document doc = draw_carrier(carrier, qr_modules(texts[t]), doc_px, {}, r);
    for (int k = 0; k < frames(1.0); ++k)
      emit(Capture{background.clone(), {}, {}, {}}, r);
    // Brought in from the right over a second, held for two with a little tremor, taken away.
    cv::Point2f held(640, 360), away(1700, 420);
    int in = frames(1.0), hold = frames(2.0);
    for (int k = 0; k < in + hold + in; ++k) {
      double a = k < in ? 1.0 - static_cast<double>(k) / in
                        : (k < in + hold ? 0.0 : static_cast<double>(k - in - hold) / in);
      Pose pose;
      pose.module_px = 3.5;
      pose.roll_deg = 8 + r.uniform(-1, 1);
      pose.tilt_x_deg = 10;
      pose.centre =
          held + (away - held) * static_cast<float>(a * a) +
          cv::Point2f(static_cast<float>(r.uniform(-2, 2)), static_cast<float>(r.uniform(-2, 2)));
      Capture c = place(doc, doc_px, pose, background);
      double speed = k < in || k >= in + hold ? 2 * (1060.0 / in) * std::sqrt(a) : 0;
      if (speed > 2) motion_blur(c, std::min(speed, 40.0), 0.05);
      emit(std::move(c), r);
    }
  }
  for (int k = 0; k < frames(1.0); ++k)
    emit(Capture{background.clone(), {}, {}, {}}, root);
  out.release();
  std::ofstream list(path + ".txt", std::ios::binary);
  for (const auto& t : texts)
    list << t << "\n";
  std::cout << "wrote " << path << " (" << texts.size() << " codes) and " << path << ".txt\n";
  return list ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir, video;
  int count = 200;
  double fps = 15;
  std::uint64_t seed = 1;
  std::vector<std::string> texts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage(a + " needs a value");
    std::string v = argv[++i];
    try {
      if (a == "--out") {
        out_dir = v;
      } else if (a == "--video") {
        video = v;
      } else if (a == "--count") {
        count = std::stoi(v);
      } else if (a == "--fps") {
        fps = std::stod(v);
      } else if (a == "--seed") {
        seed = std::stoull(v);
      } else if (a == "--text") {
        texts.push_back(v);
      } else if (a == "--texts-file") {
        std::ifstream in(v);
        if (!in) return usage("cannot open " + v);
        for (std::string line; std::getline(in, line);)
          if (!line.empty()) texts.push_back(line);
      } else {
        return usage("unknown option " + a);
      }
    } catch (const std::exception&) {
      return usage("bad number for " + a);
    }
  }
  if (out_dir.empty() == video.empty()) return usage("give exactly one of --out, --video");
  if (count < 1 || count > 100000 || fps <= 0 || fps > 120)
    return usage("count or fps out of range");
  for (const auto& t : texts)
    if (qr_modules(t).empty()) return usage("text does not fit in a QR code");
  return out_dir.empty() ? write_video(video, fps, seed, texts)
                         : write_set(out_dir, count, seed, texts);
}
