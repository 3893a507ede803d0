// The applicant's self-service screen in the real Chromium (issue 17): the sound cues each
// verdict plays, heard by hooking the page's WebAudio calls (self_cues.cjs). Skips, saying so,
// without chromium or when npm cannot install puppeteer-core.
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/scanner/pty_serial_sim.h"
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
