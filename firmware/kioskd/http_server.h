// The officer's and the applicant's screens over HTTP(S) and WebSocket (Boost.Beast), shaped like
// Beast's advanced_server_flex example: a listener, one session class per connection (HTTP, then
// WebSocket after an upgrade) over a plain or a TLS stream, do_x paired with on_x, the error
// checked first in every handler.
//
// One HttpServer is one listener with one face (http_routes.h): the officer console, or the
// self-service screen. Both share the ServerContext.
//
// Bounds: request header 8 KiB, body 16 KiB, WebSocket message 4 KiB; a timeout on every read,
// write and handshake (TLS included); at most `max_connections` connections and
// `max_per_client` from one address (more are answered 503, or closed on TLS); a signed-in
// officer's WebSocket is not counted, so hostile clients filling the slots never take it. At most
// a few state messages queued per WebSocket (a slow reader gets the latest state, never an
// unbounded backlog). Accept failures (EMFILE) back off, doubling to 1 s, and log once a
// 10 s. Malformed traffic is answered (400/413/431) or closed; the server goes on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "app/result.h"
#include "firmware/kioskd/console.h"
#include "firmware/kioskd/http_routes.h"

namespace kiosk::kioskd {

struct ListenerFace;

/// A WebSocket of either stream kind, as the context sees it.
class WsBase {
 public:
  virtual ~WsBase() = default;
  virtual void send(std::shared_ptr<const std::string> message) = 0;
  virtual void close() = 0;
  View view() const { return view_; }
  /// The officer session it was opened with ("" for the self-service screen).
  const std::string& token() const { return token_; }

 protected:
  WsBase(View view, std::string token) : view_(view), token_(std::move(token)) {}
  View view_;
  std::string token_;
};

/// What the sessions share. Held by shared_ptr so that sessions outlive nothing they point to.
struct ServerContext {
  Site site;
  StateSource state;
  std::function<void(std::string_view)> on_command;  ///< officer's commands ("clear", "next")
  Console* console = nullptr;  ///< the console's gatekeeper; null: nobody can sign in
  std::size_t max_connections = 32;
  std::size_t max_per_client = 8;
  std::size_t connections = 0;                    ///< counted connections
  std::map<std::string, std::size_t> per_client;  ///< counted connections by address
  std::set<WsBase*> sockets;

  /// Sends `message` to every WebSocket of `view`.
  void publish(View view, const std::shared_ptr<const std::string>& message);
  void close_all();
  /// Closes the officer WebSockets whose session is `token`, or (token "") whose session ended.
  void close_sessions(std::string_view token);
};

/// A TLS server context (1.2 and 1.3, forward-secret AEAD suites only) with the PEM certificate
/// chain and key; the reason when they cannot be loaded. The console's listeners and the metrics
/// listener use it.
Result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_server_context(
    const std::string& cert_file, const std::string& key_file);

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, std::shared_ptr<ServerContext> ctx, View face,
             std::vector<std::string> hosts);
  ~HttpServer();
  /// Serves TLS (1.2 and 1.3, AEAD suites only) with the PEM files; called again, it loads them
  /// anew for the connections that follow (SIGHUP). A failure keeps the files in use.
  Result<bool, std::string> use_tls(const std::string& cert_file, const std::string& key_file);
  bool tls() const;
  /// Binds and listens; fails with the reason ("127.0.0.1:8080: Address already in use").
  Result<boost::asio::ip::tcp::endpoint, std::string> listen(const std::string& address,
                                                             std::uint16_t port);
  void stop();
  ServerContext& context() { return *ctx_; }

 private:
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<const ListenerFace> face_;
  boost::asio::steady_timer backoff_;
  std::chrono::milliseconds backoff_delay_{0};
  std::chrono::steady_clock::time_point last_accept_log_{};
  std::size_t accept_failures_ = 0;
  bool stopped_ = false;
};

}  // namespace kiosk::kioskd
