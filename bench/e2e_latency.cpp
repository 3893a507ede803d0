// End to end: a simulated 720p/30 fps camera into kioskd, to the verdict on the officer's page in
// a real headless Chromium.
//
//   e2e_latency [--count N] [--show-frames F] [--gap-frames G] [--lead-frames L]
//
// The camera is kioskd-demo's `sim:folder:DIR` at camera_fps = 30 (1280x720 frames rendered by
// sim/scene), chosen by configuration like any camera: L frames of the empty counter (Chromium
// starts meanwhile), then N presentations of each document, e-card on a phone and WPNL on paper
// in turn, each shown for F frames and followed by G frames of the empty counter. The vectors'
// trust package and a fixed clock make every presentation ACCEPT. Between two presentations
// (once the code has left the camera) the benchmark clears the session over /ws, as the officer
// does, so that the next one is a new verdict.
//
// Timestamps (all on the system clock of this machine, in microseconds):
//   visible  the simulated camera opens the first frame that shows the code (inotify IN_OPEN on
//            the frames' folder: the frame is being captured);
//   logged   kioskd's "verdict" line appears on its stderr (after decode, verify and the audit
//            commit: kioskd logs after the record is written);
//   pushed   the state with the new entry arrives on this benchmark's own /ws connection;
//   dom      the officer's page (officer.js, in Chromium) has put the verdict in its DOM
//            (a MutationObserver, performance.timeOrigin + performance.now());
//   painted  the next animation frame after that (requestAnimationFrame): the verdict is drawn.
// Stages printed: capture+decode+verify+audit (visible -> logged), push (logged -> pushed),
// render (pushed -> dom), paint (dom -> painted), and the total visible -> painted; p50, p95 and
// max per document. Decode and verify alone are measured by scan_latency and verify_bench.
//
// Needs chromium (toolchain/install-deps.sh --with-browser) and the kioskd-demo and kioskctl
// targets built. Not a test: it prints figures (exit 1 only when something did not run).
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

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/json.h"
#include "sim/rng.h"
#include "sim/scene/scene.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::size_t entries_in(const json::Value& s) {
  const json::Value* session = s.get("session");
  const json::Value* entries = session ? session->get("entries") : nullptr;
  return entries && entries->is_array() ? entries->array.size() : 0;
}

struct Presentation {
  std::string doc;          // "E_SSC" or "WPNL"
  std::string first_frame;  // the frame file where the code first shows
  std::string clear_frame;  // the frame file at which the benchmark clears the session
  std::int64_t visible = 0;
};

struct Stamp {
  std::int64_t t = 0;
  std::string what;
};

/// The first stamp in [from, to), or nullopt.
std::optional<Stamp> first_in(const std::vector<Stamp>& v, std::int64_t from, std::int64_t to) {
  for (const auto& s : v)
    if (s.t >= from && s.t < to) return s;
  return std::nullopt;
}

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

}  // namespace

int main(int argc, char** argv) {
  const int count = arg_int(argc, argv, "--count", 50, 1, 1000);
  const int show = arg_int(argc, argv, "--show-frames", 12, 2, 300);
  const int gap = arg_int(argc, argv, "--gap-frames", 24, 8, 3000);
  const int lead = arg_int(argc, argv, "--lead-frames", 600, 30, 30000);
  if (chromium().empty()) {
    std::cerr << "e2e_latency: chromium is not installed (toolchain/install-deps.sh "
                 "--with-browser)\n";
    return 1;
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
  for (int i = 0; i < lead; ++i)
    add("empty");
  for (int i = 0; i < 2 * count; ++i) {
    Presentation p;
    p.doc = i % 2 ? "WPNL" : "E_SSC";
    p.first_frame = add(p.doc);
    for (int f = 1; f < show; ++f)
      add(p.doc);
    for (int f = 0; f < gap; ++f) {
      std::string n = add("empty");
      if (f == gap / 2) p.clear_frame = n;
    }
    shows.push_back(p);
  }

  // Watch the frames being opened and kioskd's stderr being written, before kioskd starts.
  int ino = inotify_init1(IN_CLOEXEC);
  const std::string err_path = dir.path + "/kioskd.err";
  { std::ofstream(err_path).flush(); }
  if (ino < 0 || inotify_add_watch(ino, frames.c_str(), IN_OPEN) < 0 ||
      inotify_add_watch(ino, err_path.c_str(), IN_MODIFY) < 0) {
    std::cerr << "e2e_latency: inotify failed\n";
    return 1;
  }
  std::map<std::string, std::size_t> by_first, by_clear;
  for (std::size_t i = 0; i < shows.size(); ++i) {
    by_first[shows[i].first_frame] = i;
    by_clear[shows[i].clear_frame] = i;
  }
  std::mutex m;
  std::vector<Stamp> logged, pushed;
  std::vector<std::size_t> to_clear;
  std::atomic<bool> done{false};
  std::atomic<int> last_frame{-1};
  std::atomic<std::int64_t> first_open{0}, last_open{0};
  std::thread watcher([&] {
    std::ifstream err(err_path);
    std::string pending;
    alignas(inotify_event) char buf[8192];
    while (!done) {
      ssize_t n = ::read(ino, buf, sizeof buf);
      std::int64_t t = now_us();
      if (n <= 0) continue;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + ev->len;
        if (ev->mask & IN_OPEN && ev->len) {
          std::string name(ev->name);
          last_frame = std::atoi(name.c_str());
          if (!first_open) first_open = t;
          last_open = t;
          std::lock_guard lock(m);
          if (auto it = by_first.find(name); it != by_first.end() && !shows[it->second].visible)
            shows[it->second].visible = t;
          if (auto it = by_clear.find(name); it != by_clear.end()) to_clear.push_back(it->second);
        } else if (ev->mask & IN_MODIFY) {
          err.clear();
          std::string line;
          char c;
          while (err.get(c)) {
            if (c != '\n') {
              pending += c;
              continue;
            }
            if (pending.find("kioskd: verdict camera") == 0) {
              std::lock_guard lock(m);
              logged.push_back({t, pending});
            }
            pending.clear();
          }
        }
      }
    }
  });

  ProcessOptions opt;
  opt.stderr_file = err_path;
  Kioskd k(dir.path,
           base_config(dir.path, "[devices]\ncamera = sim:folder:" + frames +
                                     "\ncamera_fps = 30\ncamera_width = 1280\n"
                                     "camera_height = 720\n"),
           {"--no-demo"}, opt, kioskd_demo_path());
  auto fail = [&](const std::string& why) {
    std::cerr << "e2e_latency: " << why << "\n";
    done = true;
    k.stop();
    watcher.join();
    return 1;
  };
  if (!k.ready) return fail("kioskd-demo did not start (see " + err_path + ")");

  // The officer's page in Chromium, watched over the DevTools protocol.
  TempDir profile("e2e-chromium");
  std::uint16_t devtools = free_port();
  Process browser(
      {chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + profile.path,
       "--remote-debugging-port=" + std::to_string(devtools), "--remote-allow-origins=*",
       "about:blank"},
      ProcessOptions{{}, dir.path + "/chromium.out", dir.path + "/chromium.err", std::nullopt});
  std::string page_path = devtools_page(devtools, "about:blank");
  if (page_path.empty()) return fail("Chromium's page did not appear");
  WsClient cdp(devtools, page_path);
  int id = 0;
  auto evaluate = [&](const std::string& js) -> std::optional<json::Value> {
    int my = ++id;
    std::string expr;
    json::append_quoted(expr, js);
    if (!cdp.send("{\"id\": " + std::to_string(my) +
                  ", \"method\": \"Runtime.evaluate\", \"params\": {\"expression\": " + expr +
                  ", \"returnByValue\": true}}"))
      return std::nullopt;
    auto r = cdp.read_until([&](const json::Value& msg) {
      const json::Value* i = msg.get("id");
      return i && i->number == my;
    });
    const json::Value* res = r ? r->get("result") : nullptr;
    const json::Value* inner = res ? res->get("result") : nullptr;
    const json::Value* value = inner ? inner->get("value") : nullptr;
    if (!value) return std::nullopt;
    return *value;
  };
  // The officer signs in: the session cookie goes into the browser, then the page is opened.
  const std::string cookie = k.cookie();
  if (cookie.empty()) return fail("the test officer could not sign in");
  const std::string cookie_name = cookie.substr(0, cookie.find('='));
  const std::string cookie_value = cookie.substr(cookie.find('=') + 1);
  auto command = [&](const std::string& method, const std::string& params) {
    int my = ++id;
    if (!cdp.send("{\"id\": " + std::to_string(my) + ", \"method\": \"" + method +
                  "\", \"params\": " + params + "}"))
      return false;
    return cdp
        .read_until([&](const json::Value& msg) {
          const json::Value* i = msg.get("id");
          return i && i->number == my;
        })
        .has_value();
  };
  if (!command("Network.setCookie", "{\"name\": \"" + cookie_name + "\", \"value\": \"" +
                                        cookie_value + "\", \"url\": \"" + k.url + "\"}") ||
      !command("Page.navigate", "{\"url\": \"" + k.url + "?lang=en\"}"))
    return fail("cannot open the officer's page signed in");
  if (!wait_until([&] {
        auto v = evaluate("document.getElementById('disconnected').hidden");
        return v && v->type == json::Value::Type::kBool && v->boolean;
      }))
    return fail("the officer's page did not connect");
  // In the page: each time the verdict banner goes from idle to an outcome, the time it entered
  // the DOM and the time of the next animation frame.
  auto installed = evaluate(R"JS(
    (() => {
      window.__e2e = [];
      let shown = '';
      const now = () => performance.timeOrigin + performance.now();
      new MutationObserver(() => {
        const v = document.getElementById('verdict');
        const o = v ? v.getAttribute('data-outcome') || '' : '';
        if (o && !shown) {
          const r = {dom: now(), paint: 0, outcome: o, doc: v.getAttribute('data-document') || ''};
          window.__e2e.push(r);
          requestAnimationFrame(() => { r.paint = now(); });
        }
        shown = o;
      }).observe(document.body, {subtree: true, childList: true, attributes: true});
      return true;
    })()
  )JS");
  if (!installed) return fail("cannot watch the officer's page");
  const int start_frame = last_frame.load();
  if (start_frame + 1 >= lead)
    return fail("Chromium took longer than the lead-in (" + std::to_string(lead) +
                " frames); raise --lead-frames");

  // The benchmark's own /ws connections: one listens, one clears.
  WsClient listen(k.port, "/ws", cookie), control(k.port, "/ws", cookie);
  std::thread listener([&] {
    std::size_t before = 0;
    // Stamped as each state is read; ends at the first state after `done` (the last clear).
    listen.read_until(
        [&](const json::Value& v) {
          std::int64_t t = now_us();
          std::size_t n = entries_in(v);
          if (n > before) {
            std::lock_guard lock(m);
            pushed.push_back({t, ""});
          }
          before = n;
          return done.load();
        },
        std::chrono::hours(2));
  });
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
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto page = evaluate("JSON.stringify(window.__e2e)");
  done = true;
  control.send("clear");
  listener.join();
  browser.signal(SIGTERM);
  browser.wait();
  k.stop();
  ::close(ino);
  watcher.join();
  std::vector<Stamp> dom, painted;
  std::vector<std::string> page_docs, page_outcomes;
  if (page && page->is_string()) {
    auto arr = json::parse(page->string);
    if (arr && arr->is_array())
      for (const auto& r : arr->array) {
        auto us = [&](const char* key) {
          const json::Value* x = r.get(key);
          return x && x->is_number() ? static_cast<std::int64_t>(x->number * 1000.0) : 0;
        };
        const json::Value* d = r.get("doc");
        const json::Value* o = r.get("outcome");
        dom.push_back({us("dom"), (d ? d->string : "") + " " + (o ? o->string : "")});
        painted.push_back({us("paint"), dom.back().what});
      }
  }

  {
    std::size_t seen = 0;
    for (const auto& p : shows)
      seen += p.visible != 0;
    std::fprintf(stderr,
                 "e2e_latency: stamps: %zu of %zu presentations seen by the camera, %zu verdicts "
                 "logged, %zu pushed, %zu on the page\n",
                 seen, shows.size(), logged.size(), pushed.size(), dom.size());
    if (getenv("E2E_DEBUG")) std::cerr << read_text(err_path) << (page ? page->string : "") << "\n";
  }
  // Per presentation: the stamps between its first visible frame and the next presentation's.
  struct Row {
    std::vector<double> stage[5];
  };
  std::map<std::string, Row> rows;
  std::map<std::string, int> missed, wrong;
  for (std::size_t i = 0; i < shows.size(); ++i) {
    const auto& p = shows[i];
    if (!p.visible) {
      ++missed[p.doc];
      continue;
    }
    std::int64_t to =
        i + 1 < shows.size() && shows[i + 1].visible ? shows[i + 1].visible : INT64_MAX;
    auto l = first_in(logged, p.visible, to);
    auto w = first_in(pushed, p.visible, to);
    auto d = first_in(dom, p.visible, to);
    auto q = first_in(painted, p.visible, to);
    if (!l || !w || !d || !q || q->t == 0) {
      ++missed[p.doc];
      continue;
    }
    if (d->what != p.doc + " ACCEPT") ++wrong[p.doc];
    auto ms = [](std::int64_t a, std::int64_t b) { return static_cast<double>(b - a) / 1000.0; };
    Row& r = rows[p.doc];
    r.stage[0].push_back(ms(p.visible, l->t));
    r.stage[1].push_back(ms(l->t, w->t));
    r.stage[2].push_back(ms(w->t, d->t));
    r.stage[3].push_back(ms(d->t, q->t));
    r.stage[4].push_back(ms(p.visible, q->t));
  }
  std::printf(
      "e2e_latency: camera sim:folder 1280x720 @ 30 fps into kioskd-demo, officer page in "
      "headless Chromium; %d presentations of each document (%d frames shown, %d "
      "between)\n",
      count, show, gap);
  if (last_open > first_open)
    std::printf(
        "camera: %d frames opened in %.1f s: %.1f fps achieved\n", last_frame.load() + 1,
        static_cast<double>(last_open - first_open) / 1e6,
        static_cast<double>(last_frame.load()) * 1e6 / static_cast<double>(last_open - first_open));
  std::printf("%-6s %-34s %5s %9s %9s %9s\n", "doc", "stage", "n", "p50 ms", "p95 ms", "max ms");
  const char* names[5] = {"visible->logged (cap+dec+ver+aud)", "logged->pushed (push)",
                          "pushed->dom (page render)", "dom->painted (paint)",
                          "TOTAL visible->painted"};
  for (const char* doc : {"E_SSC", "WPNL"}) {
    const Row& r = rows[doc];
    for (int s = 0; s < 5; ++s) {
      const auto& v = r.stage[s];
      std::printf("%-6s %-34s %5zu %9.1f %9.1f %9.1f\n", doc, names[s], v.size(),
                  percentile(v, 0.5), percentile(v, 0.95),
                  v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
    }
    std::printf("%-6s missed %d (not shown before the time limit, or no verdict), not ACCEPT %d\n",
                doc, missed[doc], wrong[doc]);
  }
  return rows["E_SSC"].stage[4].empty() || rows["WPNL"].stage[4].empty() ? 1 : 0;
}
