#include "firmware/kioskd/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace kiosk::kioskd {

int config_failure(const std::string& program, const ConfigError& e) {
  // systemd shows stderr in the journal and in `systemctl status`.
  std::cerr << program << ": " << e.message() << "\n" << std::flush;
  return 2;
}

int run_daemon(boost::asio::io_context& ioc, const Config& config, const KioskOptions& options,
               const DaemonOptions& daemon) {
  const std::string& prog = daemon.program;
  auto kiosk = Kiosk::create(ioc, config, options);
  if (!kiosk) {
    std::cerr << prog << ": " << kiosk.error() << "\n";
    return 1;
  }
  auto ep = (*kiosk)->start();
  if (!ep) {
    std::cerr << prog << ": " << ep.error() << "\n";
    return 1;
  }
  std::string host =
      ep->address().is_v6() ? "[" + ep->address().to_string() + "]" : ep->address().to_string();
  std::string url = "http://" + host + ":" + std::to_string(ep->port()) + "/";
  std::cerr << prog << ": serving the officer's screen at " << url << "\n";
  if (daemon.print_urls)
    std::cout << "officer screen: " << url << "\nself-service screen: " << url << "self"
              << std::endl;
  if (daemon.started) {
    if (auto why = daemon.started(**kiosk)) {
      std::cerr << prog << ": " << *why << "\n";
      (*kiosk)->stop();
      return 1;
    }
  }
  if (!daemon.ready_file.empty()) {
    std::string tmp = daemon.ready_file + ".tmp";
    std::ofstream(tmp) << url << "\n";
    std::rename(tmp.c_str(), daemon.ready_file.c_str());
  }

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    std::cerr << prog << ": " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping\n";
    if (daemon.stopping) daemon.stopping();
    (*kiosk)->stop();
    // Let the WebSocket close frames go out, then end the loop.
    grace.expires_after(std::chrono::milliseconds(300));
    grace.async_wait([&](const boost::system::error_code&) { ioc.stop(); });
  });
  ioc.run();
  std::cerr << prog << ": stopped\n";
  return 0;
}

}  // namespace kiosk::kioskd
