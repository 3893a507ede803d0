#include "firmware/kioskd/console_config.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "firmware/auth/request_guard.h"

namespace kiosk::kioskd {
namespace {

std::optional<std::int64_t> whole(std::string_view s, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::string range(std::string_view v, std::int64_t lo, std::int64_t hi) {
  return "'" + std::string(v) + "' is not a whole number in " + std::to_string(lo) + ".." +
         std::to_string(hi);
}

std::optional<std::string> address_literal(std::string_view v) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(v), ec);
  if (ec || v.empty()) return "'" + std::string(v) + "' is not an IP address";
  return std::nullopt;
}

template <class T>
ConsoleSetter number(T ConsoleConfig::*field, std::int64_t lo, std::int64_t hi) {
  return [=](ConsoleConfig& c, std::string_view v) -> std::optional<std::string> {
    auto n = whole(v, lo, hi);
    if (!n) return range(v, lo, hi);
    c.*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

ConsoleSetter path(std::string ConsoleConfig::*field) {
  return [=](ConsoleConfig& c, std::string_view v) -> std::optional<std::string> {
    if (!v.empty() && v.front() != '/') return std::string("needs an absolute path");
    c.*field = std::string(v);
    return std::nullopt;
  };
}

}  // namespace

const std::map<std::string, ConsoleSetter, std::less<>>& console_keys() {
  static const std::map<std::string, ConsoleSetter, std::less<>> keys = {
      {"self_listen",
       [](ConsoleConfig& c, std::string_view v) -> std::optional<std::string> {
         if (!v.empty())
           if (auto why = address_literal(v)) return why;
         c.self_listen = std::string(v);
         return std::nullopt;
       }},
      {"self_port", number(&ConsoleConfig::self_port, 0, 65535)},
      {"tls_cert", path(&ConsoleConfig::tls_cert)},
      {"tls_key", path(&ConsoleConfig::tls_key)},
      {"allowed_hosts",
       [](ConsoleConfig& c, std::string_view v) -> std::optional<std::string> {
         c.allowed_hosts.clear();
         while (!v.empty()) {
           auto comma = v.find(',');
           std::string_view part = v.substr(0, comma);
           v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
           while (!part.empty() && part.front() == ' ')
             part.remove_prefix(1);
           while (!part.empty() && part.back() == ' ')
             part.remove_suffix(1);
           auto name = auth::host_name(part);
           bool port = !part.empty() && part.front() == '['
                           ? part.back() != ']'
                           : part.find(':') != std::string_view::npos;
           if (!name || port)
             return "'" + std::string(part) + "' is not a host name or address (no port)";
           c.allowed_hosts.push_back(*name);
         }
         return std::nullopt;
       }},
      {"max_per_client", number(&ConsoleConfig::max_per_client, 1, 1024)},
      {"session_idle", number(&ConsoleConfig::session_idle, 2, 86400)},
      {"session_lifetime", number(&ConsoleConfig::session_lifetime, 60, 7 * 86400)},
  };
  return keys;
}

bool is_loopback_literal(const std::string& address) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

std::optional<std::string> check_console(const ConsoleConfig& c, const std::string& listen) {
  if (c.tls_cert.empty() != c.tls_key.empty()) return "[console] tls_cert and tls_key go together";
  if (!c.tls() && !is_loopback_literal(listen))
    return "[ui] listen = " + listen +
           " is not loopback: the officer's console needs TLS there ([console] tls_cert and "
           "tls_key)";
  if (!c.tls() && !c.self_listen.empty() && !is_loopback_literal(c.self_listen))
    return "[console] self_listen = " + c.self_listen +
           " is not loopback: the self-service screen needs TLS there too";
  return std::nullopt;
}

std::vector<std::string> console_hosts(const ConsoleConfig& c, const std::string& listen) {
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "::1"};
  if (auto l = auth::host_name(listen.find(':') != std::string::npos ? "[" + listen + "]" : listen))
    hosts.push_back(*l);
  hosts.insert(hosts.end(), c.allowed_hosts.begin(), c.allowed_hosts.end());
  return hosts;
}

}  // namespace kiosk::kioskd
