#include "firmware/kioskd/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
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
  std::string url = std::string(config.console.tls() ? "https://" : "http://") + host + ":" +
                    std::to_string(ep->port()) + "/";
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
  std::string self_url;
  if (auto self = (*kiosk)->self_endpoint()) {
    std::string a = self->address().to_string();
    self_url = "http://" + (self->address().is_v6() ? "[" + a + "]" : a) + ":" +
               std::to_string(self->port()) + "/";
    std::cerr << prog << ": serving the self-service screen at " << self_url << "\n";
  }
  if (!daemon.ready_file.empty()) {
    // Line 1: the main listener's URL; line 2, when it has one, the self-service listener's.
    std::string tmp = daemon.ready_file + ".tmp";
    std::ofstream(tmp) << url << "\n" << self_url << (self_url.empty() ? "" : "\n");
    std::rename(tmp.c_str(), daemon.ready_file.c_str());
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
    std::cerr << prog << ": " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping\n";
    if (daemon.stopping) daemon.stopping();
    hup.cancel();
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
