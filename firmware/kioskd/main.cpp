// kioskd: the counter kiosk's daemon (production: real drivers only; the simulated devices and
// the demo are kioskd-demo's). See docs/kioskd-config.md.
//
//   kioskd --config FILE [--check-config] [--ready-file FILE]
//   kioskd --help | --help-config | --print-default-config
#include <signal.h>

#include <iostream>
#include <string>

#include "app/crypto.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/daemon.h"

namespace {

using namespace kiosk::kioskd;

constexpr const char* kUsage =
    "usage: kioskd --config FILE [--check-config] [--ready-file FILE]\n"
    "       kioskd --help-config           the configuration's keys, types and defaults\n"
    "       kioskd --print-default-config  the packaged kioskd.conf (every key at its default)\n";

int usage(const std::string& message) {
  std::cerr << "kioskd: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::string config_path, ready_file;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--help-config") {
      std::cout << config_help_text();
      return 0;
    } else if (a == "--print-default-config") {
      std::cout << default_config_text();
      return 0;
    } else if (a == "--check-config") {
      check_only = true;
    } else if (a == "--config" || a == "--ready-file") {
      if (i + 1 >= argc) return usage(a + " needs a value");
      (a == "--config" ? config_path : ready_file) = argv[++i];
    } else if (a == "--demo" || a == "--demo-vectors") {
      return usage("this build has no demo; kioskd-demo (package onecard-kiosk-sim) has it");
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (config_path.empty()) return usage("needs --config FILE");
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskd: libsodium cannot initialise\n";
    return 1;
  }
  auto config = load_config(config_path);
  if (!config) return config_failure("kioskd", config.error());
  if (auto e = check_config(*config)) return config_failure("kioskd", *e);
  if (check_only) {
    std::cout << config_path << ": ok\n";
    return 0;
  }
  DaemonOptions daemon;
  daemon.ready_file = ready_file;
  boost::asio::io_context ioc(1);
  return run_daemon(ioc, *config, KioskOptions{}, daemon);
}
