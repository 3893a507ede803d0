// The production kioskd refuses a bad configuration before it serves: exit status 2 and
// "FILE:LINE: sentence" on stderr (what systemd's journal and `systemctl status` show).
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/kioskd/support.h"

using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

// Runs `kioskd --config DIR/k.conf --check-config`; returns {status, stderr}.
std::pair<int, std::string> check(const std::string& dir, const std::string& text) {
  write_text(dir + "/k.conf", text);
  std::string err;
  int st = run({kioskd_path(), "--config", dir + "/k.conf", "--check-config"}, nullptr, &err);
  return {st, err};
}

}  // namespace

TEST_CASE("kioskd refuses a bad configuration with FILE:LINE and a sentence") {
  TempDir dir("config_refused");
  fs::create_directories(dir.path + "/data");
  std::string conf = dir.path + "/k.conf";
  std::string good = base_config(dir.path);
  auto ok = check(dir.path, good);
  CHECK(ok.first == 0);

  struct Case {
    std::string text;
    std::string want;
  } cases[] = {
      {"id = X\n" + good, conf + ":1: 'id' is outside any [section]"},
      {good + "[kiosk]\nmax_age = soon\n", "max_age: 'soon' is not a whole number"},
      {good + "[devices]\ncamera = sim:scene\n",
       "camera: 'sim:scene': this build has no simulated devices; kioskd-demo has them"},
      // Recorded presentations are a simulated input too: whoever could write the file could
      // make the production kiosk show verdicts nobody presented.
      {good + "[devices]\nfeed = " + dir.path + "/k.feed\n",
       "feed: recorded presentations are a simulated input; this kioskd plays none"},
  };
  for (auto& c : cases) {
    CAPTURE(c.text);
    auto [st, err] = check(dir.path, c.text);
    CHECK(st == 2);
    CHECK(err.find("kioskd: " + conf + ":") == 0);
    CHECK(err.find(c.want) != std::string::npos);
  }
  // The line of an unknown key is its own.
  std::size_t lines = static_cast<std::size_t>(std::count(good.begin(), good.end(), '\n'));
  auto [st, err] = check(dir.path, good + "[ui]\nbind = 0.0.0.0\n");
  CHECK(err.find(conf + ":" + std::to_string(lines + 2) + ": unknown key 'bind' in [ui]") !=
        std::string::npos);
  // kioskd-demo takes the same feed (the check works both ways).
  write_text(conf, good + "[devices]\nfeed = " + dir.path + "/k.feed\n");
  CHECK(run({kioskd_demo_path(), "--config", conf, "--no-demo", "--check-config"}, nullptr, &err) ==
        0);

  // The machine: a missing state folder, unreadable anchors.
  fs::remove_all(dir.path + "/data");
  auto missing = check(dir.path, good);
  CHECK(missing.first == 2);
  CHECK(missing.second.find(": [data] dir " + dir.path +
                            "/data: the state folder does not exist") != std::string::npos);
  CHECK(missing.second.find(conf + ":") == missing.second.find(' ') + 1);
  fs::create_directories(dir.path + "/data");
  std::string bad_anchors = good;
  auto at = bad_anchors.find("anchors = ");
  bad_anchors.replace(at, bad_anchors.find('\n', at) - at, "anchors = " + dir.path + "/nowhere");
  auto anchors = check(dir.path, bad_anchors);
  CHECK(anchors.first == 2);
  CHECK(anchors.second.find(": [data] anchors " + dir.path + "/nowhere: not a readable folder") !=
        std::string::npos);

  // Starting for real (not --check-config) refuses the same way, before serving.
  std::string out;
  CHECK(run({kioskd_path(), "--config", conf}, &out, &err) == 2);
  CHECK(err.find("not a readable folder of trust anchors") != std::string::npos);
}
