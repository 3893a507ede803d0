#include "firmware/kioskd/metrics_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "firmware/kioskd/fleet_wire.h"
#include "firmware/kioskd/http_server.h"

namespace kiosk::kioskd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// One connection: (TLS handshake,) read one request, answer, close. do_x paired with on_x.
template <class Stream>
class MetricsSession : public std::enable_shared_from_this<MetricsSession<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... Args>
  MetricsSession(MetricsServer& server, Args&&... args)
      : server_(server), stream_(std::forward<Args>(args)...) {}
  ~MetricsSession() { --server_.connections_; }

  void run() {
    parser_.header_limit(4096);
    parser_.body_limit(0);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    if constexpr (kTls) {
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          beast::bind_front_handler(&MetricsSession::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

 private:
  void on_handshake(beast::error_code ec) {
    if (ec) return;  // not TLS, a bad client, the timeout: closed
    do_read();
  }

  void do_read() {
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&MetricsSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;  // timeout, garbage, oversized: closed
    const auto& req = parser_.get();
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    res_.version(11);
    res_.keep_alive(false);
    auto auth = req[http::field::authorization];
    auto text = server_.text();
    switch (metrics_answer(std::string_view(req.method_string().data(), req.method_string().size()),
                           target, std::string_view(auth.data(), auth.size()), server_.token_,
                           text != nullptr)) {
      case MetricsAnswer::kUnauthorized:
        ++server_.unauthorized_;
        res_.result(http::status::unauthorized);
        res_.set(http::field::www_authenticate, "Bearer realm=\"kiosk metrics\"");
        res_.body() = "a bearer token is required\n";
        break;
      case MetricsAnswer::kMethodNotAllowed:
        res_.result(http::status::method_not_allowed);
        res_.set(http::field::allow, "GET, HEAD");
        break;
      case MetricsAnswer::kNotFound:
        res_.result(http::status::not_found);
        res_.body() = "not found: the metrics are at /metrics\n";
        break;
      case MetricsAnswer::kOk:
        res_.result(http::status::ok);
        res_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res_.body() = *text;
        ++server_.served_;
        break;
      case MetricsAnswer::kStarting:
        res_.result(http::status::service_unavailable);
        res_.body() = "starting\n";
        break;
    }
    if (res_.result() != http::status::ok)
      res_.set(http::field::content_type, "text/plain; charset=utf-8");
    res_.prepare_payload();
    if (req.method() == http::verb::head) res_.body().clear();
    http::async_write(
        stream_, res_,
        beast::bind_front_handler(&MetricsSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code, std::size_t) {
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  MetricsServer& server_;
  Stream stream_;
  beast::flat_buffer buffer_{4096};
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> res_;
};

MetricsServer::MetricsServer(std::size_t max_connections)
    : acceptor_(ioc_), max_connections_(max_connections) {}

MetricsServer::~MetricsServer() {
  stop();
}

Result<bool, std::string> MetricsServer::use_tls(const std::string& cert_file,
                                                 const std::string& key_file,
                                                 const std::string& client_ca) {
  auto c = make_tls_server_context(cert_file, key_file);
  if (!c) return Unexpected{c.error()};
  if (!client_ca.empty()) {
    SSL_CTX* native = (*c)->native_handle();
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
    if (SSL_CTX_load_verify_locations(native, client_ca.c_str(), nullptr) != 1 || !names) {
      if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
      ERR_clear_error();
      return Unexpected{client_ca + ": cannot load the client CA (PEM certificates)"};
    }
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // TLS 1.3 session tickets would let a client resume without presenting its certificate
    // again; a scrape is one short connection anyway.
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(native, 0);
  }
  tls_ = std::move(*c);
  return true;
}

Result<tcp::endpoint, std::string> MetricsServer::listen(const std::string& address,
                                                         std::uint16_t port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) return Unexpected{address + ": " + ec.message()};
  tcp::endpoint ep(addr, port);
  std::string where = address + ":" + std::to_string(port) + ": ";
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unexpected{where + ec.message()};
  auto bound = acceptor_.local_endpoint(ec);
  do_accept();
  thread_ = std::thread([this] { ioc_.run(); });
  return bound;
}

void MetricsServer::publish(std::shared_ptr<const std::string> text) {
  std::lock_guard<std::mutex> lock(mutex_);
  text_ = std::move(text);
}

std::shared_ptr<const std::string> MetricsServer::text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return text_;
}

void MetricsServer::stop() {
  if (!thread_.joinable()) return;
  asio::post(ioc_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  ioc_.stop();
  thread_.join();
}

void MetricsServer::do_accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (connections_ >= max_connections_) {
        ++refused_;  // over the bound: closed at once, nothing read
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        ++connections_;
        if (tls_)
          std::make_shared<MetricsSession<TlsStream>>(*this, std::move(socket), *tls_)->run();
        else
          std::make_shared<MetricsSession<beast::tcp_stream>>(*this, std::move(socket))->run();
      }
    }
    do_accept();
  });
}

}  // namespace kiosk::kioskd
