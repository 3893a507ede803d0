#include "firmware/kioskd-demo/demo_devices.h"

#include <boost/asio/steady_timer.hpp>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "app/crypto.h"
#include "drivers/camera/capture_camera.h"
#include "firmware/kioskd-demo/demo.h"
#include "sim/issuer/issuer.h"
#include "sim/issuer/keys_dir.h"
#include "sim/rng.h"
#include "sim/scanner/pty_serial_sim.h"
#include "sim/scene/scene.h"
#include "sim/vcard/vcard_reader.h"

namespace kiosk::kioskd {
namespace fs = std::filesystem;
namespace {

constexpr std::int64_t kShowMs = 3500;       // how long a document stays in front of the camera
constexpr std::int64_t kGapMs = 7000;        // between presentations (the session times out at 6 s)
constexpr std::int64_t kReadWaitMs = 60000;  // how long a step waits past kShowMs to be read
constexpr std::int64_t kRedrawSeconds = 60;  // the e-card app redraws its QR this often

std::int64_t now_s() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

/// What the simulated camera sees: a carrier showing a text, or the empty counter.
struct Screen {
  std::mutex m;
  sim::scene::Carrier carrier = sim::scene::Carrier::kPhoneLight;
  std::string text;
  std::uint64_t version = 0;
  void show(sim::scene::Carrier c, std::string t) {
    std::lock_guard lock(m);
    carrier = c;
    text = std::move(t);
    ++version;
  }
};

/// A FrameSource rendering the screen with sim/scene at 1280x720 (re-rendered when it changes).
class SceneFrames final : public drivers::FrameSource {
 public:
  explicit SceneFrames(std::shared_ptr<Screen> screen) : screen_(std::move(screen)) {}
  Result<drivers::Started, drivers::CameraFault> open() override { return drivers::Started{}; }
  Result<cv::Mat, drivers::CameraFault> grab(std::chrono::milliseconds) override {
    sim::scene::SceneSpec spec;
    std::uint64_t v = 0;
    {
      std::lock_guard lock(screen_->m);
      spec.carrier = screen_->carrier;
      spec.text = screen_->text;
      v = screen_->version;
    }
    if (frame_.empty() || v != rendered_) {
      spec.empty_counter = spec.text.empty();
      sim::Rng rng(v + 1);
      frame_ = sim::scene::render_scene(spec, rng).frame;
      rendered_ = v;
    }
    return frame_;
  }
  void close() override {}

 private:
  std::shared_ptr<Screen> screen_;
  cv::Mat frame_;
  std::uint64_t rendered_ = 0;
};

}  // namespace

struct DemoDevices::Impl {
  Impl(boost::asio::io_context& i) : ioc(i), timer(i), pump_timer(i) {}
  boost::asio::io_context& ioc;
  bool loop = true;
  std::shared_ptr<Screen> screen = std::make_shared<Screen>();
  std::unique_ptr<sim::PtySerialSim> pty;
  sim::VcardReader* reader = nullptr;  ///< owned by the kiosk's CardSource once made
  boost::asio::steady_timer timer, pump_timer;
  struct Step {
    std::string what;
    std::function<void()> act;   // presents
    std::function<void()> undo;  // takes it away (after kShowMs)
  };
  std::vector<Step> steps;
  std::size_t next = 0;
  bool stopped = false;
  Step* shown = nullptr;    ///< the step in front of the devices now, if any
  bool shown_long = false;  ///< it has been there its kShowMs
  bool shown_read = false;  ///< the kiosk has made a verdict since it was presented

  /// Takes the shown step away and schedules the next one.
  void take_away() {
    Step* s = std::exchange(shown, nullptr);
    s->undo();
    schedule(kGapMs - kShowMs);
  }

  /// A verdict (on the event loop): the step goes once it has also been shown its kShowMs.
  void read() {
    shown_read = true;
    if (shown && shown_long) take_away();
  }

  void schedule(std::int64_t ms) {
    timer.expires_after(std::chrono::milliseconds(ms));
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      if (next >= steps.size()) {
        if (!loop) return;
        next = 0;
      }
      shown = &steps[next++];
      shown_long = shown_read = false;
      shown->act();
      timer.expires_after(std::chrono::milliseconds(kShowMs));
      timer.async_wait([this](const boost::system::error_code& ec2) {
        if (ec2 || stopped || !shown) return;
        shown_long = true;
        if (shown_read) return take_away();
        // Not read yet: stay until the kiosk reads it (read()), at most kReadWaitMs more.
        timer.expires_after(std::chrono::milliseconds(kReadWaitMs));
        timer.async_wait([this](const boost::system::error_code& ec3) {
          if (!ec3 && !stopped && shown) take_away();
        });
      });
    });
  }

  void pump() {
    if (!pty || pty->pump() == 0) return;
    pump_timer.expires_after(std::chrono::milliseconds(50));
    pump_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopped) pump();
    });
  }
};

Result<LiveDemoSetup, std::string> prepare_live_demo(const Config& base,
                                                     const std::string& data_dir,
                                                     std::uint64_t seed) {
  std::string dir = data_dir;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "kioskd-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return Unexpected{tmpl + ": cannot create a demo directory"};
    dir = tmpl;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto pki = sim::make_test_pki(seed, now_s());
  if (auto w = sim::write_keys_dir(pki, dir + "/pki"); !w) return Unexpected{w.error()};
  auto d = prepare_demo(base, dir + "/pki", dir);
  if (!d) return Unexpected{d.error()};
  LiveDemoSetup out{std::move(d->config), d->package_dir};
  out.config.clock = ClockSource::kSystem;
  out.config.devices.feed.clear();
  out.config.devices.feed_loop = false;
  // The devices, by configuration: the counter's simulated camera and reader, and the real
  // serial driver on the simulated scanner's pty.
  out.config.devices.camera = "sim:counter";
  out.config.devices.camera_deadline_ms = 200;
  out.config.devices.scanner = dir + "/scanner.tty";
  out.config.devices.reader = "sim:counter";
  for (const char* k : {"devices.camera", "devices.camera_deadline_ms", "devices.scanner",
                        "devices.reader", "devices.feed", "clock.source"})
    out.config.origin[k] = "kioskd-demo";
  // The kiosk stands in Shanghai's Pudong district (the issuer's default city).
  sim::IssueRequest req;
  req.now = now_s();
  if (auto v = sim::issue(pki, req); v && !v->jurisdiction.empty())
    out.config.jurisdiction = v->jurisdiction;
  return out;
}

DemoDevices::DemoDevices(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoDevices::~DemoDevices() {
  stop();
}

Result<std::unique_ptr<DemoDevices>, std::string> DemoDevices::create(boost::asio::io_context& ioc,
                                                                      const std::string& data_dir,
                                                                      bool loop) {
  auto pki = sim::load_keys_dir(data_dir + "/pki");
  if (!pki) return Unexpected{pki.error()};
  auto impl = std::make_unique<Impl>(ioc);
  impl->loop = loop;
  const std::int64_t now = now_s();
  auto make = [&](sim::DocKind doc, const char* variant,
                  std::uint64_t seed) -> Result<sim::Issued, std::string> {
    sim::IssueRequest r;
    r.doc = doc;
    r.variant = variant;
    r.now = now;
    r.seed = seed;
    auto i = sim::issue(*pki, r);
    if (!i) return Unexpected{std::string(sim::name(doc)) + " " + variant + ": " + i.error()};
    return i;
  };
  using sim::DocKind;
  using C = sim::scene::Carrier;
  auto ecard = make(DocKind::kEcard, "valid", 11);
  auto wpnl = make(DocKind::kWpnl, "valid", 12);
  auto wpcard = make(DocKind::kWpcard, "valid", 13);
  auto chip = make(DocKind::kChip, "valid", 14);
  auto forged = make(DocKind::kWpnl, "tampered", 15);
  auto revoked = make(DocKind::kWpnl, "revoked", 16);
  auto elsewhere = make(DocKind::kWpnl, "jurisdiction-mismatch", 17);
  auto clone = make(DocKind::kChip, "clone", 18);
  for (auto* r : {&ecard, &wpnl, &wpcard, &chip, &forged, &revoked, &elsewhere, &clone})
    if (!*r) return Unexpected{r->error()};

  // The simulated scanner's pty, read by kioskd's serial driver (`scanner = DATA/scanner.tty`).
  auto pty = sim::PtySerialSim::create(data_dir + "/scanner.tty");
  if (!pty) return Unexpected{"simulated scanner: " + pty.error()};
  impl->pty = std::move(*pty);

  Impl* p = impl.get();
  auto camera_step = [p](std::string what, C carrier, std::function<std::string()> text) {
    return Impl::Step{std::move(what), [p, carrier, text] { p->screen->show(carrier, text()); },
                      [p] { p->screen->show(C::kPhoneLight, ""); }};
  };
  auto live = [](sim::Issued is, std::int64_t back) {
    return [is = std::move(is), back] {
      // The phone draws a fresh presentation now; the app redraws it every 60 s, so a code is
      // at most a minute old when shown (`back` > 0: a screenshot taken that long ago).
      std::int64_t t = now_s();
      t -= t % kRedrawSeconds;
      Bytes nonce = random_bytes(16);
      return sim::present(is, t - back, nonce);
    };
  };
  auto fixed = [](std::string text) { return [text] { return text; }; };
  auto card_step = [p](std::string what, const sim::Issued& is) {
    sim::VcardConfig vc;
    vc.ef = is.card->ef();
    vc.holder_seed = is.card->key_seed();
    vc.holder_alg = is.card->alg();
    return Impl::Step{std::move(what),
                      [p, vc] {
                        if (p->reader) p->reader->insert(vc);
                      },
                      [p] {
                        if (p->reader) p->reader->remove();
                      }};
  };
  auto& st = impl->steps;
  st.push_back(camera_step("e-card on a phone (live)", C::kPhoneLight, live(*ecard, 0)));
  st.push_back(camera_step("WPNL on paper", C::kLetter, fixed(wpnl->qr)));
  st.push_back(Impl::Step{"legacy WP card through the serial scanner",
                          [p, t = wpcard->qr] {
                            p->pty->send_line(t, "\r");
                            p->pump();
                          },
                          [] {}});
  st.push_back(card_step("social security card chip", *chip));
  st.push_back(camera_step("stale e-card screenshot", C::kPhoneDark, live(*ecard, 600)));
  st.push_back(camera_step("forged letter", C::kLetter, fixed(forged->qr)));
  st.push_back(camera_step("revoked letter", C::kLetter, fixed(revoked->qr)));
  st.push_back(camera_step("another city's letter", C::kLetter, fixed(elsewhere->qr)));
  st.push_back(card_step("cloned chip", *clone));
  return std::unique_ptr<DemoDevices>(new DemoDevices(std::move(impl)));
}

void DemoDevices::register_devices(DeviceRegistry& r) {
  Impl* p = impl_.get();
  r.add_camera("sim:counter",
               [p](const std::string&,
                   const DeviceConfig&) -> Result<std::unique_ptr<drivers::Camera>, std::string> {
                 drivers::CaptureSettings cs;
                 cs.fps = 10;
                 return std::unique_ptr<drivers::Camera>(std::make_unique<drivers::CaptureCamera>(
                     std::make_unique<SceneFrames>(p->screen), cs));
               });
  r.add_reader(
      "sim:counter",
      [p](const std::string&,
          const DeviceConfig&) -> Result<std::unique_ptr<drivers::CardReader>, std::string> {
        if (p->reader) return Unexpected{std::string("the counter has one virtual card reader")};
        auto reader = std::make_unique<sim::VcardReader>("Demo Virtual Reader 00 00");
        p->reader = reader.get();
        return std::unique_ptr<drivers::CardReader>(std::move(reader));
      });
}

void DemoDevices::start() {
  impl_->schedule(2000);
}

void DemoDevices::verdict_seen() {
  impl_->read();
}

void DemoDevices::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->timer.cancel();
  impl_->pump_timer.cancel();
}

}  // namespace kiosk::kioskd
