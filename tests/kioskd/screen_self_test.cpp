// The self-service screen and the camera end to end (issue 17), in the real Chromium: the sound
// cues each verdict plays, heard by hooking the page's WebAudio calls (self_cues.cjs);
// kioskd-demo's simulated camera shown a rendered passport data page (the zone is read, the
// cross-check appears) and dark, glaring and far e-card scenes (the coaching appears, state and
// page). The page checks skip, saying so, without chromium or when npm cannot install
// puppeteer-core.
#include <doctest/doctest.h>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "app/coach.h"
#include "app/scan/scanner.h"
#include "sim/coach/coach_scene.h"
#include "sim/mrz/passport.h"
#include "sim/scanner/pty_serial_sim.h"
#include "tests/kioskd/screens.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::string script(const std::string& name) {
  return std::string(KIOSK_SOURCE_DIR) + "/tests/kioskd/" + name;
}

std::vector<double> tones(const json::Value& a) {
  std::vector<double> v;
  for (const auto& x : a.array)
    v.push_back(x.number);
  return v;
}

}  // namespace

TEST_CASE("self-service sound cues: accept, go to the counter, present another") {
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED: " << why);
    return;
  }
  TempDir dir("self_cues");
  install_vector_trust(dir.path + "/data");
  auto pty = sim::PtySerialSim::create(dir.path + "/ttySCAN");
  REQUIRE(pty);
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nscanner = " + dir.path + "/ttySCAN\n"));
  REQUIRE(k.ready);
  ProcessOptions po;
  po.stdout_file = dir.path + "/cues.json";
  po.stderr_file = dir.path + "/cues.err";
  // The holder's letter (ACCEPT), a revoked letter (REJECT: to the counter) and an expired
  // e-card code (REJECT, PRESENTATION_EXPIRED: refresh the code and present it again).
  const std::string docs[] = {case_payload("wpnl-valid"), case_payload("wpnl-revoked"),
                              case_payload("ecard-stale")};
  Process node(
      {"/usr/bin/env", "node", script("self_cues.cjs"), *tools, k.url + "self", dir.path, "3"}, po);
  for (int i = 0; i < 3; ++i) {
    std::string step = dir.path + "/step-" + std::to_string(i);
    CAPTURE(step);
    REQUIRE(wait_until([&] { return fs::exists(step) || node.wait(std::chrono::milliseconds(0)); },
                       std::chrono::seconds(40)));
    if (!fs::exists(step)) {
      node.wait(std::chrono::seconds(5));
      MESSAGE("kioskd: " << read_text(k.stderr_path) << "\nnode: " << read_text(po.stdout_file)
                         << read_text(po.stderr_file));
    }
    REQUIRE(fs::exists(step));
    (*pty)->send_line(docs[i], "\r");
    // Pump until the page has shown this verdict (the next step's file) or the script ends.
    std::string next = dir.path + "/step-" + std::to_string(i + 1);
    wait_until(
        [&] {
          (*pty)->pump();
          return fs::exists(next) || node.wait(std::chrono::milliseconds(0));
        },
        std::chrono::seconds(40));
  }
  auto st = node.wait(std::chrono::seconds(30));
  std::string out = read_text(po.stdout_file);
  CAPTURE(out);
  CAPTURE(read_text(po.stderr_file));
  REQUIRE(st);
  REQUIRE(*st == 0);
  auto v = json::parse(out);
  REQUIRE(v);
  const auto& cues = v->get("cues")->array;
  REQUIRE(cues.size() == 3);
  // self.js's CUES: accept rises, "go to the counter" falls, "another document" is one low tone.
  CHECK(tones(cues[0]) == std::vector<double>{660, 880, 1320});
  CHECK(tones(cues[1]) == std::vector<double>{587, 440});
  CHECK(tones(cues[2]) == std::vector<double>{330});
  const auto& named = v->get("data_cue")->array;
  REQUIRE(named.size() == 3);
  CHECK(named[0].string == "accept");
  CHECK(named[1].string == "counter");
  CHECK(named[2].string == "another");
  CHECK(k.stop() == 0);
}

TEST_CASE("camera: a passport data page held up is read and the cross-check appears") {
  TempDir dir("camera_passport");
  install_vector_trust(dir.path + "/data");
  // The vectors' holder's passport, photographed by kiosk-sim.
  sim::PassportHolder h{.name = "Anna Maria Mueller",
                        .nat = "DEU",
                        .dob = "1987-02-15",
                        .ppn = "C01X00T47",
                        .sex = 'F',
                        .expiry = "2031-01-01"};
  auto zone = sim::passport_zone(h, sim::PassportVariant::kMatch);
  REQUIRE(zone);
  auto page = sim::passport_page(*zone, {});
  REQUIRE(page);
  std::string png = dir.path + "/passport.png";
  REQUIRE(cv::imwrite(png, *page));
  // The letter comes by the feed; the passport only by the simulated camera.
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-valid") + "\n");
  Kioskd k(dir.path,
           base_config(dir.path, "[devices]\ncamera = sim:still:" + png +
                                     "\ncamera_fps = 15\nfeed = " + dir.path + "/f.feed\n"),
           {"--no-demo"}, {}, kioskd_demo_path());
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  auto s = ws.read_until(
      [](const json::Value& v) {
        const auto& e = v.get("session")->get("entries")->array;
        return e.size() == 1 && e[0].get("cross_check")->is_object();
      },
      std::chrono::seconds(40));
  REQUIRE(s);
  const json::Value* passport = s->get("session")->get("passport");
  REQUIRE(passport->is_object());
  CHECK(passport->get("valid")->boolean);
  CHECK(passport->get("document_number")->string == "C01X00T47");
  const json::Value& cc = *s->get("session")->get("entries")->array[0].get("cross_check");
  CHECK(cc.get("overall")->string == "match");
  CHECK(cc.get("tone")->string == "ok");
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED (the page): " << why);
  } else {
    json::Writer jobs;
    jobs.begin_array().begin_object();
    jobs.key("url").string(k.url + "?lang=en");
    jobs.key("width").number(1366).key("height").number(768);
    jobs.key("entries").number(1);
    jobs.key("file").string(shots_dir() + "/camera-passport-en-1366x768.png");
    jobs.key("cookie").string(k.cookie());
    jobs.key("timezone").string("Asia/Shanghai");  // a counter in China: UTC+8
    jobs.end_object().end_array();
    auto r = run_screens(*tools, jobs.take());
    REQUIRE(r.array.size() == 1);
    CHECK(r.array[0].get("cross")->number == 1);
    const std::string& text = r.array[0].get("text")->string;
    CHECK(text.find("Passport matches the work permit") != std::string::npos);
    // The kiosk's fixed clock, 1796000000 (2026-11-30 00:53:20 UTC), in the counter's own time,
    // the zone named: the clock and the verdict's time.
    CHECK(text.find("2026-11-30 08:53:20 GMT+8") != std::string::npos);
    CHECK(text.find("00:53:20") == std::string::npos);
    // The holder's nationality by name beside its code.
    CHECK(text.find("Germany (DEU)") != std::string::npos);
  }
  CHECK(k.stop() == 0);
}

// Each scene is first checked to be what it stands for: the camera's stages cannot read it (a
// frame the scanner reads is never coached) and the coach measures it as its condition. The
// seeds pick such scenes: not every far or glaring scene is one (bench/coach_inputs counts how
// many are, docs/coaching.md).
TEST_CASE("camera: dark, glaring and far e-card scenes coach the applicant (state and page)") {
  struct Case {
    sim::CoachCondition condition;
    const char* advice;
    const char* en;
    const char* zh;
    std::uint64_t seed;
  };
  const Case cases[] = {
      {sim::CoachCondition::kDark, "brighter", "brightness up", "亮度", 42},
      {sim::CoachCondition::kGlare, "tilt", "Glare", "反光", 1},
      {sim::CoachCondition::kFar, "closer", "closer", "靠近", 6},
  };
  std::vector<std::unique_ptr<TempDir>> dirs;
  std::vector<std::unique_ptr<Kioskd>> kiosks;
  for (const Case& c : cases) {
    dirs.push_back(std::make_unique<TempDir>("camera_coach"));
    const std::string& d = dirs.back()->path;
    install_vector_trust(d + "/data");
    sim::Rng rng(c.seed);
    cv::Mat scene = sim::coach_scene(c.condition, case_payload("ecard-valid"), rng);
    {
      std::string want = c.advice;
      CAPTURE(want);
      scan::ImageView view{scene.data, scene.cols, scene.rows, static_cast<int>(scene.step[0]),
                           scan::PixelFormat::kBgr8};
      scan::ScanOptions opt;
      opt.stages = scan::camera_stages();
      auto rep = scan::scan(view, opt);
      REQUIRE((!rep || rep->codes.empty()));
      REQUIRE(std::string(name(advise(measure_frame(view, true)))) == want);
    }
    std::string png = d + "/scene.png";
    REQUIRE(cv::imwrite(png, scene));
    kiosks.push_back(std::make_unique<Kioskd>(
        d, base_config(d, "[devices]\ncamera = sim:still:" + png + "\ncamera_fps = 15\n"),
        std::vector<std::string>{"--no-demo"}, ProcessOptions{}, kioskd_demo_path()));
    REQUIRE(kiosks.back()->ready);
  }
  for (std::size_t i = 0; i < kiosks.size(); ++i) {
    std::string want = cases[i].advice;
    CAPTURE(want);
    WsClient ws(kiosks[i]->port, "/ws/self");
    auto s = ws.read_until(
        [&](const json::Value& v) { return v.get("coach")->string == cases[i].advice; },
        std::chrono::seconds(30));
    if (!s) MESSAGE("the applicant's state: " << http_get(kiosks[i]->port, "/api/self").second);
    CHECK(s);
    if (s) CHECK(s->get("phase")->string == "idle");  // the code was not read: coached instead
  }
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED (the page): " << why);
  } else {
    json::Writer jobs;
    jobs.begin_array();
    for (std::size_t i = 0; i < kiosks.size(); ++i) {
      for (const char* lang : {"en", "zh"}) {
        jobs.begin_object();
        jobs.key("page").string("self").key("phase").string("idle");
        jobs.key("coach").string(cases[i].advice);
        jobs.key("url").string(kiosks[i]->url + "self?lang=" + lang);
        jobs.key("width").number(1366).key("height").number(768);
        jobs.key("file").string(shots_dir() + "/" + std::string("self-coach-") + cases[i].advice +
                                "-" + lang + "-1366x768" + ".png");
        jobs.end_object();
      }
    }
    jobs.end_array();
    auto r = run_screens(*tools, jobs.take());
    REQUIRE(r.array.size() == 2 * kiosks.size());
    for (std::size_t j = 0; j < r.array.size(); ++j) {
      const Case& c = cases[j / 2];
      const json::Value& p = r.array[j];
      CAPTURE(p.get("file")->string);
      CHECK(p.get("coach")->string == c.advice);
      CHECK(p.get("coach_text")->string.find(c.en) != std::string::npos);
      CHECK(p.get("coach_text")->string.find(c.zh) != std::string::npos);
      CHECK(p.get("layout")->string == "ok");  // the steps and the advice fit at 1366x768
    }
  }
  for (auto& k : kiosks)
    CHECK(k->stop() == 0);
}
