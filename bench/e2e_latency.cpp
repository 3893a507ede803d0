// End to end: a simulated 720p/30 fps camera and a virtual card in a PC/SC reader into kioskd, to
// the verdict on the officer's page in a real headless Chromium, split by stage.
//
//   e2e_latency [--count N] [--card-count C] [--show-frames F] [--gap-frames G]
//               [--lead-frames L] [--strict]
//
// The camera is kioskd-demo's `sim:folder:DIR` at camera_fps = 30 (1280x720 frames rendered by
// sim/scene), chosen by configuration like any camera: L frames of the empty counter (Chromium
// starts meanwhile), then N presentations of each document, e-card on a phone and WPNL on paper
// in turn, each shown for F frames and followed by G frames of the empty counter, then the empty
// counter while the card is presented. The reader is kioskd's `reader = pcsc` on a private pcscd
// started here with vpcd (sim/vcard's sandbox, as the chip tests do); the virtual One-Card SSC of
// the vectors is inserted C times (default N), each time once the previous verdict is on the page,
// the card is out and pcscd has seen it leave, after a pause that varies the phase against
// pcscd's polling. The vectors' trust package and a fixed clock make every presentation ACCEPT.
// Between two presentations the benchmark clears the session over /ws, as the officer does, so
// that the next one is a new verdict.
//
// Timestamps, all on this machine's monotonic clock (microseconds):
//   visible    the simulated camera opens the first frame that shows the code (inotify IN_OPEN on
//              the frames' folder) / inserted: the benchmark puts the card in the reader;
//   kioskd's, in the `timing` object of each entry of the officer's state message:
//   captured   the camera driver delivered the frame that was decoded / the card source found
//              the card in the reader;
//   read_start decoding that frame began / the card was connected and reading began;
//   read       the text decoded / the chip read;
//   received   the event loop took it; verified: the verdict made; committed: its audit record
//              durably written; published: the state handed to the WebSocket connections;
//   in the page (a script added before officer.js, wall clock mapped to the monotonic one by
//   calibration over DevTools, best of 15 round trips):
//   arrived    the state message with the new entry reaches the page's WebSocket;
//   dom        officer.js has put the verdict in the DOM (MutationObserver on the banner);
//   painted    the next animation frame (requestAnimationFrame): the verdict is drawn.
// Printed per document: p50, p95 and max of each stage and of the total visible -> painted; and
// once, kioskd's camera counters from its /metrics (frames scanned, skipped while the decoder was
// busy, fused means scanned).
//
// Needs chromium (toolchain/install-deps.sh --with-browser), pcscd with vpcd (for the card), and
// the kioskd-demo and kioskctl targets built; exit 77 when Chromium or the private pcscd is
// missing. Not a test: it prints figures (exit 1 when something did not run; with --strict, also
// when a presentation had no verdict on the page or not ACCEPT: ctest's e2e_latency_smoke).
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "app/json.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "sim/rng.h"
#include "sim/scene/scene.h"
#include "sim/vcard/pcscd_sandbox.h"
#include "sim/vcard/vector_card.h"
#include "sim/vcard/vpcd_card.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::int64_t mono_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Presentation {
  std::string first_frame;  // the frame file where the code first shows ("" for the card)
  std::string clear_frame;  // the frame file at which the benchmark clears the session
  std::int64_t visible = 0;
};

/// One verdict as the page saw it, all times monotonic microseconds.
struct PageRecord {
  std::string id, channel, document, outcome;
  std::int64_t captured = 0, read_start = 0, read = 0, received = 0, verified = 0, committed = 0,
               published = 0, arrived = 0, dom = 0, painted = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int arg_int(int argc, char** argv, const std::string& name, int def, int lo, int hi) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) {
      char* end = nullptr;
      long v = std::strtol(argv[i + 1], &end, 10);
      if (!end || *end || v < lo || v > hi) {
        std::cerr << name << " must be " << lo << ".." << hi << "\n";
        std::exit(2);
      }
      return static_cast<int>(v);
    }
  return def;
}

// Added to the officer's page before its own scripts: stamps each state message that brings a
// new entry (with kioskd's timing object), and the moment officer.js puts that entry's card in the
// DOM (found by its data-entry id, so that two verdicts in one session or a late clear cannot
// leave one unstamped).
constexpr const char* kPageHook = R"JS(
(() => {
  window.__e2e = [];
  const now = () => performance.timeOrigin + performance.now();
  const seen = new Set();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (m) => {
        const t = now();
        let s;
        try { s = JSON.parse(m.data); } catch (e) { return; }
        const es = s && s.session && s.session.entries;
        if (!Array.isArray(es)) return;
        for (const e of es) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          window.__e2e.push({id: String(e.id), channel: e.channel, document: e.document,
                             outcome: e.outcome,
                             timing: e.timing, arrived: t, dom: 0, paint: 0});
        }
      });
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      const t = now();
      for (const card of document.querySelectorAll('[data-entry]')) {
        const id = card.getAttribute('data-entry');
        const r = window.__e2e.find((x) => x.id === id && !x.dom);
        if (r) {
          r.dom = t;
          requestAnimationFrame(() => { r.paint = now(); });
        }
      }
    }).observe(document.body, {subtree: true, childList: true, attributes: true});
  });
})();
)JS";

}  // namespace

int main(int argc, char** argv) {
  const int count = arg_int(argc, argv, "--count", 50, 1, 1000);
  const int card_count = arg_int(argc, argv, "--card-count", count, 0, 1000);
  const int show = arg_int(argc, argv, "--show-frames", 12, 2, 300);
  const int gap = arg_int(argc, argv, "--gap-frames", 24, 8, 3000);
  const int lead = arg_int(argc, argv, "--lead-frames", 600, 30, 30000);
  bool strict = false;
  for (int i = 1; i < argc; ++i)
    strict = strict || std::string(argv[i]) == "--strict";
  if (chromium().empty()) {
    std::cerr << "e2e_latency: chromium is not installed (toolchain/install-deps.sh "
                 "--with-browser)\n";
    return 77;
  }

  TempDir dir("e2e-latency");
  install_vector_trust(dir.path + "/data");

  // The three pictures the camera can see, each saved once; the frames are hard links to them.
  std::map<std::string, std::string> picture;
  {
    sim::Rng rng(2026);
    auto save = [&](const std::string& name, sim::scene::SceneSpec spec) {
      auto scene = sim::scene::render_scene(spec, rng);
      std::string path = dir.path + "/" + name + ".bmp";  // BMP: loading is not decoding
      if (!cv::imwrite(path, scene.frame)) {
        std::cerr << "e2e_latency: cannot write " << path << "\n";
        std::exit(1);
      }
      picture[name] = path;
    };
    sim::scene::SceneSpec empty;
    empty.empty_counter = true;
    save("empty", empty);
    sim::scene::SceneSpec ecard;
    ecard.carrier = sim::scene::Carrier::kPhoneLight;
    ecard.text = case_payload("ecard-valid");
    save("E_SSC", ecard);
    sim::scene::SceneSpec wpnl;
    wpnl.carrier = sim::scene::Carrier::kLetter;
    wpnl.text = case_payload("wpnl-valid");
    save("WPNL", wpnl);
  }
  const std::string frames = dir.path + "/frames";
  fs::create_directories(frames);
  int index = 0;
  auto frame_name = [](int i) {
    char b[32];
    std::snprintf(b, sizeof b, "%07d.bmp", i);
    return std::string(b);
  };
  auto add = [&](const std::string& what) {
    std::string name = frame_name(index++);
    fs::create_hard_link(picture[what], frames + "/" + name);
    return name;
  };
  std::vector<Presentation> shows;
  std::vector<std::string> show_doc;
  for (int i = 0; i < lead; ++i)
    add("empty");
  for (int i = 0; i < 2 * count; ++i) {
    Presentation p;
    show_doc.push_back(i % 2 ? "WPNL" : "E_SSC");
    p.first_frame = add(show_doc.back());
    for (int f = 1; f < show; ++f)
      add(show_doc.back());
    for (int f = 0; f < gap; ++f) {
      std::string n = add("empty");
      if (f == gap / 2) p.clear_frame = n;
    }
    shows.push_back(p);
  }
  // The empty counter goes on while the card is presented (about 1.2 s each).
  for (int i = 0; i < card_count * 45; ++i)
    add("empty");

  // The virtual card's reader: a private pcscd with vpcd, before kioskd (it inherits the socket).
  std::unique_ptr<sim::PcscdSandbox> pcscd;
  std::unique_ptr<sim::VpcdCard> card;
  if (card_count > 0) {
    auto sandbox = sim::PcscdSandbox::start(1);
    if (!sandbox) {
      std::cerr << "e2e_latency: pcscd: " << sandbox.error()
                << " (--card-count 0 skips the card)\n";
      return 77;
    }
    pcscd = std::move(*sandbox);
    std::string why;
    auto cfg = sim::vector_card(vectors(), "card-1", &why);
    if (!cfg) {
      std::cerr << "e2e_latency: the vectors' card: " << why << "\n";
      return 1;
    }
    card = std::make_unique<sim::VpcdCard>(*cfg, pcscd->port(0));
    card->set_inserted(false);
    card->start();
  }

  // Watch the frames being opened, before kioskd starts.
  int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (ino < 0 || inotify_add_watch(ino, frames.c_str(), IN_OPEN) < 0) {
    std::cerr << "e2e_latency: inotify failed\n";
    return 1;
  }
  std::map<std::string, std::size_t> by_first, by_clear;
  for (std::size_t i = 0; i < shows.size(); ++i) {
    by_first[shows[i].first_frame] = i;
    by_clear[shows[i].clear_frame] = i;
  }
  std::mutex m;
  std::vector<std::size_t> to_clear;
  std::atomic<bool> done{false};
  std::atomic<int> last_frame{-1}, opened{0};
  std::atomic<std::int64_t> first_open{0}, last_open{0};
  std::thread watcher([&] {
    alignas(inotify_event) char buf[8192];
    while (!done) {
      pollfd pfd{ino, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      ssize_t n = ::read(ino, buf, sizeof buf);
      std::int64_t t = mono_us();
      if (n <= 0) continue;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + ev->len;
        if (!(ev->mask & IN_OPEN) || !ev->len) continue;
        std::string name(ev->name);
        last_frame = std::atoi(name.c_str());
        ++opened;
        if (!first_open) first_open = t;
        last_open = t;
        std::lock_guard lock(m);
        if (auto it = by_first.find(name); it != by_first.end() && !shows[it->second].visible)
          shows[it->second].visible = t;
        if (auto it = by_clear.find(name); it != by_clear.end()) to_clear.push_back(it->second);
      }
    }
  });

  const std::string err_path = dir.path + "/kioskd.err";
  ProcessOptions opt;
  opt.stderr_file = err_path;
  // kioskd's own counters of the camera worker, read at the end (what was scanned, skipped while
  // busy, fused), as Prometheus would scrape them.
  const std::uint16_t metrics_port = free_port();
  Kioskd k(dir.path,
           base_config(dir.path, "[devices]\ncamera = sim:folder:" + frames +
                                     "\ncamera_fps = 30\ncamera_width = 1280\n"
                                     "camera_height = 720\n" +
                                     (card_count > 0 ? "reader = pcsc\n" : "") +
                                     "[metrics]\nport = " + std::to_string(metrics_port) + "\n"),
           {"--no-demo"}, opt, kioskd_demo_path());
  auto stop_watcher = [&] {
    if (done.exchange(true)) return;
    watcher.join();  // it polls: at most 100 ms
    ::close(ino);
  };
  auto fail = [&](const std::string& why) {
    std::cerr << "e2e_latency: " << why << "\n";
    k.stop();
    stop_watcher();
    return 1;
  };
  if (!k.ready) return fail("kioskd-demo did not start (see " + err_path + ")");

  // The officer's page in Chromium, watched over the DevTools protocol.
  TempDir profile("e2e-chromium");
  Process browser(
      {chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + profile.path, "--remote-debugging-port=0",
       "--remote-allow-origins=*", "about:blank"},
      ProcessOptions{{}, dir.path + "/chromium.out", dir.path + "/chromium.err", std::nullopt, {}});
  std::uint16_t devtools = devtools_port(profile.path, browser);
  if (devtools == 0) return fail("Chromium's DevTools port did not appear");
  std::string page_path = devtools_page(devtools, "about:blank");
  if (page_path.empty()) return fail("Chromium's page did not appear");
  WsClient cdp(devtools, page_path);
  int id = 0;
  auto call = [&](const std::string& method,
                  const std::string& params) -> std::optional<json::Value> {
    int my = ++id;
    if (!cdp.send("{\"id\": " + std::to_string(my) + ", \"method\": \"" + method +
                  "\", \"params\": " + params + "}"))
      return std::nullopt;
    return cdp.read_until([&](const json::Value& msg) {
      const json::Value* i = msg.get("id");
      return i && i->number == my;
    });
  };
  auto evaluate = [&](const std::string& js) -> std::optional<json::Value> {
    std::string expr;
    json::append_quoted(expr, js);
    auto r = call("Runtime.evaluate", "{\"expression\": " + expr + ", \"returnByValue\": true}");
    const json::Value* res = r ? r->get("result") : nullptr;
    const json::Value* inner = res ? res->get("result") : nullptr;
    const json::Value* value = inner ? inner->get("value") : nullptr;
    if (!value) return std::nullopt;
    return *value;
  };
  // The page's wall clock (performance.timeOrigin + now(), ms) minus the monotonic one (us):
  // the best of 15 round trips; its error is at most half that round trip.
  auto calibrate = [&](double* rtt) -> std::optional<double> {
    std::optional<double> best;
    double best_rtt = 1e18;
    for (int i = 0; i < 15; ++i) {
      std::int64_t a = mono_us();
      auto v = evaluate("performance.timeOrigin + performance.now()");
      std::int64_t b = mono_us();
      if (!v || !v->is_number()) return std::nullopt;
      if (static_cast<double>(b - a) < best_rtt) {
        best_rtt = static_cast<double>(b - a);
        best = v->number * 1000.0 - static_cast<double>(a + b) / 2.0;
      }
    }
    *rtt = best_rtt;
    return best;
  };
  // The officer signs in: the session cookie goes into the browser, then the page is opened
  // with the benchmark's hook added before its scripts.
  const std::string cookie = k.cookie();
  if (cookie.empty()) return fail("the test officer could not sign in");
  const std::string cookie_name = cookie.substr(0, cookie.find('='));
  const std::string cookie_value = cookie.substr(cookie.find('=') + 1);
  std::string hook;
  json::append_quoted(hook, kPageHook);
  if (!call("Network.setCookie", "{\"name\": \"" + cookie_name + "\", \"value\": \"" +
                                     cookie_value + "\", \"url\": \"" + k.url + "\"}") ||
      !call("Page.enable", "{}") ||
      !call("Page.addScriptToEvaluateOnNewDocument", "{\"source\": " + hook + "}") ||
      !call("Page.navigate", "{\"url\": \"" + k.url + "?lang=en\"}"))
    return fail("cannot open the officer's page signed in");
  if (!wait_until([&] {
        auto v = evaluate("document.getElementById('disconnected').hidden");
        return v && v->type == json::Value::Type::kBool && v->boolean;
      }))
    return fail("the officer's page did not connect");
  auto installed = evaluate("Array.isArray(window.__e2e)");
  if (!installed || !installed->boolean) {
    auto why = evaluate("typeof window.__e2e + ' ' + String(window.WebSocket)");
    return fail("cannot watch the officer's page" +
                (why && why->is_string() ? ": " + why->string : ""));
  }
  double rtt0 = 0, rtt1 = 0;
  auto offset0 = calibrate(&rtt0);
  if (!offset0) return fail("cannot read the page's clock");
  const int start_frame = last_frame.load();
  if (start_frame + 1 >= lead)
    return fail("Chromium took longer than the lead-in (" + std::to_string(lead) +
                " frames); raise --lead-frames");

  // The camera: the benchmark clears the session once each code has left the view.
  WsClient control(k.port, "/ws", cookie);
  std::size_t cleared = 0;
  const auto limit = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds((index - start_frame) * 1000 / 10 + 30000);
  while (cleared < shows.size() && std::chrono::steady_clock::now() < limit) {
    std::vector<std::size_t> now_clear;
    {
      std::lock_guard lock(m);
      now_clear.swap(to_clear);
    }
    for (std::size_t i : now_clear) {
      control.send("clear");
      cleared = std::max(cleared, i + 1);
    }
    std::this_thread::sleep_for(2ms);
  }

  // The card: in, its verdict on the page, out, pcscd sees it leave, the officer clears, a pause.
  std::vector<std::int64_t> inserted;
  int card_failures = 0;
  if (card) {
    drivers::PcscCardReader pcsc;
    sim::Rng rng(14);
    auto on_page = [&] {
      auto v = evaluate("window.__e2e.filter((r) => r.channel === 'card' && r.paint).length");
      return v && v->is_number() ? static_cast<std::size_t>(v->number) : 0;
    };
    std::this_thread::sleep_for(300ms);
    control.send("clear");
    for (int i = 0; i < card_count; ++i) {
      if (!sim::wait_no_card(pcsc, 20s)) return fail("pcscd still sees a card after 20 s");
      std::this_thread::sleep_for(std::chrono::microseconds(
          static_cast<std::int64_t>(rng.uniform(100e3, 500e3))));  // the phase against polling
      control.send("clear");
      std::this_thread::sleep_for(50ms);
      inserted.push_back(mono_us());
      card->set_inserted(true);
      if (!wait_until([&] { return on_page() > static_cast<std::size_t>(i - card_failures); }, 5s))
        ++card_failures;
      card->set_inserted(false);
    }
  }

  std::this_thread::sleep_for(300ms);
  auto page = evaluate("JSON.stringify(window.__e2e)");
  auto offset1 = calibrate(&rtt1);
  control.send("clear");
  const std::string metrics = http_get(metrics_port, "/metrics").second;
  browser.signal(SIGTERM);
  browser.wait();
  k.stop();
  if (card) card->stop();
  stop_watcher();

  // The page's records on the monotonic clock (the offset averaged over the two calibrations).
  const double offset = offset1 ? (*offset0 + *offset1) / 2 : *offset0;
  std::vector<PageRecord> records;
  if (page && page->is_string()) {
    auto arr = json::parse(page->string);
    if (arr && arr->is_array())
      for (const auto& r : arr->array) {
        auto str = [&](const json::Value& o, const char* key) {
          const json::Value* x = o.get(key);
          return x && x->is_string() ? x->string : std::string();
        };
        auto num = [&](const json::Value& o, const char* key) {
          const json::Value* x = o.get(key);
          return x && x->is_number() ? x->number : 0.0;
        };
        auto page_us = [&](const char* key) {
          double v = num(r, key);
          return v > 0 ? static_cast<std::int64_t>(v * 1000.0 - offset) : 0;
        };
        PageRecord p;
        p.id = str(r, "id");
        p.channel = str(r, "channel");
        p.document = str(r, "document");
        p.outcome = str(r, "outcome");
        if (const json::Value* t = r.get("timing")) {
          p.captured = static_cast<std::int64_t>(num(*t, "captured_us"));
          p.read_start = static_cast<std::int64_t>(num(*t, "read_start_us"));
          p.read = static_cast<std::int64_t>(num(*t, "read_us"));
          p.received = static_cast<std::int64_t>(num(*t, "received_us"));
          p.verified = static_cast<std::int64_t>(num(*t, "verified_us"));
          p.committed = static_cast<std::int64_t>(num(*t, "committed_us"));
          p.published = static_cast<std::int64_t>(num(*t, "published_us"));
        }
        p.arrived = page_us("arrived");
        p.dom = page_us("dom");
        p.painted = page_us("paint");
        records.push_back(p);
      }
  }
  if (getenv("E2E_DEBUG")) std::cerr << read_text(err_path) << (page ? page->string : "") << "\n";

  // Per presentation: the first record of its channel and document that kioskd received after it
  // began and before the next one began (else the first of its channel: a wrong read). A late
  // second read of the previous code, after the benchmark's clear, is a new entry of the other
  // document and is not taken for this presentation.
  enum { kCapture, kWait, kDecode, kPost, kVerify, kAudit, kBook, kPush, kRender, kPaint, kTotal };
  constexpr int kStages = kTotal + 1;
  struct Row {
    std::vector<double> stage[kStages];
    int missed = 0, wrong = 0;
    std::map<int, int> frame;  // camera: which visible frame (0 = the first) was decoded
  };
  std::map<std::string, Row> rows;
  std::vector<std::string> order = {"E_SSC", "WPNL"};
  auto match = [&](const std::string& channel, const std::string& document, std::int64_t from,
                   std::int64_t to) -> const PageRecord* {
    const PageRecord* other = nullptr;
    for (const auto& r : records)
      if (r.channel == channel && r.received >= from && r.received < to) {
        if (document.empty() || r.document == document) return &r;
        if (!other) other = &r;
      }
    return other;
  };
  // Why a presentation has no complete record, on stderr, so that a failed smoke says what broke.
  auto explain = [&](const std::string& what, std::size_t i, std::int64_t from, std::int64_t to,
                     const PageRecord* r) {
    std::string why = !from          ? "the camera never opened its first frame"
                      : !r           ? "no verdict received by kioskd in its window"
                      : !r->captured ? "the verdict has no capture time"
                      : !r->dom      ? "entry " + r->id + " never reached the page's DOM"
                                     : "entry " + r->id + " was never painted";
    std::cerr << "e2e_latency: " << what << " presentation " << i + 1 << ": " << why << "\n";
    for (const auto& x : records)
      if (x.received >= from && (to == INT64_MAX || x.received < to + 2000000))
        std::cerr << "  entry " << x.id << " " << x.channel << " " << x.document << " " << x.outcome
                  << " received +" << (x.received - from) / 1000 << " ms, dom "
                  << (x.dom ? "yes" : "no") << ", painted " << (x.painted ? "yes" : "no") << "\n";
  };
  auto ms = [](std::int64_t a, std::int64_t b) { return static_cast<double>(b - a) / 1000.0; };
  auto add_row = [&](Row& row, std::int64_t visible, const PageRecord& r) {
    row.stage[kCapture].push_back(ms(visible, r.captured));
    row.stage[kWait].push_back(ms(r.captured, r.read_start));
    row.stage[kDecode].push_back(ms(r.read_start, r.read));
    row.stage[kPost].push_back(ms(r.read, r.received));
    row.stage[kVerify].push_back(ms(r.received, r.verified));
    row.stage[kAudit].push_back(ms(r.verified, r.committed));
    row.stage[kBook].push_back(ms(r.committed, r.published));
    row.stage[kPush].push_back(ms(r.published, r.arrived));
    row.stage[kRender].push_back(ms(r.arrived, r.dom));
    row.stage[kPaint].push_back(ms(r.dom, r.painted));
    row.stage[kTotal].push_back(ms(visible, r.painted));
  };
  for (std::size_t i = 0; i < shows.size(); ++i) {
    Row& row = rows[show_doc[i]];
    const auto& p = shows[i];
    std::int64_t to =
        i + 1 < shows.size() && shows[i + 1].visible ? shows[i + 1].visible : INT64_MAX;
    const PageRecord* r = p.visible ? match("camera", show_doc[i], p.visible, to) : nullptr;
    if (!r || !r->captured || !r->dom || !r->painted) {
      explain(show_doc[i], i, p.visible, to, r);
      ++row.missed;
      continue;
    }
    if (r->outcome != "ACCEPT" || r->document != show_doc[i]) ++row.wrong;
    add_row(row, p.visible, *r);
    // Frames come every 33.3 ms; a frame's file is opened about a millisecond before delivery.
    ++row.frame[static_cast<int>(static_cast<double>(r->captured - p.visible) / 33333.0 + 0.3)];
  }
  std::string card_doc = "card";  // the document the card holds, as the page names it
  for (const auto& r : records)
    if (r.channel == "card" && !r.document.empty()) card_doc = r.document;
  for (std::size_t i = 0; i < inserted.size(); ++i) {
    std::int64_t to = i + 1 < inserted.size() ? inserted[i + 1] : INT64_MAX;
    const PageRecord* r = match("card", "", inserted[i], to);
    Row& row = rows[card_doc];
    if (!r || !r->captured || !r->dom || !r->painted) {
      explain(card_doc, i, inserted[i], to, r);
      ++row.missed;
      continue;
    }
    if (r->outcome != "ACCEPT") ++row.wrong;
    add_row(row, inserted[i], *r);
  }
  if (card) order.push_back(card_doc);

  std::printf(
      "e2e_latency: camera sim:folder 1280x720 @ 30 fps and a virtual card (pcscd + vpcd) into "
      "kioskd-demo, officer page in headless Chromium; %d presentations of each document (%d "
      "frames shown, %d between), %d of the card\n",
      count, show, gap, card_count);
  if (last_open > first_open)
    std::printf(
        "camera: %d frames opened in %.1f s: %.1f fps achieved\n", opened.load(),
        static_cast<double>(last_open - first_open) / 1e6,
        static_cast<double>(opened.load() - 1) * 1e6 / static_cast<double>(last_open - first_open));
  std::printf(
      "camera worker (kioskd's metrics): %.0f frames scanned, %.0f skipped while it was "
      "busy, %.0f means of still frames scanned after a frame's own scan\n",
      metric_value(metrics, "kiosk_camera_frames_total"),
      metric_value(metrics, "kiosk_camera_frames_skipped_total"),
      metric_value(metrics, "kiosk_camera_frames_fused_total"));
  std::printf(
      "page clock: mapped with round trips of %.2f / %.2f ms (drift %.2f ms over the run)\n",
      rtt0 / 1000.0, rtt1 / 1000.0, offset1 ? (*offset1 - *offset0) / 1000.0 : 0.0);
  std::printf("%-8s %-44s %4s %8s %8s %8s\n", "doc", "stage", "n", "p50 ms", "p95 ms", "max ms");
  const char* camera_names[kStages] = {"capture (visible -> frame delivered)",
                                       "wait (decoder busy with an older frame)",
                                       "decode (scan)",
                                       "post (to the event loop)",
                                       "verify",
                                       "audit commit (writer thread, day counts)",
                                       "back to the loop + replay check",
                                       "push (WebSocket to the page)",
                                       "render (officer.js into the DOM)",
                                       "paint (next animation frame)",
                                       "TOTAL visible -> painted"};
  const char* card_names[kStages] = {"detect (inserted -> pcscd/kioskd see it)",
                                     "connect (SCardConnect)",
                                     "read (APDUs, card signature)",
                                     camera_names[kPost],
                                     camera_names[kVerify],
                                     camera_names[kAudit],
                                     camera_names[kBook],
                                     camera_names[kPush],
                                     camera_names[kRender],
                                     camera_names[kPaint],
                                     "TOTAL inserted -> painted"};
  bool all = true;
  for (const auto& doc : order) {
    const Row& r = rows[doc];
    const char** names = doc == card_doc && card ? card_names : camera_names;
    for (int s = 0; s < kStages; ++s) {
      const auto& v = r.stage[s];
      std::printf("%-8s %-44s %4zu %8.1f %8.1f %8.1f\n", doc.c_str(), names[s], v.size(),
                  percentile(v, 0.5), percentile(v, 0.95),
                  v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
    }
    std::printf("%-8s missed %d (no verdict on the page in time), not ACCEPT %d\n", doc.c_str(),
                r.missed, r.wrong);
    if (!r.frame.empty()) {
      std::printf("%-8s decoded from visible frame (1 = the first):", doc.c_str());
      for (const auto& [f, n] : r.frame)
        std::printf(" #%d x%d", f + 1, n);
      std::printf("\n");
    }
    all = all && !r.stage[kTotal].empty() && (!strict || (r.missed == 0 && r.wrong == 0));
  }
  return all ? 0 : 1;
}
