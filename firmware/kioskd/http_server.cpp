#include "firmware/kioskd/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <iostream>

namespace kiosk::kioskd {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kBodyLimit = 16 * 1024;
constexpr std::size_t kWsMessageLimit = 4 * 1024;
constexpr std::size_t kWsQueueLimit = 4;
constexpr auto kHttpTimeout = std::chrono::seconds(15);

/// One counted connection: the count goes down when the last session holding it ends.
struct Slot {
  explicit Slot(std::shared_ptr<ServerContext> c) : ctx(std::move(c)) { ++ctx->connections; }
  ~Slot() { --ctx->connections; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  std::shared_ptr<ServerContext> ctx;
};

void fail(const beast::error_code& ec, const char* what) {
  // Peers going away and timeouts are routine; anything else is worth a line in the journal.
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == websocket::error::closed || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return;
  std::cerr << "kioskd: http: " << what << ": " << ec.message() << "\n";
}

}  // namespace

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, std::shared_ptr<Slot> slot, View view)
      : ws_(std::move(socket)), slot_(std::move(slot)), view_(view) {}
  ~WsSession() { slot_->ctx->sockets.erase(this); }

  View view() const { return view_; }

  void do_accept(http::request<http::string_body> req) {
    // Handshake within 30 s; a peer silent for 60 s (it answers the pings sent at 30 s) is gone,
    // which also ends a write stalled on a peer that stopped reading.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = std::chrono::seconds(60);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "kioskd"); }));
    ws_.read_message_max(kWsMessageLimit);
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
  }

  void send(std::shared_ptr<const std::string> message) {
    if (closing_) return;
    // Each message is a whole state: a queued one that was not yet sent can be replaced.
    if (queue_.size() >= kWsQueueLimit) {
      queue_.back() = std::move(message);
      return;
    }
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) do_write();
  }

  void close() {
    if (closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](beast::error_code) {});
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return fail(ec, "websocket accept");
    slot_->ctx->sockets.insert(this);
    auto& state = slot_->ctx->state;
    send(std::make_shared<const std::string>(view_ == View::kOfficer ? state.officer()
                                                                     : state.self()));
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      slot_->ctx->sockets.erase(this);
      return fail(ec, "websocket read");
    }
    if (view_ == View::kOfficer && ws_.got_text() && slot_->ctx->on_command) {
      std::string cmd = beast::buffers_to_string(buffer_.data());
      slot_->ctx->on_command(cmd);
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) {
      slot_->ctx->sockets.erase(this);
      queue_.clear();
      return fail(ec, "websocket write");
    }
    queue_.pop_front();
    if (!queue_.empty()) do_write();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<Slot> slot_;
  View view_;
  bool closing_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<Slot> slot)
      : stream_(std::move(socket)), slot_(std::move(slot)) {}

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kHttpTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) {
      // Bad requests get an answer before the connection closes; the rest just closes.
      const beast::error_code http_error = http::error::bad_target;
      bool client_gone = ec == http::error::partial_message;
      if (ec.category() == http_error.category() && !client_gone) {
        unsigned status = ec == http::error::header_limit ? 431
                          : ec == http::error::body_limit ? 413
                                                          : 400;
        const char* reason = status == 431   ? "Request Header Fields Too Large"
                             : status == 413 ? "Payload Too Large"
                                             : "Bad Request";
        return write_canned(canned_response(status, reason));
      }
      return fail(ec, "read");
    }
    auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    if (websocket::is_upgrade(req)) {
      std::string_view path = target.substr(0, target.find('?'));
      if (path == "/ws" || path == "/ws/self") {
        stream_.expires_never();  // the WebSocket stream sets its own timeouts
        std::make_shared<WsSession>(stream_.release_socket(), slot_,
                                    path == "/ws" ? View::kOfficer : View::kSelf)
            ->do_accept(parser_->release());
        return;
      }
    }
    auto res = std::make_shared<Response>(handle_request(req, slot_->ctx->site, slot_->ctx->state));
    bool keep_alive = res->keep_alive();
    stream_.expires_after(kHttpTimeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code e, std::size_t n) {
          self->on_write(keep_alive, e, n);
        });
  }

  void write_canned(std::string text) {
    auto msg = std::make_shared<std::string>(std::move(text));
    stream_.expires_after(kHttpTimeout);
    asio::async_write(
        stream_, asio::buffer(*msg),
        [self = shared_from_this(), msg](beast::error_code, std::size_t) { self->do_close(); });
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Slot> slot_;
};

void ServerContext::publish(View view, const std::shared_ptr<const std::string>& message) {
  // Copy first: a failing send may remove its session from the set.
  std::vector<WsSession*> targets(sockets.begin(), sockets.end());
  for (WsSession* s : targets) {
    if (sockets.count(s) && s->view() == view) s->send(message);
  }
}

void ServerContext::close_all() {
  std::vector<WsSession*> targets(sockets.begin(), sockets.end());
  for (WsSession* s : targets)
    s->close();
}

HttpServer::HttpServer(asio::io_context& ioc, std::shared_ptr<ServerContext> ctx)
    : ioc_(ioc), acceptor_(ioc), ctx_(std::move(ctx)) {}

Result<tcp::endpoint, std::string> HttpServer::listen(const std::string& address,
                                                      std::uint16_t port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  std::string where = address + ":" + std::to_string(port);
  if (ec) return Unexpected{where + ": " + ec.message()};
  tcp::endpoint ep{addr, port};
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return Unexpected{where + ": " + ec.message()};
  }
  do_accept();
  return acceptor_.local_endpoint();
}

void HttpServer::stop() {
  stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  ctx_->close_all();
}

void HttpServer::do_accept() {
  acceptor_.async_accept(ioc_, beast::bind_front_handler(&HttpServer::on_accept, this));
}

void HttpServer::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopped_) return;
  if (ec) {
    fail(ec, "accept");
  } else if (ctx_->connections >= ctx_->max_connections) {
    // Over the limit: a short answer and close, without reading anything.
    auto sock = std::make_shared<tcp::socket>(std::move(socket));
    auto msg = std::make_shared<std::string>(canned_response(503, "Service Unavailable"));
    asio::async_write(*sock, asio::buffer(*msg), [sock, msg](beast::error_code, std::size_t) {
      beast::error_code e;
      sock->shutdown(tcp::socket::shutdown_both, e);
    });
  } else {
    std::make_shared<HttpSession>(std::move(socket), std::make_shared<Slot>(ctx_))->run();
  }
  do_accept();
}

}  // namespace kiosk::kioskd
