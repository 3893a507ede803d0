// The officer's screen holds with one to four documents of one applicant, at 1366x768 and
// 1920x1080, in English and Chinese, in a real headless Chromium: the page's own layout check
// (no horizontal scroll, no cut outcome word, no card squeezed narrow) must say "ok". With the
// passport typed by a scanner, every card carries the cross-check. Screenshots are saved under
// BUILD/kioskd-screens/ for a human to look at. Skips, saying so, without chromium.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

int chrome(const std::vector<std::string>& extra, std::string* out = nullptr) {
  TempDir profile("chromium");
  auto args = chromium_args(profile.path);
  args.push_back("--hide-scrollbars");
  args.insert(args.end(), extra.begin(), extra.end());
  return run(args, out);
}

std::string layout_of(const std::string& dom) {
  auto at = dom.find("data-layout=\"");
  if (at == std::string::npos) return "(no layout check)";
  at += 13;
  return dom.substr(at, dom.find('"', at) - at);
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
    ++n;
  return n;
}

// The vectors' holder (MUELLER, ANNA MARIA; DEU; 1987-02-15; C01X00T47) as a passport zone.
constexpr const char* kZone1 = "P<D<<MUELLER<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<";
constexpr const char* kZone2 = "C01X00T478D<<8702159F3101012<<<<<<<<<<<<<<00";

}  // namespace

TEST_CASE("officer screen layout: 1 to 4 documents, two sizes, two languages") {
  if (chromium().empty()) {
    MESSAGE("SKIPPED: chromium is not installed (toolchain/install-deps.sh --with-browser)");
    return;
  }
  std::string shots = std::string(KIOSK_BUILD_DIR) + "/kioskd-screens";
  fs::create_directories(shots);
  const std::string docs[] = {case_payload("wpnl-valid"), case_payload("wpcard-valid"),
                              case_payload("wpnl-other-city"), case_payload("key-scope-region")};
  std::unique_ptr<Kioskd> last;
  std::vector<std::unique_ptr<TempDir>> dirs;
  for (std::size_t n = 1; n <= 4; ++n) {
    // One applicant: the passport typed by the scanner, then n documents.
    dirs.push_back(std::make_unique<TempDir>("layout"));
    const std::string& dir = dirs.back()->path;
    install_vector_trust(dir + "/data");
    std::string feed = std::string("0 scanner ") + kZone1 + "\n0 scanner " + kZone2 + "\n";
    for (std::size_t i = 0; i < n; ++i)
      feed += "0 camera " + docs[i] + "\n";
    write_text(dir + "/f.feed", feed);
    auto k =
        std::make_unique<Kioskd>(dir, base_config(dir, "[devices]\nfeed = " + dir + "/f.feed\n"));
    REQUIRE(k->ready);
    WsClient ws(k->port, "/ws");
    REQUIRE(ws.read_until(
        [n](const json::Value& v) { return v.get("session")->get("entries")->array.size() == n; }));
    for (auto [lang, size] : {std::pair{"en", "1366,768"}, std::pair{"zh", "1920,1080"},
                              std::pair{"zh", "1366,768"}, std::pair{"en", "1920,1080"}}) {
      bool cross = std::string(lang) == (std::string(size) == "1366,768" ? "zh" : "en");
      if (n < 4 && cross) continue;  // every size and language with four documents
      std::string url = k->url + "?lang=" + lang;
      std::string dom;
      chrome({"--window-size=" + std::string(size), "--dump-dom", url}, &dom);
      CAPTURE(n);
      CAPTURE(lang);
      CAPTURE(size);
      CHECK(count(dom, "data-entry=") == n);
      CHECK(layout_of(dom) == "ok");
      CHECK(count(dom, "data-cross=") == n);  // the passport beside every document
      std::string file = shots + "/layout-" + std::to_string(n) + "-" + lang + "-" +
                         (std::string(size) == "1366,768" ? "1366x768" : "1920x1080") + ".png";
      chrome({"--window-size=" + std::string(size), "--screenshot=" + file, url});
      CHECK(fs::exists(file));
    }
    if (n < 4)
      CHECK(k->stop() == 0);
    else
      last = std::move(k);
  }
  Kioskd& k = *last;
  std::string en;
  chrome({"--window-size=1920,1080", "--dump-dom", k.url + "?lang=en"}, &en);
  // The purpose line: the letter is what the RP procedure names; the legacy card is not.
  CHECK(en.find("a document the residence-permit procedure names") != std::string::npos);
  CHECK(en.find("not a document the residence-permit procedure names") != std::string::npos);
  CHECK(en.find("data-cross=\"match\"") != std::string::npos);
  CHECK(en.find("上海市浦东新区") != std::string::npos);     // loc 310115 by name
  CHECK(en.find("data-tone=\"bad\"") != std::string::npos);  // the REJECT is never green
  CHECK(k.stop() == 0);
}

TEST_CASE("replay flags: the same e-card QR and the same letter shown again in a new session") {
  TempDir dir("replay");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("ecard-valid") + "\n0 camera " +
                                       case_payload("wpnl-valid") + "\n5000 camera " +
                                       case_payload("ecard-valid") + "\n0 camera " +
                                       case_payload("wpnl-valid") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws");
  auto entries = [](const json::Value& s) { return s.get("session")->get("entries")->array; };
  auto first = ws.read_until([&](const json::Value& s) { return entries(s).size() == 2; });
  REQUIRE(first);
  for (const auto& e : entries(*first))
    CHECK(e.get("replay")->string == "");
  std::int64_t session = static_cast<std::int64_t>(first->get("session")->get("number")->number);
  REQUIRE(ws.send("clear"));  // the officer's key: the next applicant
  auto second = ws.read_until([&](const json::Value& s) {
    return static_cast<std::int64_t>(s.get("session")->get("number")->number) > session &&
           entries(s).size() == 2;
  });
  REQUIRE(second);
  for (const auto& e : entries(*second)) {
    CAPTURE(e.get("document")->string);
    CHECK(e.get("replay")->string ==
          (e.get("document")->string == "E_SSC" ? "same_presentation" : "seen_today"));
  }
  if (!chromium().empty()) {
    std::string dom;
    chrome({"--window-size=1366,768", "--dump-dom", k.url + "?lang=en"}, &dom);
    CHECK(dom.find("data-replay=\"same_presentation\"") != std::string::npos);
  }
  CHECK(k.stop() == 0);
}
