// The metrics listener: GET /metrics answered with the latest published exposition text, from
// the listener's own thread and io_context. A scrape never runs on kioskd's event loop, so a
// scrape flood cannot slow a verdict; it is bounded anyway: at most `max_connections` at once
// (more are closed at accept), one request per connection, 4 KiB of request head, 5 s for all.
//
// Loopback by default. On any other address the configuration requires TLS (the console's TLS
// context, http_server.h) and a bearer token or client certificates (or both): the text holds no
// personal data, but a kiosk's health is nobody else's business and a scrape is work. A request
// without the token, or with another one, is answered 401 (compared in constant time) and
// counted; a client without a certificate from the configured CA ends in the TLS handshake.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
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

  /// Serves TLS with the PEM files (the console's TLS context, before listen); with `client_ca`,
  /// only to clients presenting a certificate signed by a CA of that file (the handshake fails
  /// without one). The reason when they cannot be loaded.
  Result<bool, std::string> use_tls(const std::string& cert_file, const std::string& key_file,
                                    const std::string& client_ca = "");
  /// Requires "Authorization: Bearer TOKEN" (before listen).
  void require_token(std::string token) { token_ = std::move(token); }
  /// Binds, listens and starts the thread; the reason when it cannot.
  Result<boost::asio::ip::tcp::endpoint, std::string> listen(const std::string& address,
                                                             std::uint16_t port);
  /// The text the next scrapes get (thread-safe).
  void publish(std::shared_ptr<const std::string> text);
  void stop();

  /// Scrapes answered and connections refused over the bound (for tests and the text itself).
  std::uint64_t served() const { return served_; }
  std::uint64_t refused() const { return refused_; }
  std::uint64_t unauthorized() const { return unauthorized_; }

 private:
  void do_accept();
  std::shared_ptr<const std::string> text() const;
  template <class Stream>
  friend class MetricsSession;

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::string> text_;
  std::size_t max_connections_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> served_{0}, refused_{0}, unauthorized_{0};
  std::shared_ptr<boost::asio::ssl::context> tls_;  ///< null: plain HTTP (loopback only)
  std::string token_;                               ///< "": no token required
};

}  // namespace kiosk::kioskd
