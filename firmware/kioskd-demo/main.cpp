// kioskd-demo: kioskd with the simulated devices (package onecard-kiosk-sim). The same kiosk
// library and daemon as kioskd; the simulated devices are registered with the real drivers and
// chosen by configuration. TEST MATERIAL: the demo's anchors and keys are public.
//
//   kioskd-demo [--data DIR] [--port N] [--listen ADDR] [--config FILE] [--no-loop]
//               [--ready-file FILE]                    live demo: simulated camera, scanner, card
//   kioskd-demo --demo-vectors | --keys DIR | --feed FILE ...   the conformance vectors' feed
//   kioskd-demo --config FILE                          any kioskd.conf, sim:* devices allowed
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/crypto.h"
#include "firmware/kioskd-demo/demo.h"
#include "firmware/kioskd-demo/demo_devices.h"
#include "firmware/kioskd-demo/sim_devices.h"
#include "firmware/kioskd/clock.h"
#include "firmware/kioskd/daemon.h"

namespace {

using namespace kiosk::kioskd;
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: kioskd-demo [--data DIR] [--port N] [--listen ADDR] [--config FILE] [--no-loop]\n"
    "                   [--ready-file FILE]\n"
    "       kioskd-demo --demo-vectors [--keys DIR] [--feed FILE] ... (the conformance vectors'\n"
    "                   feed instead of simulated devices)\n"
    "       kioskd-demo --config FILE --no-demo  (a kioskd.conf as is; sim:* devices allowed)\n";

constexpr const char* kMarker = ".kioskd-demo";

int usage(const std::string& message) {
  std::cerr << "kioskd-demo: " << message << "\n" << kUsage;
  return 2;
}

// The demo installs TEST anchors and a TEST trust package into its data folder: only into a new
// or empty folder, or one an earlier demo made (it carries the marker), never a kiosk's.
std::optional<std::string> claim_data_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec) && !fs::exists(dir + "/" + kMarker, ec))
    return dir +
           " holds files no kioskd-demo made: the demo installs TEST anchors and a TEST "
           "trust package, so give it a new or empty folder";
  fs::create_directories(dir, ec);
  std::ofstream(dir + "/" + kMarker) << "kioskd-demo: TEST anchors and keys (public seeds)\n";
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::map<std::string, std::string> opt;
  std::vector<std::string> flags;
  const std::vector<std::string> with_value = {"--config", "--keys",       "--data", "--port",
                                               "--listen", "--ready-file", "--feed"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--demo" || a == "--demo-vectors" || a == "--no-loop" || a == "--no-demo" ||
        a == "--check-config") {
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
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskd-demo: libsodium cannot initialise\n";
    return 1;
  }
  DeviceRegistry devices = simulated_devices();
  Config config = default_config();
  if (opt.count("--config")) {
    auto c = load_config(opt["--config"], &devices);
    if (!c) return config_failure("kioskd-demo", c.error());
    config = std::move(*c);
  }
  if (opt.count("--port")) {
    int port = -1;
    const std::string& p = opt["--port"];
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port < 0 || port > 65535)
      return usage("--port needs 0..65535");
    config.port = static_cast<std::uint16_t>(port);
    config.origin["ui.port"] = "--port";
  }
  if (opt.count("--listen")) {
    config.listen = opt["--listen"];
    config.origin["ui.listen"] = "--listen";
  }
  // The screens and place names: the installed ones, else this source tree's (a build tree's demo).
  if (::access((config.www + "/officer.html").c_str(), R_OK) != 0 && !opt.count("--config"))
    config.www = KIOSKD_WWW_SOURCE;
  if (::access((config.places + "/areas.csv").c_str(), R_OK) != 0 && !opt.count("--config"))
    config.places = KIOSKD_PLACES_SOURCE;

  boost::asio::io_context ioc(1);
  KioskOptions options;
  options.devices = &devices;
  std::unique_ptr<DemoDevices> stage;
  bool plain = has("--no-demo");
  bool vectors = has("--demo-vectors") || opt.count("--feed") || opt.count("--keys");
  if (!plain) {
    std::string data = opt.count("--data") ? opt["--data"] : "";
    if (!data.empty())
      if (auto why = claim_data_dir(data)) {
        std::cerr << "kioskd-demo: " << *why << "\n";
        return 2;
      }
    std::string package;
    if (vectors) {
      auto d = prepare_demo(config, opt.count("--keys") ? opt["--keys"] : "", data);
      if (!d) {
        std::cerr << "kioskd-demo: " << d.error() << "\n";
        return 1;
      }
      config = std::move(d->config);
      package = d->package_dir;
      if (opt.count("--feed")) config.devices.feed = opt["--feed"];
      if (has("--no-loop")) config.devices.feed_loop = false;
    } else {
      auto d = prepare_live_demo(config, data);
      if (!d) {
        std::cerr << "kioskd-demo: " << d.error() << "\n";
        return 1;
      }
      config = std::move(d->config);
      package = d->package_dir;
      auto s = DemoDevices::create(ioc, config.data_dir, !has("--no-loop"));
      if (!s) {
        std::cerr << "kioskd-demo: demo devices: " << s.error() << "\n";
        return 1;
      }
      stage = std::move(*s);
      stage->register_devices(devices);
    }
    options.initial_package = package;
    // One line per verdict on stdout; the live script moves on once the kiosk has read a step.
    options.on_verdict = [&stage](Channel channel, const kiosk::Verdict& v, std::int64_t now) {
      std::cout << iso_time(now) << " " << name(channel) << " " << name(v.outcome) << " "
                << name(v.document) << " " << names(v.reasons) << std::endl;
      if (stage) stage->verdict_seen();
    };
    std::cerr << "kioskd-demo: TEST MATERIAL: the anchors and the trust package in "
              << config.data_dir << " are public test keys; never a counter's\n";
  }
  if (auto e = check_config(config)) return config_failure("kioskd-demo", *e);
  if (has("--check-config")) {
    std::cout << "kioskd-demo: configuration ok\n";
    return 0;
  }
  DaemonOptions daemon;
  daemon.program = "kioskd-demo";
  daemon.ready_file = opt.count("--ready-file") ? opt["--ready-file"] : "";
  daemon.print_urls = !plain;
  if (stage) {
    daemon.started = [&](Kiosk&) -> std::optional<std::string> {
      stage->start();
      std::cout << "demo: a live e-card and a WPNL to the simulated camera, a legacy card to the "
                   "simulated serial scanner, a chip to the virtual card, then the common failures"
                << std::endl;
      return std::nullopt;
    };
    daemon.stopping = [&] { stage->stop(); };
  }
  return run_daemon(ioc, config, options, daemon);
}
