// The officer's screen holds with one to four documents of one applicant, at 1366x768 and
// 1920x1080, in English and Chinese, in one real headless Chromium driven by puppeteer-core
// (screens.cjs): the page's own layout check (no horizontal scroll, no cut outcome word, no card
// squeezed narrow) must say "ok"; with the passport typed by a scanner, every card carries the
// cross-check. Screenshots are saved under BUILD/kioskd-screens/ for a human to look at. Skips,
// saying so, without chromium or when npm cannot install puppeteer-core. Also: the replay flags.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "tests/kioskd/screens.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

// The vectors' holder (MUELLER, ANNA MARIA; DEU; 1987-02-15; C01X00T47) as a passport zone.
constexpr const char* kZone1 = "P<D<<MUELLER<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<";
constexpr const char* kZone2 = "C01X00T478D<<8702159F3101012<<<<<<<<<<<<<<00";

}  // namespace

TEST_CASE("officer screen layout: 1 to 4 documents, two sizes, two languages") {
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED: " << why);
    return;
  }
  std::string shots = shots_dir();
  // One applicant's documents: a letter, the legacy card, a letter from another city (REVIEW)
  // and a forged letter (REJECT, its record hidden).
  const std::string docs[] = {case_payload("wpnl-valid"), case_payload("wpcard-valid"),
                              case_payload("wpnl-other-city"), case_payload("wpnl-tampered")};
  std::vector<std::unique_ptr<TempDir>> dirs;
  std::vector<std::unique_ptr<Kioskd>> kiosks;
  json::Writer jobs;
  jobs.begin_array();
  for (std::size_t n = 1; n <= 4; ++n) {
    // The passport typed by the scanner, then n documents.
    dirs.push_back(std::make_unique<TempDir>("layout"));
    const std::string& dir = dirs.back()->path;
    install_vector_trust(dir + "/data");
    std::string feed = std::string("0 scanner ") + kZone1 + "\n0 scanner " + kZone2 + "\n";
    for (std::size_t i = 0; i < n; ++i)
      feed += "0 camera " + docs[i] + "\n";
    write_text(dir + "/f.feed", feed);
    kiosks.push_back(
        std::make_unique<Kioskd>(dir, base_config(dir, "[devices]\nfeed = " + dir + "/f.feed\n")));
    REQUIRE(kiosks.back()->ready);
    for (const char* lang : {"en", "zh"}) {
      for (auto [w, h] : {std::pair{1366, 768}, std::pair{1920, 1080}}) {
        std::string file = shots + "/layout-" + std::to_string(n) + "-" + lang + "-" +
                           std::to_string(w) + "x" + std::to_string(h) + ".png";
        jobs.begin_object();
        jobs.key("url").string(kiosks.back()->url + "?lang=" + lang);
        jobs.key("width").number(w).key("height").number(h);
        jobs.key("entries").number(static_cast<std::int64_t>(n));
        jobs.key("file").string(file);
        jobs.key("cookie").string(kiosks.back()->cookie());
        jobs.end_object();
      }
    }
  }
  // The applicant's screen at the same sizes, Chinese first and English first: waiting for a
  // document (a kiosk with no input) and after the letter (the one-document kiosk).
  dirs.push_back(std::make_unique<TempDir>("layout-idle"));
  kiosks.push_back(std::make_unique<Kioskd>(dirs.back()->path, base_config(dirs.back()->path, "")));
  REQUIRE(kiosks.back()->ready);
  for (std::size_t which : {kiosks.size() - 1, std::size_t{0}}) {
    bool idle = which != 0;
    for (const char* lang : {"en", "zh"}) {
      for (auto [w, h] : {std::pair{1366, 768}, std::pair{1920, 1080}}) {
        jobs.begin_object();
        jobs.key("page").string("self");
        jobs.key("phase").string(idle ? "idle" : "done");
        jobs.key("url").string(kiosks[which]->url + "self?lang=" + lang);
        jobs.key("width").number(w).key("height").number(h);
        jobs.key("file").string(shots + "/self-" + (idle ? "idle" : "done") + "-" + lang + "-" +
                                std::to_string(w) + "x" + std::to_string(h) + ".png");
        jobs.end_object();
      }
    }
  }
  jobs.end_array();
  auto results = run_screens(*tools, jobs.take());
  REQUIRE(results.array.size() == 24);
  for (std::size_t i = 16; i < 24; ++i) {
    const json::Value& r = results.array[i];
    CAPTURE(r.get("file")->string);
    bool en = ((i - 16) / 2) % 2 == 0;
    CHECK(r.get("layout")->string == "ok");  // no horizontal scroll, nothing cut off
    CHECK(r.get("lang")->string == (en ? "en" : "zh-CN"));
    CHECK(r.get("phase")->string == (i < 20 ? "idle" : "done"));
    CHECK(fs::exists(r.get("file")->string));
    const std::string& text = r.get("text")->string;
    // Both languages, the chosen one first; nothing personal.
    auto at_en =
        text.find(i < 20 ? "Please present your work-permit document" : "Please go to the counter");
    auto at_zh = text.find(i < 20 ? "请出示您的工作许可证件" : "请到窗口办理");
    REQUIRE(at_en != std::string::npos);
    REQUIRE(at_zh != std::string::npos);
    CHECK((at_en < at_zh) == en);
    CHECK(text.find("MUELLER") == std::string::npos);
  }
  results.array.resize(16);
  std::string all_text;
  std::size_t unknown_cards = 0;
  for (std::size_t i = 0; i < results.array.size(); ++i) {
    const json::Value& r = results.array[i];
    bool en = (i / 2) % 2 == 0;
    std::size_t n = i / 4 + 1;
    CAPTURE(r.get("file")->string);
    CHECK(static_cast<std::size_t>(r.get("entries")->number) == n);
    CHECK(r.get("layout")->string == "ok");  // no horizontal scroll, no cut word, none squeezed
    // The passport check on each identified document; the forged letter (the 4th) names none.
    CHECK(static_cast<std::size_t>(r.get("cross")->number) == (n == 4 ? 3 : n));
    for (const auto& card : r.get("cards")->array) {
      if (card.get("document")->string != "UNKNOWN") {
        CHECK(card.get("unknown")->type == json::Value::Type::kNull);
        continue;
      }
      // The forged letter never looks like a document: the plain line, seen; no holder field.
      ++unknown_cards;
      CHECK(card.get("outcome")->string == "REJECT");
      REQUIRE(card.get("unknown")->type == json::Value::Type::kObject);
      CHECK(card.get("unknown")->get("visible")->boolean);
      CHECK(card.get("unknown")->get("text")->string.find(
                en ? "Unknown document: do not rely on anything shown" : "无法识别的证件") !=
            std::string::npos);
      CHECK(card.get("holder_fields")->number == 0);
      CHECK(card.get("cross")->number == 0);
      CHECK(card.get("text")->string.find("MUELLER") == std::string::npos);
      CHECK(card.get("text")->string.find("C01X00T47") == std::string::npos);
    }
    CHECK(fs::exists(r.get("file")->string));
    all_text += r.get("text")->string;
  }
  CHECK(unknown_cards == 4);  // n = 4: two languages, two sizes
  // The purpose line: the letter is what the RP procedure names; the legacy card is not.
  CHECK(all_text.find("a document the residence-permit procedure names") != std::string::npos);
  CHECK(all_text.find("not a document the residence-permit procedure names") != std::string::npos);
  CHECK(all_text.find("上海市浦东新区") != std::string::npos);  // loc 310115 by name
  CHECK(all_text.find("Passport matches the work permit") != std::string::npos);
  CHECK(all_text.find("护照与工作许可信息一致") != std::string::npos);
  for (auto& k : kiosks)
    CHECK(k->stop() == 0);
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
  WsClient ws(k.port, "/ws", k.cookie());
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
  // And in the page the officer looks at: each card of the second session carries its note,
  // visible, in English and in Chinese.
  std::string why;
  auto tools = npm_browser_tools(&why);
  if (!tools) {
    MESSAGE("SKIPPED (the page): " << why);
    CHECK(k.stop() == 0);
    return;
  }
  json::Writer jobs;
  jobs.begin_array();
  for (const char* lang : {"en", "zh"}) {
    jobs.begin_object();
    jobs.key("url").string(k.url + "?lang=" + lang);
    jobs.key("width").number(1366).key("height").number(768);
    jobs.key("entries").number(2);
    jobs.key("file").string(shots_dir() + "/replay-" + lang + "-1366x768.png");
    jobs.key("cookie").string(k.cookie());
    jobs.end_object();
  }
  jobs.end_array();
  auto pages = run_screens(*tools, jobs.take());
  REQUIRE(pages.array.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    bool en = i == 0;
    const json::Value& r = pages.array[i];
    CHECK(r.get("layout")->string == "ok");
    REQUIRE(r.get("cards")->array.size() == 2);
    for (const auto& card : r.get("cards")->array) {
      bool ecard = card.get("document")->string == "E_SSC";
      CAPTURE(card.get("document")->string);
      REQUIRE(card.get("replay")->array.size() == 1);
      const json::Value& note = card.get("replay")->array[0];
      CHECK(note.get("kind")->string == (ecard ? "same_presentation" : "seen_today"));
      CHECK(note.get("visible")->boolean);
      const char* want = ecard ? (en ? "e-card code was already shown in another session"
                                     : "二维码已在另一次核验中出示过")
                               : (en ? "already presented today in another session"
                                     : "今天已在另一次核验中出示过");
      CHECK(note.get("text")->string.find(want) != std::string::npos);
    }
  }
  CHECK(k.stop() == 0);
}
