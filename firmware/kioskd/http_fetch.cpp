#include "firmware/kioskd/http_fetch.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "app/bytes.h"
#include "app/trust.h"

namespace kiosk::kioskd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kStepTimeout = std::chrono::seconds(30);

/// One fetch: resolve, then for each file connect, write, read. do_x paired with on_x.
class Fetch : public std::enable_shared_from_this<Fetch> {
 public:
  Fetch(asio::io_context& ioc, HttpUrl url, FetchState state, FetchHandler done)
      : ioc_(ioc),
        resolver_(ioc),
        stream_(ioc),
        url_(std::move(url)),
        old_(std::move(state)),
        done_(std::move(done)) {}

  void run() {
    resolver_.async_resolve(url_.host, url_.port,
                            beast::bind_front_handler(&Fetch::on_resolve, shared_from_this()));
  }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish("resolve " + url_.host + ": " + ec.message());
    endpoints_ = results;
    pending_.push_back("manifest");
    do_get();
  }

  void do_get() {
    stream_.expires_after(kStepTimeout);
    stream_.async_connect(endpoints_,
                          beast::bind_front_handler(&Fetch::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec) return finish("connect " + url_.host + ":" + url_.port + ": " + ec.message());
    req_ = {http::verb::get, url_.path + "/" + pending_.front(), 11};
    req_.set(http::field::host, url_.host);
    req_.set(http::field::user_agent, "kioskd");
    auto v = old_.validators.find(pending_.front());
    if (v != old_.validators.end()) {
      if (!v->second.etag.empty()) req_.set(http::field::if_none_match, v->second.etag);
      if (!v->second.last_modified.empty())
        req_.set(http::field::if_modified_since, v->second.last_modified);
    }
    req_.keep_alive(false);
    stream_.expires_after(kStepTimeout);
    http::async_write(stream_, req_,
                      beast::bind_front_handler(&Fetch::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish("send " + pending_.front() + ": " + ec.message());
    parser_.emplace();
    parser_->body_limit(kMaxTrustFile);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(kStepTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Fetch::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    std::string name = pending_.front();
    if (ec) return finish("read " + name + ": " + ec.message());
    auto& res = parser_->get();
    bool not_modified =
        res.result() == http::status::not_modified && old_.validators.count(name) != 0;
    if (res.result() != http::status::ok && !not_modified)
      return finish("GET " + url_.path + "/" + name + ": HTTP " + std::to_string(res.result_int()));
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.consume(buffer_.size());
    pending_.erase(pending_.begin());
    if (not_modified) {
      out_.state.validators[name] = old_.validators[name];
      if (name == "manifest") {
        out_.state.manifest = old_.manifest;
        pending_ = old_.manifest;
      } else {
        out_.not_modified.push_back(name);
      }
    } else {
      // A file modified in the second the server answered may change again within that second
      // with the same validators (nginx: mtime second and size): it is not cached.
      auto sv = [](auto field) { return std::string_view(field.data(), field.size()); };
      if (auto v =
              validators_to_keep(sv(res[http::field::etag]), sv(res[http::field::last_modified]),
                                 sv(res[http::field::date])))
        out_.state.validators[name] = std::move(*v);
      // One copy out of the parser's buffers, within body_limit.
      const auto& data = res.body().data();
      Bytes body(boost::asio::buffer_size(data));
      boost::asio::buffer_copy(boost::asio::buffer(body), data);
      if (name == "manifest") {
        auto names = parse_manifest(as_chars(body));
        if (!names) return finish(names.error());
        out_.state.manifest = *names;
        pending_ = std::move(*names);
      } else {
        out_.files.emplace_back(name, std::move(body));
      }
    }
    if (pending_.empty()) return finish("");
    do_get();
  }

  void finish(const std::string& error) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    if (error.empty()) {
      done(std::move(out_));
    } else {
      done(Unexpected{error});
    }
  }

  asio::io_context& ioc_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  tcp::resolver::results_type endpoints_;
  HttpUrl url_;
  FetchState old_;
  FetchHandler done_;
  std::vector<std::string> pending_;
  FetchResult out_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  // dynamic_body, not string_body: Boost 1.74's string_body reserves the Content-Length before
  // the body limit is checked, so `Content-Length: 000...08198552921648689606` threw bad_alloc
  // out of the event loop (fuzz_fleet). dynamic_body grows with what arrives, within body_limit.
  std::optional<http::response_parser<http::dynamic_body>> parser_;
};

}  // namespace

void fetch_trust_package(asio::io_context& ioc, const HttpUrl& url, FetchState state,
                         FetchHandler done) {
  std::make_shared<Fetch>(ioc, url, std::move(state), std::move(done))->run();
}

}  // namespace kiosk::kioskd
