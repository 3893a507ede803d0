#include "firmware/kioskd/http_server.h"

#include <openssl/ssl.h>
#include <sodium.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <iostream>
#include <type_traits>

namespace kiosk::kioskd {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// What a listener's sessions share about it; replaced whole when the TLS files are reloaded.
struct ListenerFace {
  View view = View::kOfficer;
  std::vector<std::string> hosts;
  std::shared_ptr<ssl::context> tls;  ///< null: plain HTTP
};
using Face = ListenerFace;

namespace {

template <class S>
constexpr bool kIsTls = std::is_same_v<S, TlsStream>;

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kBodyLimit = 16 * 1024;
constexpr std::size_t kWsMessageLimit = 4 * 1024;
constexpr std::size_t kWsQueueLimit = 4;
constexpr auto kHttpTimeout = std::chrono::seconds(15);
constexpr auto kTlsTimeout = std::chrono::seconds(10);

// TLS 1.2 suites: forward secret AEAD only. TLS 1.3's own suites are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// One counted connection: the counts go down when the last session holding it ends, or when a
/// signed-in officer's WebSocket leaves the counts (`release`).
struct Slot {
  Slot(std::shared_ptr<ServerContext> c, std::string from)
      : ctx(std::move(c)), client(std::move(from)) {
    ++ctx->connections;
    ++ctx->per_client[client];
  }
  ~Slot() { release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  void release() {
    if (!counted) return;
    counted = false;
    --ctx->connections;
    auto it = ctx->per_client.find(client);
    if (it != ctx->per_client.end() && --it->second == 0) ctx->per_client.erase(it);
  }
  std::shared_ptr<ServerContext> ctx;
  std::string client;
  bool counted = true;
};

void fail(const beast::error_code& ec, const char* what) {
  // Peers going away, timeouts and broken TLS handshakes are routine (and a hostile client can
  // make them at will: no log line each); anything else is worth a line in the journal.
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == websocket::error::closed || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == ssl::error::stream_truncated || ec.category() == asio::error::get_ssl_category())
    return;
  std::cerr << "kioskd: http: " << what << ": " << ec.message() << "\n";
}

std::string_view field(const Request& req, http::field f) {
  auto it = req.find(f);
  return it == req.end() ? std::string_view{}
                         : std::string_view(it->value().data(), it->value().size());
}

}  // namespace

template <class Stream>
class WsSession : public WsBase, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, std::shared_ptr<Slot> slot, View view, std::string token,
            std::shared_ptr<const Face> face)
      : WsBase(view, std::move(token)),
        ws_(std::move(stream)),
        slot_(std::move(slot)),
        face_(std::move(face)) {}
  ~WsSession() override { slot_->ctx->sockets.erase(this); }

  void do_accept(Request req) {
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
    ws_.async_accept(req,
                     beast::bind_front_handler(&WsSession::on_accept, this->shared_from_this()));
  }

  void send(std::shared_ptr<const std::string> message) override {
    if (closing_) return;
    // Each message is a whole state: a queued one that was not yet sent can be replaced.
    if (queue_.size() >= kWsQueueLimit) {
      queue_.back() = std::move(message);
      return;
    }
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) do_write();
  }

  void close() override {
    if (closing_) return;
    closing_ = true;
    slot_->ctx->sockets.erase(this);
    ws_.async_close(websocket::close_code::going_away,
                    [self = this->shared_from_this()](beast::error_code) {});
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return fail(ec, "websocket accept");
    auto& ctx = *slot_->ctx;
    ctx.sockets.insert(this);
    if (view_ == View::kOfficer) slot_->release();  // signed in: never crowded out
    send(std::make_shared<const std::string>(view_ == View::kOfficer ? ctx.state.officer()
                                                                     : ctx.state.self()));
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_,
                   beast::bind_front_handler(&WsSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      slot_->ctx->sockets.erase(this);
      return fail(ec, "websocket read");
    }
    auto& ctx = *slot_->ctx;
    if (view_ == View::kOfficer && ws_.got_text() && ctx.on_command) {
      // A command is activity, and only a live session may give one.
      if (!ctx.console || !ctx.console->touch(token_)) return close();
      std::string cmd = beast::buffers_to_string(buffer_.data());
      ctx.on_command(cmd);
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    beast::bind_front_handler(&WsSession::on_write, this->shared_from_this()));
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

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<Slot> slot_;
  std::shared_ptr<const Face> face_;  ///< keeps the TLS context alive
  bool closing_ = false;
};

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  template <class... Args>
  HttpSession(std::shared_ptr<Slot> slot, std::shared_ptr<const Face> face, Args&&... args)
      : stream_(std::forward<Args>(args)...), slot_(std::move(slot)), face_(std::move(face)) {}

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::start, this->shared_from_this()));
  }

 private:
  void start() {
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsTimeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&HttpSession::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "tls handshake");
    do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(kHttpTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
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
    const Face& face = *face_;
    bool tls = face.tls != nullptr;
    if (auto refused = guard(req, face.hosts, tls)) return write(std::move(*refused));
    std::string_view target(req.target().data(), req.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    auto& ctx = *slot_->ctx;
    Console* console = face.view == View::kOfficer ? ctx.console : nullptr;
    std::string_view cookie = field(req, http::field::cookie);

    if (websocket::is_upgrade(req)) {
      if (path == "/ws/self") return upgrade(View::kSelf, "");
      if (path == "/ws" && face.view == View::kOfficer) {
        if (!ws_origin_ok(req, tls))
          return write(
              text_response(req, http::status::forbidden, "cross-origin WebSocket refused\n"));
        if (!console || !console->session(cookie))
          return write(text_response(req, http::status::unauthorized, "sign in\n"));
        return upgrade(View::kOfficer, Console::token_of(cookie));
      }
    }
    if (req.method() == http::verb::post && face.view == View::kOfficer) {
      if (path == "/api/signin") return sign_in(req, console);
      if (path == "/api/signout") {
        std::string token = Console::token_of(cookie);
        if (console && !token.empty() && console->sign_out(token, slot_->client))
          ctx.close_sessions(token);
        return write(signout_response(req, tls));
      }
    }
    Access access{face.view, console && console->session(cookie).has_value()};
    write(handle_request(req, ctx.site, ctx.state, access));
  }

  void sign_in(Request& req, Console* console) {
    bool tls = face_->tls != nullptr;
    auto creds = parse_signin(req);
    // The password is in the body: wipe it once read (the copy goes to the worker, wiped there).
    sodium_memzero(req.body().data(), req.body().size());
    if (!creds)
      return write(text_response(req, http::status::bad_request,
                                 "expected application/json {\"name\": ..., \"password\": ...}\n"));
    if (!console) {
      SignInResult none;
      none.kind = SignInResult::Kind::kError;
      return write(signin_response(req, none, tls));
    }
    console->sign_in(std::move(creds->first), std::move(creds->second), slot_->client,
                     [self = this->shared_from_this(), tls](SignInResult r) {
                       if (r.kind == SignInResult::Kind::kError)
                         std::cerr << "kioskd: sign-in: " << r.detail << "\n";
                       self->write(signin_response(self->parser_->get(), r, tls));
                     });
  }

  void upgrade(View view, std::string token) {
    beast::get_lowest_layer(stream_).expires_never();  // the WebSocket stream sets its own
    std::make_shared<WsSession<Stream>>(std::move(stream_), slot_, view, std::move(token), face_)
        ->do_accept(parser_->release());
  }

  void write(Response r) {
    auto res = std::make_shared<Response>(std::move(r));
    bool keep_alive = res->keep_alive();
    beast::get_lowest_layer(stream_).expires_after(kHttpTimeout);
    http::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code e, std::size_t n) {
          self->on_write(keep_alive, e, n);
        });
  }

  void write_canned(std::string text) {
    auto msg = std::make_shared<std::string>(std::move(text));
    beast::get_lowest_layer(stream_).expires_after(kHttpTimeout);
    asio::async_write(stream_, asio::buffer(*msg),
                      [self = this->shared_from_this(), msg](beast::error_code, std::size_t) {
                        self->do_close();
                      });
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_close();
    do_read();
  }

  void do_close() {
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Slot> slot_;
  std::shared_ptr<const Face> face_;
};

void ServerContext::publish(View view, const std::shared_ptr<const std::string>& message) {
  // Copy first: a failing send may remove its session from the set.
  std::vector<WsBase*> targets(sockets.begin(), sockets.end());
  for (WsBase* s : targets) {
    if (!sockets.count(s) || s->view() != view) continue;
    // A session that expired since the last sweep gets no more state: it is closed now.
    if (view == View::kOfficer && console && !console->alive(s->token())) {
      s->close();
      continue;
    }
    s->send(message);
  }
}

void ServerContext::close_all() {
  std::vector<WsBase*> targets(sockets.begin(), sockets.end());
  for (WsBase* s : targets)
    s->close();
}

void ServerContext::close_sessions(std::string_view token) {
  std::vector<WsBase*> targets(sockets.begin(), sockets.end());
  for (WsBase* s : targets) {
    if (!sockets.count(s) || s->view() != View::kOfficer) continue;
    bool ended = token.empty() ? !console || !console->alive(s->token()) : s->token() == token;
    if (ended) s->close();
  }
}

HttpServer::HttpServer(asio::io_context& ioc, std::shared_ptr<ServerContext> ctx, View face,
                       std::vector<std::string> hosts)
    : ioc_(ioc),
      acceptor_(ioc),
      ctx_(std::move(ctx)),
      face_(std::make_shared<const ListenerFace>(ListenerFace{face, std::move(hosts), nullptr})),
      backoff_(ioc) {}

HttpServer::~HttpServer() = default;

bool HttpServer::tls() const {
  return face_->tls != nullptr;
}

Result<std::shared_ptr<ssl::context>, std::string> make_tls_server_context(
    const std::string& cert_file, const std::string& key_file) {
  auto c = std::make_shared<ssl::context>(ssl::context::tls_server);
  c->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                 ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                 ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX* native = c->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return Unexpected{std::string("TLS: cannot restrict the protocol versions and suites")};
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code ec;
  c->use_certificate_chain_file(cert_file, ec);
  if (ec) return Unexpected{cert_file + ": cannot load the TLS certificate: " + ec.message()};
  c->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return Unexpected{key_file + ": cannot load the TLS key: " + ec.message()};
  if (SSL_CTX_check_private_key(native) != 1)
    return Unexpected{key_file + ": the key does not match " + cert_file};
  return c;
}

Result<bool, std::string> HttpServer::use_tls(const std::string& cert_file,
                                              const std::string& key_file) {
  auto c = make_tls_server_context(cert_file, key_file);
  if (!c) return Unexpected{c.error()};
  face_ =
      std::make_shared<const ListenerFace>(ListenerFace{face_->view, face_->hosts, std::move(*c)});
  return true;
}

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
  backoff_.cancel();
  ctx_->close_all();
}

void HttpServer::do_accept() {
  acceptor_.async_accept(ioc_, beast::bind_front_handler(&HttpServer::on_accept, this));
}

void HttpServer::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopped_) return;
  if (ec) {
    // Out of descriptors (EMFILE) or memory: the connection waits in the backlog while we back
    // off (10 ms doubling to 1 s); one journal line per 10 s says how often it happened.
    ++accept_failures_;
    auto now = std::chrono::steady_clock::now();
    if (now - last_accept_log_ >= std::chrono::seconds(10)) {
      std::cerr << "kioskd: http: accept: " << ec.message() << " (" << accept_failures_
                << " failures; backing off)\n";
      last_accept_log_ = now;
      accept_failures_ = 0;
    }
    backoff_delay_ = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(1000),
        backoff_delay_.count() ? backoff_delay_ * 2 : std::chrono::milliseconds(10));
    backoff_.expires_after(backoff_delay_);
    backoff_.async_wait([this](const boost::system::error_code& e) {
      if (!e && !stopped_) do_accept();
    });
    return;
  }
  backoff_delay_ = std::chrono::milliseconds(0);
  beast::error_code addr_ec;
  auto remote = socket.remote_endpoint(addr_ec);
  std::string client = addr_ec ? "?" : remote.address().to_string();
  auto it = ctx_->per_client.find(client);
  bool over = ctx_->connections >= ctx_->max_connections ||
              (it != ctx_->per_client.end() && it->second >= ctx_->max_per_client);
  if (addr_ec) {
    // Gone before we looked: nothing to serve.
  } else if (over && !face_->tls) {
    // Over a limit: a short answer and close, without reading anything.
    auto sock = std::make_shared<tcp::socket>(std::move(socket));
    auto msg = std::make_shared<std::string>(canned_response(503, "Service Unavailable"));
    asio::async_write(*sock, asio::buffer(*msg), [sock, msg](beast::error_code, std::size_t) {
      beast::error_code e;
      sock->shutdown(tcp::socket::shutdown_both, e);
    });
  } else if (over) {
    beast::error_code e;
    socket.shutdown(tcp::socket::shutdown_both, e);  // no TLS handshake is worth a slot
  } else {
    auto slot = std::make_shared<Slot>(ctx_, std::move(client));
    if (face_->tls) {
      std::make_shared<HttpSession<TlsStream>>(std::move(slot), face_, std::move(socket),
                                               *face_->tls)
          ->run();
    } else {
      std::make_shared<HttpSession<PlainStream>>(std::move(slot), face_, std::move(socket))->run();
    }
  }
  do_accept();
}

}  // namespace kiosk::kioskd
