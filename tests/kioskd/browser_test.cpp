// The officer's and the applicant's screens in a real headless Chromium: the DOM after the
// verdicts were pushed, in English and Chinese, and screenshots at the two screen sizes (saved
// under BUILD/kioskd-screens/ for a human to look at). Skips, saying so, without chromium.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>

#include <sodium.h>

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

/// A real headless Chromium driven over the DevTools protocol: one profile, so that the
/// officer's session cookie (HttpOnly: no script can read it) lives on across pages.
class Browser {
 public:
  Browser(const std::string& dir, const std::string& url) : profile_(dir + "/chromium") {
    fs::create_directories(profile_);
    auto args = chromium_args(profile_);
    // Port 0: Chromium picks a free port and writes it to DevToolsActivePort, so no other
    // process can take it between a free_port() probe and Chromium's bind.
    args.push_back("--remote-debugging-port=0");
    args.push_back("--remote-allow-origins=*");
    args.push_back(url);
    ProcessOptions opt;
    opt.stderr_file = err_file_ = dir + "/chromium.err";
    opt.stdout_file = dir + "/chromium.out";
    proc_ = std::make_unique<Process>(args, opt);
    devtools_ = devtools_port(profile_, *proc_);
    if (devtools_ == 0) return;
    std::string page_path = devtools_page(devtools_, "");
    if (!page_path.empty()) cdp_ = std::make_unique<WsClient>(devtools_, page_path);
  }
  ~Browser() {
    cdp_.reset();
    proc_->signal(SIGTERM);
    proc_->wait();
  }
  bool ok() const { return cdp_ && cdp_->connected(); }

  /// One DevTools call; its result, or nullopt.
  std::optional<json::Value> call(const std::string& method, const std::string& params) {
    if (!ok()) return std::nullopt;
    int my = ++id_;
    cdp_->send("{\"id\": " + std::to_string(my) + ", \"method\": \"" + method +
               "\", \"params\": " + params + "}");
    auto r = cdp_->read_until([&](const json::Value& m) {
      const json::Value* i = m.get("id");
      return i && i->number == my;
    });
    if (!r || !r->get("result")) return std::nullopt;
    return *r->get("result");
  }
  /// A JavaScript expression's value (promises awaited).
  std::optional<json::Value> eval(const std::string& expr) {
    json::Writer w;
    w.begin_object().key("expression").string(expr).key("returnByValue").boolean(true);
    w.key("awaitPromise").boolean(true).end_object();
    auto r = call("Runtime.evaluate", w.take());
    if (!r || !r->get("result") || !r->get("result")->get("value")) return std::nullopt;
    return *r->get("result")->get("value");
  }
  std::string text(const std::string& expr) {
    auto v = eval(expr);
    return v && v->is_string() ? v->string : "";
  }
  /// Polls `expr` until it is true.
  bool wait_for(const std::string& expr) {
    return wait_until([&] {
      auto v = eval("!!(" + expr + ")");
      return v && v->boolean;
    });
  }
  void go(const std::string& url) {
    json::Writer w;
    w.begin_object().key("url").string(url).end_object();
    call("Page.navigate", w.take());
    wait_for("document.readyState === 'complete' && location.href !== 'about:blank'");
  }
  std::string dom() { return text("document.documentElement.outerHTML"); }
  bool screenshot(const std::string& file, int width, int height) {
    call("Emulation.setDeviceMetricsOverride",
         "{\"width\": " + std::to_string(width) + ", \"height\": " + std::to_string(height) +
             ", \"deviceScaleFactor\": 1, \"mobile\": false}");
    auto r = call("Page.captureScreenshot", "{\"format\": \"png\"}");
    if (!r || !r->get("data")) return false;
    const std::string& b64 = r->get("data")->string;
    std::string png(b64.size(), '\0');
    std::size_t n = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(png.data()), png.size(), b64.data(),
                          b64.size(), nullptr, &n, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
      return false;
    png.resize(n);
    write_text(file, png);
    return n > 1000;
  }
  /// Signs in through the sign-in page's form, as an officer would; true on the console.
  bool sign_in(const std::string& base, const std::string& name, const std::string& password) {
    go(base + "signin");
    json::Writer w;
    w.begin_array().string(name).string(password).end_array();
    eval("(() => { const [n, p] = " + w.take() +
         "; document.getElementById('name').value = n; "
         "document.getElementById('password').value = p; "
         "document.getElementById('signin').requestSubmit(); return true; })()");
    if (wait_for("location.pathname === '/officer' && document.readyState === 'complete'"))
      return true;
    // What the page shows instead, for a failure that happens once in many runs (the test's
    // directory, Chromium's log with it, is gone by the time anyone looks).
    std::string err = read_text(err_file_);
    MESSAGE("sign-in did not reach /officer: at "
            << text("location.href") << " (" << text("document.readyState") << "), page text: "
            << text("document.body ? document.body.innerText.slice(0, 400) : ''")
            << "\nChromium's log (end): " << err.substr(err.size() > 2000 ? err.size() - 2000 : 0));
    return false;
  }
  /// Signs in as the suite's test officer (Kioskd::cookie() made the account).
  bool signed_in(Kioskd& k) {
    k.cookie();
    if (!ok()) {
      // Seen once: no page target on DevTools (or its WebSocket refused) within the wait.
      std::string err = read_text(err_file_);
      const char* what = devtools_ == 0 ? "no DevTools port within 120 s"
                         : cdp_         ? "its WebSocket did not connect"
                                        : "no page target listed";
      MESSAGE("Chromium's DevTools page was not reached ("
              << what << "); Chromium's log (end): "
              << err.substr(err.size() > 2000 ? err.size() - 2000 : 0));
      return false;
    }
    if (sign_in(k.url, kTestOfficer, kTestPassword)) return true;
    std::string err = read_text(k.stderr_path);
    MESSAGE("kioskd's log (end): " << err.substr(err.size() > 2000 ? err.size() - 2000 : 0));
    return false;
  }
  /// The officer's screen at `url`, rendered, as a PNG of `width` x `height`.
  bool shot(const std::string& url, const std::string& file, int width, int height) {
    officer_dom(url);
    return screenshot(file, width, height);
  }
  /// Opens the officer's screen at `url` and waits for the live state to render.
  std::string officer_dom(const std::string& url) {
    go(url);
    wait_for("document.getElementById('kiosk-id').textContent !== ''");
    return dom();
  }

 private:
  std::string profile_;
  std::uint16_t devtools_ = 0;
  std::unique_ptr<Process> proc_;
  std::unique_ptr<WsClient> cdp_;
  int id_ = 0;
  std::string err_file_;
};

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
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.read_until([](const json::Value& s) { return entries_in(s) == 2; }));
  Browser b(dir.path, "about:blank");
  REQUIRE(b.signed_in(k));

  std::string en = b.officer_dom(k.url + "?lang=en");
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

  std::string zh = b.officer_dom(k.url + "?lang=zh");
  CHECK(verdict_tag(zh).find("data-outcome=\"REVIEW\"") != std::string::npos);
  CHECK(zh.find(std::string(text(Reason::kJurisdictionMismatch, Language::kZh))) !=
        std::string::npos);
  CHECK(zh.find(std::string(text(Outcome::kReview, Language::kZh))) != std::string::npos);
  CHECK(zh.find(std::string(text(Document::kWpnl, Language::kZh))) != std::string::npos);
  CHECK(zh.find(std::string(text(Reason::kJurisdictionMismatch, Language::kEn))) ==
        std::string::npos);

  std::string shots = screens_dir();
  CHECK(b.shot(k.url + "?lang=en", shots + "/officer-review-en-1280x800.png", 1280, 800));
  CHECK(b.shot(k.url + "?lang=zh", shots + "/officer-review-zh-1920x1080.png", 1920, 1080));
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
  // A fresh officer WebSocket (the first one, unread while the browser worked, may have missed
  // the server's pings and been closed).
  WsClient again(k.port, "/ws", k.cookie());
  REQUIRE(again.read());
  REQUIRE(again.send("clear"));
  REQUIRE(again.read_until([](const json::Value& s) { return entries_in(s) == 0; }));
  std::string idle = b.officer_dom(k.url + "?lang=en");
  CHECK(verdict_tag(idle).find("data-outcome=\"\"") != std::string::npos);
  CHECK(screenshot(k.url + "self", shots + "/self-idle-1920x1080.png", "1920,1080"));
  CHECK(b.shot(k.url + "?lang=en", shots + "/officer-idle-en-1280x800.png", 1280, 800));
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
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.read_until([](const json::Value& s) { return entries_in(s) == 1; }));
  Browser b(dir.path, "about:blank");
  REQUIRE(b.signed_in(k));
  std::string en = b.officer_dom(k.url + "?lang=en");
  std::string tag = verdict_tag(en);
  CHECK(tag.find("data-outcome=\"REJECT\"") != std::string::npos);
  CHECK(tag.find("data-document=\"UNKNOWN\"") != std::string::npos);
  CHECK(en.find(std::string(text(Reason::kBadSignature, Language::kEn))) != std::string::npos);
  CHECK(en.find("Holder details are not shown") != std::string::npos);
  CHECK(en.find("MUELLER") == std::string::npos);
  std::string zh = b.officer_dom(k.url + "?lang=zh");
  CHECK(zh.find(std::string(text(Reason::kBadSignature, Language::kZh))) != std::string::npos);
  std::string shots = screens_dir();
  CHECK(b.shot(k.url + "?lang=zh", shots + "/officer-reject-zh-1280x800.png", 1280, 800));
  CHECK(b.shot(k.url + "?lang=en", shots + "/officer-reject-en-1920x1080.png", 1920, 1080));
  std::string self = dump_dom(k.url + "self");
  CHECK(self.find("data-next=\"counter\"") != std::string::npos);
  CHECK(k.stop() == 0);
}

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
  WsClient watch(k.port, "/ws", k.cookie());
  REQUIRE(watch.read_until([](const json::Value& s) { return entries_in(s) == 2; }));

  // A real browser shows the page (after the officer signs in); the test types into it over
  // the DevTools protocol.
  Browser b(dir.path, "about:blank");
  REQUIRE(b.signed_in(k));
  b.go(k.url + "?lang=en");
  // Wait until the page's own WebSocket is up (it renders the kiosk id from the live state).
  REQUIRE(
      b.wait_for("document.getElementById('disconnected').hidden && "
                 "document.querySelectorAll('[data-entry]').length === 2"));
  auto press = [&](const std::string& key) {
    REQUIRE(b.call("Input.dispatchKeyEvent",
                   "{\"type\": \"keyDown\", \"key\": \"" + key + "\", \"text\": \"" + key + "\"}"));
    REQUIRE(b.call("Input.dispatchKeyEvent", "{\"type\": \"keyUp\", \"key\": \"" + key + "\"}"));
  };
  press("n");
  auto moved = watch.read_until(
      [](const json::Value& s) { return s.get("session")->get("focus")->number == 0; });
  CHECK(moved);
  press("c");
  auto cleared = watch.read_until([](const json::Value& s) { return entries_in(s) == 0; });
  CHECK(cleared);
  CHECK(k.stop() == 0);
}

TEST_CASE("console in Chromium: the officer signs in; a page of another origin gets nothing") {
  if (chromium().empty()) {
    MESSAGE("SKIPPED: chromium is not installed (toolchain/install-deps.sh --with-browser)");
    return;
  }
  TempDir dir("browser-console");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-valid") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  REQUIRE(add_officer(dir.path, "alice", "alice-pin-2024") == 0);
  Browser b(dir.path, "about:blank");
  REQUIRE(b.ok());
  // Anonymous: the console sends the browser to the sign-in page, with no holder data.
  b.go(k.url);
  CHECK(b.text("location.pathname") == "/signin");
  CHECK(b.dom().find("MUELLER") == std::string::npos);
  // A wrong password is refused on the page; the right one opens the console with the verdict.
  REQUIRE(
      b.eval("(document.getElementById('name').value = 'alice', "
             "document.getElementById('password').value = 'wrong-pin-0', "
             "document.getElementById('signin').requestSubmit(), true)"));
  CHECK(b.wait_for("document.getElementById('message').textContent.includes('Wrong')"));
  REQUIRE(b.sign_in(k.url, "alice", "alice-pin-2024"));
  CHECK(b.wait_for("document.body.textContent.includes('MUELLER')"));
  CHECK(b.text("document.cookie").empty());  // HttpOnly: no script reads the session

  // Another origin (same host, another port: the browser even sends the officer's cookie there,
  // SameSite counts sites, not ports) tries every way to read the record or change the session.
  std::string kiosk = k.url.substr(0, k.url.size() - 1);
  TempDir evil("browser-evil");
  // The attacker's page lives in a file of its own (tests/data/console/evil.html).
  std::string page = read_text(std::string(KIOSK_TEST_DATA) + "/console/evil.html");
  page.replace(page.find("KIOSK_ORIGIN"), 12, kiosk);
  write_text(evil.path + "/evil.html", page);
  std::uint16_t evil_port = free_port();
  ProcessOptions quiet;
  quiet.stderr_file = evil.path + "/server.err";
  quiet.stdout_file = evil.path + "/server.out";
  Process server({"/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1",
                  std::to_string(evil_port), "--directory", evil.path},
                 quiet);
  REQUIRE(wait_until([&] { return http_get(evil_port, "/evil.html").first == 200; }));
  b.go("http://127.0.0.1:" + std::to_string(evil_port) + "/evil.html");
  REQUIRE(b.wait_for("window.RESULT && window.RESULT.done"));
  std::string log = b.text("JSON.stringify(window.RESULT.log)");
  CAPTURE(log);
  CHECK(log.find("MUELLER") == std::string::npos);
  CHECK(log.find("KIOSK_STATE null") != std::string::npos);
  CHECK(log.find("ws open") == std::string::npos);
  CHECK(log.find("ws message") == std::string::npos);
  CHECK(log.find("fetch 200") == std::string::npos);

  // Nothing changed: the officer is still signed in and the verdict still on the screen.
  CHECK(b.officer_dom(k.url + "officer").find("MUELLER") != std::string::npos);
  auto state = http_get(k.port, "/api/state", k.cookie());
  REQUIRE(state.first == 200);
  auto v = json::parse(state.second);
  REQUIRE(v);
  CHECK(entries_in(*v) == 1);
  // Sign-out from the console's own page ends the session.
  CHECK(b.eval("fetch('/api/signout', {method: 'POST', headers: {'Content-Type': "
               "'application/json'}, body: '{}'}).then((r) => r.status)")
            ->number == 200);
  b.go(k.url + "officer");
  CHECK(b.text("location.pathname") == "/signin");
  CHECK(k.stop() == 0);
}
