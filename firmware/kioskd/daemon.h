// The daemon's life, shared by kioskd and kioskd-demo: make the kiosk from a checked
// configuration, serve, tell systemd, write the ready file, stop on SIGTERM/SIGINT.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>

#include "firmware/kioskd/config.h"
#include "firmware/kioskd/kiosk.h"

namespace kiosk::kioskd {

struct DaemonOptions {
  std::string program = "kioskd";  ///< names the messages on stderr
  std::string ready_file;          ///< "" for none: the officer screen's URL, written when serving
  bool print_urls = false;         ///< print the screens' URLs on stdout (the demo)
  /// Called once the kiosk serves (e.g. the demo starts its script); an error stops the daemon.
  std::function<std::optional<std::string>(Kiosk&)> started;
  /// Called on SIGTERM/SIGINT before the kiosk stops.
  std::function<void()> stopping;
};

/// Runs the kiosk until a signal; returns the exit status (0 after a clean stop, 1 when it could
/// not start). `config` has passed check_config().
int run_daemon(boost::asio::io_context& ioc, const Config& config, const KioskOptions& options,
               const DaemonOptions& daemon);

/// Prints "PROGRAM: MESSAGE" on stderr and returns 2 (the configuration's exit status).
int config_failure(const std::string& program, const ConfigError& e);

}  // namespace kiosk::kioskd
