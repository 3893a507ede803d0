// The passport zone end to end: kiosk-sim passport renders a data page, kioskctl mrz reads it
// back through the kiosk's own reader (spec/cli.md), and a bad or absent zone says so.
#include <doctest/doctest.h>

#include <fstream>

#include "app/json.h"
#include "tests/kioskd/support.h"

using namespace kiosk::test;

namespace {

const std::string kSim = std::string(KIOSK_BUILD_DIR) + "/sim/kiosk-sim";

std::vector<std::string> holder(std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {kSim,    "passport",   "--name", "Zoë Roy",   "--nat", "CAN",
                                "--dob", "1990-02-15", "--ppn",  "AB1234567", "--sex", "F"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("kiosk-sim passport: matching and mismatching zones") {
  std::string zone, other;
  REQUIRE(run(holder(), &zone) == 0);
  CHECK(zone.rfind("P<CANROY<<ZOE<<<", 0) == 0);
  REQUIRE(run(holder({"--variant", "other-number"}), &other) == 0);
  CHECK(other != zone);
  CHECK(run({kSim, "passport", "--name", "X"}) == 2);
  CHECK(run(holder({"--variant", "nope"})) == 2);
}

TEST_CASE("kioskctl mrz reads kiosk-sim's photographed pages (tilt, blur, noise, light)") {
  TempDir d("mrz-cli");
  std::string zone;
  REQUIRE(run(holder(), &zone) == 0);
  // A clean page read as text, and a harder one (smaller, tilted, blurred, noisy, uneven light)
  // read as JSON; bench/mrz_read_rate prints the rates over many more.
  std::string clean = d.path + "/clean.png", hard = d.path + "/hard.png";
  REQUIRE(run(holder({"--out", clean})) == 0);
  REQUIRE(run(holder({"--out", hard, "--px", "24", "--tilt", "-3", "--blur", "1", "--noise", "4",
                      "--light"})) == 0);
  std::string text, js;
  CHECK(run({kioskctl_path(), "mrz", clean}, &text) == 0);
  CHECK(text == zone);
  CHECK(run({kioskctl_path(), "mrz", "--json", "--now", "1796000000", hard}, &js) == 0);
  REQUIRE(kiosk::json::parse(js));
  CHECK(js.find("\"valid\": true") != std::string::npos);
  CHECK(js.find("\"date_of_birth\": \"1990-02-15\"") != std::string::npos);
  CHECK(js.find("\"surname\": \"ROY\"") != std::string::npos);
  CHECK(js.find(zone.substr(0, 44)) != std::string::npos);
}

TEST_CASE("kioskctl mrz: no zone is null, an unreadable file is exit 1") {
  TempDir d("mrz-cli-bad");
  std::string tiny = d.path + "/tiny.png";
  // Characters too small to read (8 pixels to the em): no zone found.
  REQUIRE(run(holder({"--out", tiny, "--px", "8"})) == 0);
  std::string none, bad;
  CHECK(run({kioskctl_path(), "mrz", "--json", tiny}, &none) == 0);
  CHECK(none == "null\n");
  std::string junk = d.path + "/junk.png";
  std::ofstream(junk) << "not an image";
  CHECK(run({kioskctl_path(), "mrz", "--json", junk}, &bad) == 1);
  CHECK(bad == "null\n");
  CHECK(run({kioskctl_path(), "mrz"}) == 2);
}
