// The metrics listener: GET /metrics answered with the latest published exposition text, from
// the listener's own thread and io_context. A scrape never runs on kioskd's event loop, so a
// scrape flood cannot slow a verdict; it is bounded anyway: at most `max_connections` at once
// (more are closed at accept), one request per connection, 4 KiB of request head, 5 s for all.
//
// Loopback only (the config refuses other addresses): the text holds no personal data, but
// the LAN gets TLS and a bearer token or a client certificate or nothing; until the console's
// TLS listener can carry it, a province scrapes through an SSH tunnel or a local exporter proxy.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/result.h"

namespace kiosk::kioskd {

class MetricsServer {
 public:
  explicit MetricsServer(std::size_t max_connections);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Binds, listens and starts the thread; the reason when it cannot.
  Result<boost::asio::ip::tcp::endpoint, std::string> listen(const std::string& address,
                                                             std::uint16_t port);
  /// The text the next scrapes get (thread-safe).
  void publish(std::shared_ptr<const std::string> text);
  void stop();

  /// Scrapes answered and connections refused over the bound (for tests and the text itself).
  std::uint64_t served() const { return served_; }
  std::uint64_t refused() const { return refused_; }

 private:
  void do_accept();
  std::shared_ptr<const std::string> text() const;
  friend class MetricsSession;

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::string> text_;
  std::size_t max_connections_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> served_{0}, refused_{0};
};

}  // namespace kiosk::kioskd
