// The officer's and the applicant's screens over HTTP and WebSocket (Boost.Beast), shaped like
// Beast's advanced server example: a listener, one session class per connection (HTTP, then
// WebSocket after an upgrade), do_x paired with on_x, the error checked first in every handler.
//
// Bounds: request header 8 KiB, body 16 KiB, WebSocket message 4 KiB; a timeout on every read,
// write and handshake; at most `max_connections` connections (more are answered 503 and closed);
// at most a few state messages queued per WebSocket (a slow reader gets the latest state, never
// an unbounded backlog). Malformed traffic is answered (400/413/431) or closed; the server goes on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "app/result.h"
#include "firmware/kioskd/http_routes.h"

namespace kiosk::kioskd {

enum class View { kOfficer, kSelf };

class WsSession;

/// What the sessions share. Held by shared_ptr so that sessions outlive nothing they point to.
struct ServerContext {
  Site site;
  StateSource state;
  std::function<void(std::string_view)> on_command;  ///< officer's commands ("clear", "next")
  std::size_t max_connections = 32;
  std::size_t connections = 0;
  std::set<WsSession*> sockets;

  /// Sends `message` to every WebSocket of `view`.
  void publish(View view, const std::shared_ptr<const std::string>& message);
  void close_all();
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, std::shared_ptr<ServerContext> ctx);
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
  bool stopped_ = false;
};

}  // namespace kiosk::kioskd
