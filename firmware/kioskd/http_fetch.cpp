#include "firmware/kioskd/http_fetch.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "app/trust.h"

namespace kiosk::kioskd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  if (url.substr(0, 7) != "http://") return std::nullopt;
  url.remove_prefix(7);
  auto slash = url.find('/');
  std::string_view hostport = url.substr(0, slash);
  HttpUrl u;
  u.path = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
  while (!u.path.empty() && u.path.back() == '/')
    u.path.pop_back();
  auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    u.port = std::string(hostport.substr(colon + 1));
    hostport = hostport.substr(0, colon);
    if (u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
  }
  if (hostport.empty()) return std::nullopt;
  u.host = std::string(hostport);
  return u;
}

bool valid_manifest_entry(std::string_view line) {
  if (line == "keyset.cose") return true;
  if (line.substr(0, 7) != "status/" || line.size() <= 12 || line.size() > 100) return false;
  if (line.substr(line.size() - 5) != ".cose") return false;
  std::string_view name = line.substr(7, line.size() - 12);
  if (name.empty() || name.front() == '.') return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-')
      return false;
  }
  return true;
}

namespace {

constexpr auto kStepTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxFiles = 64;

/// One fetch: resolve, then for each file connect, write, read. do_x paired with on_x.
class Fetch : public std::enable_shared_from_this<Fetch> {
 public:
  Fetch(asio::io_context& ioc, HttpUrl url, FetchHandler done)
      : ioc_(ioc), resolver_(ioc), stream_(ioc), url_(std::move(url)), done_(std::move(done)) {}

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
    if (res.result() != http::status::ok)
      return finish("GET " + url_.path + "/" + name + ": HTTP " + std::to_string(res.result_int()));
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.consume(buffer_.size());
    pending_.erase(pending_.begin());
    const std::string& body = res.body();
    if (name == "manifest") {
      std::size_t pos = 0;
      std::vector<std::string> names;
      while (pos < body.size()) {
        auto end = body.find('\n', pos);
        if (end == std::string::npos) end = body.size();
        std::string line = body.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (!valid_manifest_entry(line)) return finish("manifest: bad entry '" + line + "'");
        names.push_back(line);
      }
      if (names.size() > kMaxFiles) return finish("manifest: more than 64 files");
      // The key set first: status lists are checked against it.
      std::stable_partition(names.begin(), names.end(),
                            [](const std::string& n) { return n == "keyset.cose"; });
      pending_ = names;
    } else {
      files_.emplace_back(name, Bytes(body.begin(), body.end()));
    }
    if (pending_.empty()) return finish("");
    do_get();
  }

  void finish(const std::string& error) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    if (error.empty()) {
      done(std::move(files_));
    } else {
      done(Unexpected{error});
    }
  }

  asio::io_context& ioc_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  tcp::resolver::results_type endpoints_;
  HttpUrl url_;
  FetchHandler done_;
  std::vector<std::string> pending_;
  TrustFiles files_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

void fetch_trust_package(asio::io_context& ioc, const HttpUrl& url, FetchHandler done) {
  std::make_shared<Fetch>(ioc, url, std::move(done))->run();
}

}  // namespace kiosk::kioskd
