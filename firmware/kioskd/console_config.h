// The [console] section of kioskd's configuration (docs/kioskd-config.md): who may reach the
// officer's console and how. The officer console listens on [ui] listen/port; the self-service
// screen may have a listener of its own here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::kioskd {

struct ConsoleConfig {
  std::string self_listen;      ///< the self-service listener's address; "" for none
  std::uint16_t self_port = 0;  ///< its port (0: any free port)
  std::string tls_cert;         ///< PEM certificate chain of the console; "" serves plain HTTP
  std::string tls_key;          ///< PEM private key
  std::vector<std::string> allowed_hosts;  ///< Host names besides loopback and the listen address
  std::size_t max_per_client = 8;          ///< connections from one address (signed-in excluded)
  std::int64_t session_idle = 900;         ///< seconds
  std::int64_t session_lifetime = 43200;   ///< seconds
  bool tls() const { return !tls_cert.empty(); }
};

using ConsoleSetter = std::function<std::optional<std::string>(ConsoleConfig&, std::string_view)>;

/// The [console] keys and their parsers (each says why a value is refused).
const std::map<std::string, ConsoleSetter, std::less<>>& console_keys();

/// What the whole configuration must satisfy (the cert and key given together; no officer
/// console on a non-loopback address without TLS); the reason, or nullopt.
std::optional<std::string> check_console(const ConsoleConfig& c, const std::string& listen);

/// The Host names the officer's console answers to: loopback names, the listen address, and
/// the configured ones.
std::vector<std::string> console_hosts(const ConsoleConfig& c, const std::string& listen);

/// True for an address literal of the loopback network (127.0.0.0/8, ::1).
bool is_loopback_literal(const std::string& address);

}  // namespace kiosk::kioskd
