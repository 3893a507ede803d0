// kioskd: the counter kiosk's daemon. See docs/kioskd-config.md.
//
//   kioskd --config FILE [--check-config] [--ready-file FILE]
//   kioskd --demo [--keys DIR] [--data DIR] [--port N] [--listen ADDR] [--config FILE]
//                 [--feed FILE] [--no-loop] [--ready-file FILE]
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/crypto.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/demo.h"
#include "firmware/kioskd/demo_devices.h"
#include "firmware/kioskd/kiosk.h"

namespace {

using namespace kiosk::kioskd;

constexpr const char* kUsage =
    "usage: kioskd --config FILE [--check-config] [--ready-file FILE]\n"
    "       kioskd --demo [--keys DIR] [--data DIR] [--port N] [--listen ADDR] [--config FILE]\n"
    "                     [--feed FILE] [--no-loop] [--ready-file FILE]\n"
    "       kioskd --demo-vectors ... (the conformance vectors' feed instead of simulated "
    "devices)\n";

int usage(const std::string& message) {
  std::cerr << "kioskd: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskd: libsodium cannot initialise\n";
    return 1;
  }
  std::map<std::string, std::string> opt;
  std::vector<std::string> flags;
  const std::vector<std::string> with_value = {"--config", "--keys",       "--data", "--port",
                                               "--listen", "--ready-file", "--feed"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--demo" || a == "--demo-vectors" || a == "--check-config" || a == "--no-loop") {
      flags.push_back(a);
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
      if (i + 1 >= argc) return usage(a + " needs a value");
      opt[a] = argv[++i];
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  auto has = [&](const char* f) { return std::find(flags.begin(), flags.end(), f) != flags.end(); };
  bool demo = has("--demo") || has("--demo-vectors");
  // The live demo: a kiosk-sim PKI and simulated devices behind the real drivers. A feed, a key
  // directory or --demo-vectors selects the conformance vectors' feed demo instead.
  bool live_demo = demo && !has("--demo-vectors") && !opt.count("--feed") && !opt.count("--keys");
  if (!demo && !opt.count("--config")) return usage("needs --config FILE or --demo");

  Config config;
  std::string config_name = "(defaults)";
  if (opt.count("--config")) {
    config_name = opt["--config"];
    auto c = load_config(config_name);
    if (!c) {
      std::cerr << "kioskd: " << c.error().message() << "\n";
      return 2;
    }
    config = std::move(*c);
  }
  if (opt.count("--port")) {
    int port = -1;
    const std::string& p = opt["--port"];
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port < 0 || port > 65535)
      return usage("--port needs 0..65535");
    config.port = static_cast<std::uint16_t>(port);
  }
  if (opt.count("--listen")) config.listen = opt["--listen"];

  KioskOptions options;
  // Either demo brings its own configuration and a trust package to install at start-up.
  auto adopt_demo = [&](auto setup) {
    if (!setup) {
      std::cerr << "kioskd: demo: " << setup.error() << "\n";
      return false;
    }
    config = std::move(setup->config);
    options.initial_package = setup->package_dir;
    options.echo_verdicts = true;
    return true;
  };
  if (live_demo) {
    if (!adopt_demo(prepare_live_demo(config, opt.count("--data") ? opt["--data"] : ""))) return 1;
    std::cerr << "kioskd: demo data directory " << config.data_dir << "\n";
  } else if (demo) {
    if (!adopt_demo(prepare_demo(config, opt.count("--keys") ? opt["--keys"] : "",
                                 opt.count("--data") ? opt["--data"] : "")))
      return 1;
    if (opt.count("--feed")) config.devices.feed = opt["--feed"];
    if (has("--no-loop")) config.devices.feed_loop = false;
    std::cerr << "kioskd: demo data directory " << config.data_dir << "\n";
  } else {
    if (opt.count("--data")) config.data_dir = opt["--data"];
    if (opt.count("--feed")) config.devices.feed = opt["--feed"];
    if (auto e = check_complete(config, config_name)) {
      std::cerr << "kioskd: " << e->message() << "\n";
      return 2;
    }
  }
  if (has("--check-config")) {
    std::cout << config_name << ": ok\n";
    return 0;
  }

  boost::asio::io_context ioc(1);
  auto kiosk = Kiosk::create(ioc, config, options);
  if (!kiosk) {
    std::cerr << "kioskd: " << kiosk.error() << "\n";
    return 1;
  }
  auto ep = (*kiosk)->start();
  if (!ep) {
    std::cerr << "kioskd: " << ep.error() << "\n";
    return 1;
  }
  std::string host =
      ep->address().is_v6() ? "[" + ep->address().to_string() + "]" : ep->address().to_string();
  std::string url = std::string((*kiosk)->config().console.tls() ? "https://" : "http://") + host +
                    ":" + std::to_string(ep->port()) + "/";
  std::cerr << "kioskd: serving the officer's screen at " << url << "\n";
  if (demo)
    std::cout << "officer screen: " << url << "\nself-service screen: " << url << "self"
              << std::endl;
  std::unique_ptr<DemoDevices> devices;
  if (live_demo) {
    auto d = DemoDevices::create(ioc, config.data_dir, !has("--no-loop"));
    if (!d) {
      std::cerr << "kioskd: demo devices: " << d.error() << "\n";
      return 1;
    }
    devices = std::move(*d);
    Kiosk* k = kiosk->get();
    devices->start([k](Channel c, std::string text) { k->on_qr(c, text); },
                   [k](kiosk::ChipInput in) { k->on_chip(in); },
                   [k](const DeviceStatus& st) { k->on_status(st); });
    std::cout << "demo: a live e-card and a WPNL to the simulated camera, a legacy card to the "
                 "simulated serial scanner, a chip to the virtual card, then the common failures"
              << std::endl;
  }
  std::string self_url;
  if (auto self = (*kiosk)->self_endpoint()) {
    std::string a = self->address().to_string();
    self_url = "http://" + (self->address().is_v6() ? "[" + a + "]" : a) + ":" +
               std::to_string(self->port()) + "/";
    std::cerr << "kioskd: serving the self-service screen at " << self_url << "\n";
  }
  if (opt.count("--ready-file")) {
    std::string tmp = opt["--ready-file"] + ".tmp";
    std::ofstream(tmp) << url << "\n" << self_url << (self_url.empty() ? "" : "\n");
    std::rename(tmp.c_str(), opt["--ready-file"].c_str());
  }

  // SIGHUP: the console's TLS certificate and key are loaded again (a renewed certificate).
  boost::asio::signal_set hup(ioc, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      (*kiosk)->reload_tls();
      wait_hup();
    });
  };
  wait_hup();
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    std::cerr << "kioskd: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping\n";
    if (devices) devices->stop();
    hup.cancel();
    (*kiosk)->stop();
    // Let the WebSocket close frames go out, then end the loop.
    grace.expires_after(std::chrono::milliseconds(300));
    grace.async_wait([&](const boost::system::error_code&) { ioc.stop(); });
  });
  ioc.run();
  std::cerr << "kioskd: stopped\n";
  return 0;
}
