// The officer's and the applicant's screens in a real headless Chromium: the DOM after the
// verdicts were pushed, in English and Chinese, and screenshots at the two screen sizes (saved
// under BUILD/kioskd-screens/ for a human to look at). Skips, saying so, without chromium.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>

#include "app/reason.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::string dump_dom(const std::string& url) {
  TempDir profile("chromium");
  auto args = chromium_args(profile.path);
  args.push_back("--dump-dom");
  args.push_back(url);
  std::string out;
  run(args, &out);
  return out;
}

bool screenshot(const std::string& url, const std::string& file, const std::string& size) {
  TempDir profile("chromium");
  auto args = chromium_args(profile.path);
  args.push_back("--screenshot=" + file);
  args.push_back("--window-size=" + size);
  args.push_back("--hide-scrollbars");
  args.push_back(url);
  run(args);
  return fs::exists(file) && fs::file_size(file) > 1000;
}

/// The opening tag of the element with id="verdict".
std::string verdict_tag(const std::string& dom) {
  auto id = dom.find("id=\"verdict\"");
  if (id == std::string::npos) return "";
  auto start = dom.rfind('<', id);
  auto end = dom.find('>', id);
  return dom.substr(start, end - start + 1);
}

std::size_t entries_in(const json::Value& s) {
  return s.get("session")->get("entries")->array.size();
}

std::string screens_dir() {
  std::string d = std::string(KIOSK_BUILD_DIR) + "/kioskd-screens";
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("officer screen in Chromium: outcome, document, reasons in both languages") {
  if (chromium().empty()) {
    MESSAGE("SKIPPED: chromium is not installed (toolchain/install-deps.sh --with-browser)");
    return;
  }
  TempDir dir("browser");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-valid") + "\n" + "50 camera " +
                                       case_payload("wpnl-other-city") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws");
  REQUIRE(ws.read_until([](const json::Value& s) { return entries_in(s) == 2; }));

  std::string en = dump_dom(k.url + "?lang=en");
  std::string tag = verdict_tag(en);
  CAPTURE(tag);
  CHECK(tag.find("data-outcome=\"REVIEW\"") != std::string::npos);
  CHECK(tag.find("data-document=\"WPNL\"") != std::string::npos);
  CHECK(en.find(std::string(text(Reason::kJurisdictionMismatch, Language::kEn))) !=
        std::string::npos);
  CHECK(en.find("Work Permit Notification Letter") != std::string::npos);
  CHECK(en.find("data-outcome=\"ACCEPT\"") != std::string::npos);  // the first document, beside
  CHECK(en.find("MUELLER") != std::string::npos);                  // verified: holder shown
  CHECK(en.find(">REVIEW<") != std::string::npos);

  std::string zh = dump_dom(k.url + "?lang=zh");
  CHECK(verdict_tag(zh).find("data-outcome=\"REVIEW\"") != std::string::npos);
  CHECK(zh.find(std::string(text(Reason::kJurisdictionMismatch, Language::kZh))) !=
        std::string::npos);
  CHECK(zh.find(std::string(text(Outcome::kReview, Language::kZh))) != std::string::npos);
  CHECK(zh.find(std::string(text(Document::kWpnl, Language::kZh))) != std::string::npos);
  CHECK(zh.find(std::string(text(Reason::kJurisdictionMismatch, Language::kEn))) ==
        std::string::npos);

  std::string shots = screens_dir();
  CHECK(screenshot(k.url + "?lang=en", shots + "/officer-review-en-1280x800.png", "1280,800"));
  CHECK(screenshot(k.url + "?lang=zh", shots + "/officer-review-zh-1920x1080.png", "1920,1080"));
  CHECK(screenshot(k.url + "self", shots + "/self-done-1280x800.png", "1280,800"));

  // The applicant's screen: the next step, no reason and no personal data.
  std::string self = dump_dom(k.url + "self");
  CHECK(self.find("data-phase=\"done\"") != std::string::npos);
  CHECK(self.find("data-next=\"counter\"") != std::string::npos);
  CHECK(self.find("Please go to the counter") != std::string::npos);
  CHECK(self.find("MUELLER") == std::string::npos);
  CHECK(self.find("JURISDICTION") == std::string::npos);
  CHECK(self.find(std::string(text(Reason::kJurisdictionMismatch, Language::kEn))) ==
        std::string::npos);

  // Cleared: the idle screen.
  REQUIRE(ws.send("clear"));
  REQUIRE(ws.read_until([](const json::Value& s) { return entries_in(s) == 0; }));
  std::string idle = dump_dom(k.url + "?lang=en");
  CHECK(verdict_tag(idle).find("data-outcome=\"\"") != std::string::npos);
  CHECK(screenshot(k.url + "self", shots + "/self-idle-1920x1080.png", "1920,1080"));
  CHECK(screenshot(k.url + "?lang=en", shots + "/officer-idle-en-1280x800.png", "1280,800"));
  CHECK(k.stop() == 0);
}

TEST_CASE("officer screen in Chromium: a forged letter shows REJECT and no holder record") {
  if (chromium().empty()) {
    MESSAGE("SKIPPED: chromium is not installed (toolchain/install-deps.sh --with-browser)");
    return;
  }
  TempDir dir("browser-reject");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-tampered") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws");
  REQUIRE(ws.read_until([](const json::Value& s) { return entries_in(s) == 1; }));
  std::string en = dump_dom(k.url + "?lang=en");
  std::string tag = verdict_tag(en);
  CHECK(tag.find("data-outcome=\"REJECT\"") != std::string::npos);
  CHECK(tag.find("data-document=\"UNKNOWN\"") != std::string::npos);
  CHECK(en.find(std::string(text(Reason::kBadSignature, Language::kEn))) != std::string::npos);
  CHECK(en.find("Holder details are not shown") != std::string::npos);
  CHECK(en.find("MUELLER") == std::string::npos);
  std::string zh = dump_dom(k.url + "?lang=zh");
  CHECK(zh.find(std::string(text(Reason::kBadSignature, Language::kZh))) != std::string::npos);
  std::string shots = screens_dir();
  CHECK(screenshot(k.url + "?lang=zh", shots + "/officer-reject-zh-1280x800.png", "1280,800"));
  CHECK(screenshot(k.url + "?lang=en", shots + "/officer-reject-en-1920x1080.png", "1920,1080"));
  std::string self = dump_dom(k.url + "self");
  CHECK(self.find("data-next=\"counter\"") != std::string::npos);
  CHECK(k.stop() == 0);
}

namespace {

std::uint16_t free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace

TEST_CASE("officer screen in Chromium: the keyboard clears and moves between documents") {
  if (chromium().empty()) {
    MESSAGE("SKIPPED: chromium is not installed (toolchain/install-deps.sh --with-browser)");
    return;
  }
  TempDir dir("browser-keys");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-valid") + "\n" + "50 scanner " +
                                       case_payload("ecard-valid") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient watch(k.port, "/ws");
  REQUIRE(watch.read_until([](const json::Value& s) { return entries_in(s) == 2; }));

  // A real browser shows the page; the test types into it over the DevTools protocol.
  TempDir profile("chromium");
  std::uint16_t devtools = free_port();
  auto args = chromium_args(profile.path);
  args.push_back("--remote-debugging-port=" + std::to_string(devtools));
  args.push_back("--remote-allow-origins=*");
  args.push_back(k.url + "?lang=en");
  ProcessOptions opt;
  opt.stderr_file = dir.path + "/chromium.err";
  opt.stdout_file = dir.path + "/chromium.out";
  Process browser(args, opt);
  std::string page_path;
  REQUIRE(wait_until([&] {
    auto list = http_get(devtools, "/json/list");
    auto v = json::parse(list.second);
    if (!v || !v->is_array()) return false;
    for (const auto& t : v->array) {
      const json::Value* type = t.get("type");
      const json::Value* ws = t.get("webSocketDebuggerUrl");
      const json::Value* url = t.get("url");
      if (type && type->string == "page" && ws && url && url->string.find(k.url) == 0) {
        page_path = ws->string.substr(ws->string.find("/devtools/"));
        return true;
      }
    }
    return false;
  }));
  WsClient cdp(devtools, page_path);
  REQUIRE(cdp.connected());
  int id = 0;
  auto call = [&](const std::string& method, const std::string& params) {
    int my = ++id;
    REQUIRE(cdp.send("{\"id\": " + std::to_string(my) + ", \"method\": \"" + method +
                     "\", \"params\": " + params + "}"));
    REQUIRE(cdp.read_until([&](const json::Value& m) {
      const json::Value* i = m.get("id");
      return i && i->number == my;
    }));
  };
  // Wait until the page's own WebSocket is up (it renders the kiosk id from the live state).
  REQUIRE(wait_until([&] {
    int my = ++id;
    cdp.send("{\"id\": " + std::to_string(my) +
             ", \"method\": \"Runtime.evaluate\", \"params\": {\"expression\": "
             "\"document.getElementById('disconnected').hidden && "
             "document.querySelectorAll('[data-entry]').length\", \"returnByValue\": true}}");
    auto r = cdp.read_until([&](const json::Value& m) {
      const json::Value* i = m.get("id");
      return i && i->number == my;
    });
    const json::Value* res = r ? r->get("result") : nullptr;
    const json::Value* inner = res ? res->get("result") : nullptr;
    const json::Value* value = inner ? inner->get("value") : nullptr;
    return value && value->is_number() && value->number == 2;
  }));
  auto press = [&](const std::string& key) {
    call("Input.dispatchKeyEvent",
         "{\"type\": \"keyDown\", \"key\": \"" + key + "\", \"text\": \"" + key + "\"}");
    call("Input.dispatchKeyEvent", "{\"type\": \"keyUp\", \"key\": \"" + key + "\"}");
  };
  press("n");
  auto moved = watch.read_until(
      [](const json::Value& s) { return s.get("session")->get("focus")->number == 0; });
  CHECK(moved);
  press("c");
  auto cleared = watch.read_until([](const json::Value& s) { return entries_in(s) == 0; });
  CHECK(cleared);
  browser.signal(SIGTERM);
  browser.wait();
  CHECK(k.stop() == 0);
}
