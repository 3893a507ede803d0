// The checks every console request passes before anything else, as pure functions over header
// values: the Host must be one of the kiosk's own names (DNS rebinding), a browser's Origin must
// be the console's own (cross-site WebSocket and request forgery), and the session cookie.
//
// CSRF design: the session cookie is SameSite=Strict (a cross-site request does not carry it),
// every state-changing request must be a POST with a JSON body (a cross-site form cannot send one
// without a CORS preflight, which kioskd never answers) and an Origin, when the browser sends
// one, that is the console's own. WebSocket upgrades need the session and a same Origin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::auth {

inline constexpr std::string_view kSessionCookie = "kiosk_session";

/// The host name of a Host header or URL authority, lower-case, without the port and without
/// the brackets of an IPv6 literal; nullopt when malformed (empty, bad characters, bad port).
std::optional<std::string> host_name(std::string_view authority);

/// True when `host_header` names one of `allowed` (names or address literals, any case).
bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed);

/// True when `origin` ("scheme://host[:port]") is exactly the console's own origin: the scheme
/// of the listener and the authority of the (already allowed) Host header.
bool origin_same(std::string_view origin, std::string_view host_header, bool tls);

/// The value of cookie `name` in a Cookie header; nullopt when absent or given twice.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

/// The Set-Cookie value for a session token (HttpOnly, SameSite=Strict, Secure on TLS).
std::string session_cookie(std::string_view token, bool tls);
/// The Set-Cookie value that removes the session cookie.
std::string clear_session_cookie(bool tls);

}  // namespace kiosk::auth
