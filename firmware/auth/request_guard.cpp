#include "firmware/auth/request_guard.h"

#include <algorithm>

namespace kiosk::auth {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> host_name(std::string_view a) {
  if (a.empty() || a.size() > 255) return std::nullopt;
  std::string_view host;
  if (a.front() == '[') {
    auto close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = a.substr(1, close - 1);
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !all_digits(rest.substr(1)))) return std::nullopt;
    for (char c : host) {
      bool ok =
          (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f') || c == ':' || c == '.';
      if (!ok) return std::nullopt;
    }
  } else {
    auto colon = a.find(':');
    host = a.substr(0, colon);
    if (colon != std::string_view::npos && !all_digits(a.substr(colon + 1))) return std::nullopt;
    for (char c : host) {
      bool ok =
          (lower(c) >= 'a' && lower(c) <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed) {
  auto h = host_name(host_header);
  if (!h) return false;
  for (const auto& a : allowed) {
    std::string name = a;
    std::transform(name.begin(), name.end(), name.begin(), lower);
    if (!name.empty() && name.front() == '[' && name.back() == ']')
      name = name.substr(1, name.size() - 2);
    if (name == *h) return true;
  }
  return false;
}

bool origin_same(std::string_view origin, std::string_view host_header, bool tls) {
  std::string_view scheme = tls ? "https://" : "http://";
  if (origin.substr(0, scheme.size()) != scheme) return false;
  std::string_view authority = origin.substr(scheme.size());
  auto a = host_name(authority), h = host_name(host_header);
  if (!a || !h || *a != *h) return false;
  // The ports must agree too (a default port may be written or left out).
  auto port_of = [&](std::string_view s) -> std::string_view {
    auto close = s.rfind(']');
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close))
      return tls ? "443" : "80";
    return s.substr(colon + 1);
  };
  return port_of(authority) == port_of(host_header);
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::optional<std::string> found;
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    if (found) return std::nullopt;  // two cookies of that name: one may be planted; trust none
    found = std::string(trim(pair.substr(eq + 1)));
  }
  return found;
}

std::string session_cookie(std::string_view token, bool tls) {
  return std::string(kSessionCookie) + "=" + std::string(token) + "; Path=/; HttpOnly; " +
         "SameSite=Strict" + (tls ? "; Secure" : "");
}

std::string clear_session_cookie(bool tls) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "");
}

}  // namespace kiosk::auth
