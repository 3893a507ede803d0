// The officer page passes axe-core with no serious violation and is usable by keyboard alone,
// checked in the real Chromium through puppeteer-core (a11y_check.cjs). axe-core and
// puppeteer-core are installed with npm into BUILD/npm-a11y on first use (nothing is vendored);
// the test skips, saying so, only when chromium is missing or npm cannot reach its registry.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

TEST_CASE("officer page: axe-core in Chromium, no serious violation; keyboard alone") {
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED: " << why);
    return;
  }
  const std::string& prefix = *tools;
  TempDir dir("a11y");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed",
             "0 scanner P<D<<MUELLER<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<\n"
             "0 scanner C01X00T478D<<8702159F3101012<<<<<<<<<<<<<<00\n"
             "0 camera " +
                 case_payload("wpnl-valid") + "\n0 camera " + case_payload("wpcard-valid") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.read_until(
      [](const json::Value& s) { return s.get("session")->get("entries")->array.size() == 2; }));
  std::string out, err;
  int rc =
      run({"/usr/bin/env", "node", std::string(KIOSK_SOURCE_DIR) + "/tests/kioskd/a11y_check.cjs",
           k.url, prefix, k.cookie()},
          &out, &err);
  CAPTURE(out);
  CAPTURE(err);
  REQUIRE(rc == 0);
  auto v = json::parse(out);
  REQUIRE(v);
  for (const char* lang : {"en", "zh"}) {
    for (const auto& viol : v->get("violations")->get(lang)->array) {
      std::string impact = viol.get("impact")->string;
      CAPTURE(viol.get("id")->string);
      CHECK(impact != "serious");
      CHECK(impact != "critical");
    }
  }
  // Tab reaches the language, clear and next-document buttons, each with a visible focus.
  std::set<std::string> reached;
  for (const auto& f : v->get("focus")->array) {
    if (f.type != json::Value::Type::kObject) continue;
    reached.insert(f.get("id")->string);
    CHECK(f.get("outline")->boolean);
  }
  CHECK(reached.count("lang-button"));
  CHECK(reached.count("clear-button"));
  CHECK(reached.count("next-button"));
  CHECK(v->get("lang_after_l")->string == "zh-CN");
  CHECK(k.stop() == 0);
}
