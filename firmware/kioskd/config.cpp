#include "firmware/kioskd/config.h"

#include "firmware/kioskd/audit_forward.h"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "drivers/scanner/line_framer.h"
#include "firmware/kioskd/devices.h"
#include "firmware/kioskd/http_fetch.h"

namespace kiosk::kioskd {
namespace {

namespace fs = std::filesystem;
using Why = std::optional<std::string>;
using Setter = std::function<Why(Config&, std::string_view)>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view v) {
  return "'" + std::string(v) + "'";
}

// A whole number in lo..hi; else why not.
Result<std::int64_t, std::string> whole_number(std::string_view v, std::int64_t lo,
                                               std::int64_t hi) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size())
    return Unexpected{quoted(v) + " is not a whole number"};
  if (n < lo || n > hi)
    return Unexpected{std::to_string(n) + " is out of range " + std::to_string(lo) + ".." +
                      std::to_string(hi)};
  return n;
}

template <class T>
Setter number(T Config::*field, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, std::string_view v) -> Why {
    auto n = whole_number(v, lo, hi);
    if (!n) return n.error();
    c.*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

template <class T>
Setter device_number(T DeviceConfig::*field, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, std::string_view v) -> Why {
    auto n = whole_number(v, lo, hi);
    if (!n) return n.error();
    c.devices.*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

Setter boolean(bool DeviceConfig::*field) {
  return [=](Config& c, std::string_view v) -> Why {
    if (v == "yes" || v == "true" || v == "on" || v == "1") {
      c.devices.*field = true;
    } else if (v == "no" || v == "false" || v == "off" || v == "0") {
      c.devices.*field = false;
    } else {
      return quoted(v) + " is not yes or no";
    }
    return std::nullopt;
  };
}

// An absolute path (the daemon's working folder is not the operator's).
Why check_path(std::string_view v) {
  if (v.empty() || v.front() != '/') return quoted(v) + " is not an absolute path";
  return std::nullopt;
}

Setter path(std::string Config::*field, bool may_be_empty = false) {
  return [=](Config& c, std::string_view v) -> Why {
    if (!(v.empty() && may_be_empty))
      if (auto why = check_path(v)) return why;
    c.*field = std::string(v);
    return std::nullopt;
  };
}

template <class E>
Setter one_of(E Config::*field, std::vector<std::pair<std::string_view, E>> names) {
  return [=](Config& c, std::string_view v) -> Why {
    std::string list;
    for (const auto& [n, e] : names) {
      if (v == n) {
        c.*field = e;
        return std::nullopt;
      }
      list += (list.empty() ? "" : ", ") + std::string(n);
    }
    return quoted(v) + " is not one of " + list;
  };
}

Setter device(std::string DeviceConfig::*field, Why (*check)(std::string_view)) {
  return [=](Config& c, std::string_view v) -> Why {
    if (v.empty()) return std::string("needs a value ('none' when not fitted)");
    if (auto why = check(v)) return why;
    c.devices.*field = std::string(v);
    return std::nullopt;
  };
}

Why set_id(Config& c, std::string_view v) {
  if (v.empty() || v.size() > 64) return std::string("needs 1 to 64 characters");
  for (char ch : v)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
      return std::string("may hold only letters, digits, '-', '_' and '.'");
  c.kiosk_id = std::string(v);
  return std::nullopt;
}

Why set_jurisdiction(Config& c, std::string_view v) {
  c.jurisdiction.clear();
  if (v.empty()) return std::nullopt;
  std::size_t pos = 0;
  while (pos <= v.size()) {
    auto comma = v.find(',', pos);
    auto part = trim(v.substr(pos, comma == std::string_view::npos ? v.size() - pos : comma - pos));
    if (part.empty() || part.size() > 6)
      return std::string("jurisdiction prefixes are 1 to 6 digits, separated by commas");
    for (char ch : part)
      if (ch < '0' || ch > '9') return quoted(part) + " is not a GB/T 2260 prefix";
    c.jurisdiction.emplace_back(part);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return std::nullopt;
}

Why set_listen(Config& c, std::string_view v) {
  // An address literal only: the UI is never bound by a name that DNS could change.
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(v), ec);
  if (ec || v.empty()) return quoted(v) + " is not an IP address";
  if (a.is_v6() && a.to_v6().scope_id() != 0) return quoted(v) + ": no scoped addresses";
  c.listen = std::string(v);
  return std::nullopt;
}

Why set_url(Config& c, std::string_view v) {
  if (!v.empty()) {
    if (v.substr(0, 7) != "http://")
      return std::string("only http:// URLs (the files are signed; TLS adds nothing here)");
    auto u = parse_http_url(v);
    // The port as the fetch would connect to it: 1..65535.
    if (!u || u->port.size() > 5 || std::stoul(u->port) < 1 || std::stoul(u->port) > 65535)
      return quoted(v) + " is not http://HOST[:PORT]/PATH (PORT 1..65535)";
  }
  c.url = std::string(v);
  return std::nullopt;
}

Why set_metrics_listen(Config& c, std::string_view v) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(v), ec);
  if (ec || v.empty()) return quoted(v) + " is not an IPv4 or IPv6 literal";
  c.metrics_listen = std::string(v);
  return std::nullopt;
}

Why set_text(std::string DeviceConfig::*field, Config& c, std::string_view v) {
  c.devices.*field = std::string(v);
  return std::nullopt;
}

// A [console] key: its parser lives with ConsoleConfig (console_config.h).
Setter console(std::string_view key) {
  const ConsoleSetter& set = console_keys().find(key)->second;
  return [&set](Config& c, std::string_view v) { return set(c.console, v); };
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  // The one table: section, key, default (as written in the file), type, help, parser.
  static const std::vector<ConfigKey> keys = {
      {"kiosk", "id", "kiosk", "1-64 of A-Z a-z 0-9 - _ .",
       "shown on the screens and in every audit record", set_id},
      {"kiosk", "mode", "counter", "counter | self-service",
       "what / serves: the officer's screen or the applicant's (both stay at /officer, /self)",
       one_of(&Config::mode, {{"counter", Mode::kCounter}, {"self-service", Mode::kSelfService}})},
      {"kiosk", "jurisdiction", "", "GB/T 2260 prefixes (1-6 digits), comma separated",
       "credentials must be for one of these places; empty: not applied", set_jurisdiction},
      {"kiosk", "max_age", "90", "1..3600 seconds", "how long an e-card QR stays fresh",
       number(&Config::max_age, 1, 3600)},
      {"kiosk", "skew", "30", "0..3600 seconds", "how far a phone's clock may run ahead",
       number(&Config::skew, 0, 3600)},
      {"kiosk", "session_timeout", "120", "1..86400 seconds",
       "after the last read, the screen clears", number(&Config::session_timeout, 1, 86400)},
      {"kiosk", "utc_offset_minutes", "480", "-720..840 minutes",
       "where today starts for the day's counts (480: China Standard Time)",
       number(&Config::utc_offset_minutes, -720, 840)},
      {"kiosk", "service", "residence-permit", "residence-permit | work-permit-check",
       "what this counter serves: the screens' purpose line answers for it",
       [](Config& c, std::string_view v) -> Why {
         auto s = counter_service_from_name(v);
         if (!s) return quoted(v) + " is not residence-permit or work-permit-check";
         c.service = *s;
         return std::nullopt;
       }},
      {"ui", "listen", "127.0.0.1", "IPv4 or IPv6 literal",
       "the screens' address (loopback: the kiosk's own browser)", set_listen},
      {"ui", "port", "8080", "0..65535 (0: any free port)", "the screens' TCP port",
       number(&Config::port, 0, 65535)},
      {"ui", "www", "/usr/share/kiosk/www", "absolute path",
       "the screens' files (officer.html, self.html, kiosk.css, *.js)", path(&Config::www)},
      {"ui", "places", "/usr/share/kiosk/gbt2260", "absolute path of a readable folder",
       "the GB/T 2260 place names (provinces.csv, cities.csv, areas.csv) the screens show",
       path(&Config::places)},
      {"ui", "max_connections", "32", "1..1024",
       "HTTP and WebSocket connections at once; more are answered 503",
       number(&Config::max_connections, 1, 1024)},
      {"data", "dir", "/var/lib/kiosk", "absolute path of an existing, writable folder",
       "the state folder: trust.db, audit.db and the kiosk's keys", path(&Config::data_dir)},
      {"data", "anchors", "/usr/share/kiosk/anchors", "absolute path of a readable folder",
       "the trust anchors (*.pub) the key set must chain to", path(&Config::anchors_dir)},
      {"data", "audit_retention_days", "365", "0..36500 days (0: keep every record)",
       "older audit records are purged (the chain stays anchored)",
       number(&Config::audit_retention_days, 0, 36500)},
      {"data", "audit_epoch_seconds", "60", "1..86400 seconds",
       "the seal length of a new audit sealing key (docs/audit.md)",
       number(&Config::audit_epoch_seconds, 1, 86400)},
      {"data", "audit_stall_seconds", "5", "1..3600 seconds",
       "an audit write that takes longer tells the officer's screen the log is stalled "
       "(verdicts wait for their record)",
       number(&Config::audit_stall_seconds, 1, 3600)},
      {"trust", "watch_dir", "", "absolute path, or empty for none",
       "a folder polled for a trust package (keyset.cose, status/*.cose), e.g. a USB stick",
       path(&Config::watch_dir, true)},
      {"trust", "watch_interval", "5", "1..3600 seconds", "between polls of watch_dir",
       number(&Config::watch_interval, 1, 3600)},
      {"trust", "url", "", "http://HOST[:PORT]/PATH, or empty for none",
       "where BASE/manifest lists the trust files to fetch", set_url},
      {"trust", "url_interval", "3600", "10..604800 seconds", "between fetches of url",
       number(&Config::url_interval, 10, 7 * 86400)},
      {"trust", "expiry_warning_days", "7", "0..365 days",
       "the screen warns this long before the trust bundle expires",
       number(&Config::expiry_warning_days, 0, 365)},
      {"trust", "freshness_limit_hours", "48", "1..8760 hours",
       "a key set or status list older than this turns the verdict amber",
       number(&Config::freshness_limit_hours, 1, 8760)},
      {"metrics", "listen", "127.0.0.1", "IPv4 or IPv6 literal",
       "the metrics listener's address (off loopback only with tls_cert, tls_key and token_file)",
       set_metrics_listen},
      {"metrics", "port", "", "0..65535 (0: any free port), or empty for none",
       "Prometheus text format at /metrics (docs/fleet.md)",
       [](Config& c, std::string_view v) -> Why {
         if (v.empty()) {
           c.metrics_port.reset();
           return std::nullopt;
         }
         auto n = whole_number(v, 0, 65535);
         if (!n) return n.error();
         c.metrics_port = static_cast<std::uint16_t>(*n);
         return std::nullopt;
       }},
      {"metrics", "max_connections", "4", "1..64", "scrapes at once; more are closed at accept",
       number(&Config::metrics_max_connections, 1, 64)},
      {"metrics", "tls_cert", "", "absolute path, or empty for plain HTTP",
       "PEM certificate chain of the metrics listener (HTTPS; needed off loopback)",
       path(&Config::metrics_tls_cert, true)},
      {"metrics", "tls_key", "", "absolute path, or empty", "PEM private key of tls_cert",
       path(&Config::metrics_tls_key, true)},
      {"metrics", "token_file", "", "absolute path, or empty for none",
       "a file holding the bearer token scrapes must send (16-256 printable characters; needed "
       "off loopback)",
       path(&Config::metrics_token_file, true)},
      {"metrics", "client_ca", "", "absolute path, or empty for none",
       "PEM CA(s): a scraper must present a TLS client certificate one of them signed (with "
       "tls_cert; off loopback in place of, or with, token_file)",
       path(&Config::metrics_client_ca, true)},
      {"syslog", "relp", "", "HOST:PORT, or empty for none",
       "audit records to this RELP collector (rsyslog imrelp), RFC 5424, in order",
       [](Config& c, std::string_view v) -> Why {
         if (!v.empty() && !parse_relp_target(v)) return quoted(v) + " is not HOST:PORT";
         c.syslog_relp = std::string(v);
         return std::nullopt;
       }},
      {"syslog", "transport", "tls", "tls | plain",
       "tls: RELP over TLS, the collector's certificate verified; plain: TCP in clear text "
       "(only where the network itself is trusted)",
       [](Config& c, std::string_view v) -> Why {
         if (v != "tls" && v != "plain") return quoted(v) + " is not tls or plain";
         c.syslog_tls = v == "tls";
         return std::nullopt;
       }},
      {"syslog", "ca_file", "", "absolute path, or empty",
       "PEM: the CA(s) the collector's certificate must chain to (needed with transport = tls)",
       path(&Config::syslog_ca_file, true)},
      {"syslog", "server_name", "", "a DNS name or IP literal, or empty for the host of relp",
       "the name the collector's certificate must carry",
       [](Config& c, std::string_view v) -> Why {
         if (v.size() > 253 || v.find_first_of(" \t/\\\"'") != std::string_view::npos)
           return quoted(v) + " is not a host name";
         c.syslog_server_name = std::string(v);
         return std::nullopt;
       }},
      {"syslog", "client_cert", "", "absolute path, or empty for none",
       "PEM certificate chain the kiosk presents to the collector (imrelp tls.authMode)",
       path(&Config::syslog_client_cert, true)},
      {"syslog", "client_key", "", "absolute path, or empty", "PEM private key of client_cert",
       path(&Config::syslog_client_key, true)},
      {"clock", "source", "system", "system | fixed | offset",
       "the time credentials are checked at",
       one_of(&Config::clock, {{"system", ClockSource::kSystem},
                               {"fixed", ClockSource::kFixed},
                               {"offset", ClockSource::kOffset}})},
      {"clock", "fixed", "0", "0..253402300799 (Unix time)", "with source = fixed: this instant",
       number(&Config::clock_fixed, 0, INT64_C(253402300799))},
      {"clock", "offset", "0", "-3153600000..3153600000 seconds",
       "with source = offset: the system clock plus this",
       number(&Config::clock_offset, -INT64_C(3153600000), INT64_C(3153600000))},
      {"devices", "camera", "none", "none | /dev/videoN | N",
       "the camera whose frames are scanned for QR codes",
       device(&DeviceConfig::camera, check_camera_address)},
      {"devices", "camera_width", "1280", "0..7680 pixels", "the camera's frame width",
       device_number(&DeviceConfig::camera_width, 0, 7680)},
      {"devices", "camera_height", "720", "0..4320 pixels", "the camera's frame height",
       device_number(&DeviceConfig::camera_height, 0, 4320)},
      {"devices", "camera_fps", "30", "0..240 frames a second", "the camera's frame rate",
       device_number(&DeviceConfig::camera_fps, 0, 240)},
      {"devices", "camera_deadline_ms", "22", "10..5000 ms", "the scan time budget per frame",
       device_number(&DeviceConfig::camera_deadline_ms, 10, 5000)},
      {"devices", "camera_text", "", "text", "kioskd-demo's sim:scene: the QR text shown at start",
       [](Config& c, std::string_view v) { return set_text(&DeviceConfig::camera_text, c, v); }},
      {"devices", "scanner", "none",
       "none | /dev/ttyXXX | evdev:/dev/input/eventN | evdev-name:NAME",
       "the 2D scanner: a serial port or a USB HID keyboard",
       device(&DeviceConfig::scanner, check_scanner_address)},
      {"devices", "scanner_baud", "9600", "1200..921600", "a serial scanner's speed",
       device_number(&DeviceConfig::scanner_baud, 1200, 921600)},
      {"devices", "scanner_terminator", "CR", "CR | LF | CRLF | 0xNN",
       "what ends a serial scanner's read",
       [](Config& c, std::string_view v) -> Why {
         if (!drivers::Terminator::parse(v))
           return quoted(v) + " is not CR, LF, CRLF or a byte as 0xNN";
         return set_text(&DeviceConfig::scanner_terminator, c, v);
       }},
      {"devices", "scanner_grab", "yes", "yes | no",
       "an evdev scanner's key presses reach no other program",
       boolean(&DeviceConfig::scanner_grab)},
      {"devices", "reader", "none", "none | pcsc | pcsc:READER NAME",
       "the card reader for the social security card's chip",
       device(&DeviceConfig::reader, check_reader_address)},
      {"devices", "feed", "", "absolute path, or empty for none",
       "kioskd-demo only: a file of recorded presentations played as if read",
       [](Config& c, std::string_view v) -> Why {
         if (!v.empty())
           if (auto why = check_path(v)) return why;
         return set_text(&DeviceConfig::feed, c, v);
       }},
      {"devices", "feed_loop", "no", "yes | no", "play the feed again when it ends",
       boolean(&DeviceConfig::feed_loop)},
      {"console", "self_listen", "", "IPv4 or IPv6 literal, or empty for none",
       "a listener of its own for the applicant's screen (no officer page, no holder data)",
       console("self_listen")},
      {"console", "self_port", "0", "0..65535 (0: any free port)",
       "the self-service listener's TCP port", console("self_port")},
      {"console", "tls_cert", "", "absolute path, or empty for plain HTTP",
       "PEM certificate chain of the console (HTTPS/WSS; needed off loopback)",
       console("tls_cert")},
      {"console", "tls_key", "", "absolute path, or empty", "PEM private key of tls_cert",
       console("tls_key")},
      {"console", "allowed_hosts", "", "host names or addresses, comma separated",
       "Host headers the console answers to, besides loopback and [ui] listen",
       console("allowed_hosts")},
      {"console", "max_per_client", "8", "1..1024",
       "connections from one address (a signed-in officer's WebSocket is not counted)",
       console("max_per_client")},
      {"console", "session_idle", "900", "2..86400 seconds",
       "an officer's session ends after this long without a request", console("session_idle")},
      {"console", "session_lifetime", "43200", "60..604800 seconds",
       "an officer's session ends this long after sign-in", console("session_lifetime")},
  };
  return keys;
}

std::string Config::where(std::string_view section_key) const {
  auto it = origin.find(section_key);
  return it == origin.end() ? std::string("(defaults)") : it->second;
}

std::string ConfigError::message() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

Config default_config() {
  Config c;
  for (const ConfigKey& k : config_keys()) {
    auto why = k.set(c, k.fallback);
    (void)why;  // the table's own defaults parse (kioskd_unit_test checks every one)
  }
  return c;
}

Result<Config, ConfigError> parse_config(std::string_view text, const std::string& file,
                                         const DeviceRegistry* devices) {
  if (!devices) devices = &production_devices();
  Config c = default_config();
  std::string section;
  std::set<std::string, std::less<>> sections;
  for (const ConfigKey& k : config_keys())
    sections.emplace(k.section);
  std::set<std::string> seen;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto fail = [&](std::string reason) {
      return Unexpected{ConfigError{file, line_no, std::move(reason)}};
    };
    if (raw.size() > 4096) return fail("line longer than 4096 characters");
    for (unsigned char ch : raw)
      if (ch < 0x20 && ch != '\t' && ch != '\r') return fail("control character in the line");
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return fail("a section header must end with ']'");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (!sections.count(section)) {
        std::string known;
        for (const auto& name : sections)
          known += (known.empty() ? "" : ", ") + name;
        return fail("unknown section [" + section + "] (known: " + known + ")");
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected 'key = value' or '[section]'");
    std::string key(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    // A comment may follow a value after " #".
    if (auto hash = value.find(" #"); hash != std::string_view::npos)
      value = trim(value.substr(0, hash));
    if (section.empty()) return fail("'" + key + "' is outside any [section]");
    const ConfigKey* spec = nullptr;
    std::string known;
    for (const ConfigKey& k : config_keys()) {
      if (k.section != section) continue;
      if (k.key == key) spec = &k;
      known += (known.empty() ? "" : ", ") + std::string(k.key);
    }
    if (!spec) return fail("unknown key '" + key + "' in [" + section + "] (known: " + known + ")");
    if (!seen.insert(section + "." + key).second)
      return fail("'" + key + "' given twice in [" + section + "]");
    if (auto why = spec->set(c, value)) return fail(key + ": " + *why);
    if (section == "devices" && (key == "camera" || key == "scanner" || key == "reader")) {
      DeviceClass dc = key == "camera"    ? DeviceClass::kCamera
                       : key == "scanner" ? DeviceClass::kScanner
                                          : DeviceClass::kReader;
      if (auto a = devices->resolve(dc, value); !a) return fail(key + ": " + a.error());
    }
    if (section == "devices" && key == "feed" && !value.empty() && !devices->feed())
      return fail(
          "feed: recorded presentations are a simulated input; this kioskd plays none "
          "(kioskd-demo of package onecard-kiosk-sim does)");
    c.origin[section + "." + key] = file + ":" + std::to_string(line_no);
  }
  if (c.clock == ClockSource::kFixed && !seen.count("clock.fixed"))
    return Unexpected{ConfigError{file, 0, "[clock] source = fixed needs fixed = EPOCH"}};
  for (const ConfigKey& k : config_keys()) {
    std::string sk = std::string(k.section) + "." + std::string(k.key);
    if (!c.origin.count(sk))
      c.origin[sk] =
          file + " ([" + std::string(k.section) + "] " + std::string(k.key) + " default)";
  }
  return c;
}

Result<Config, ConfigError> load_config(const std::string& path, const DeviceRegistry* devices) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return Unexpected{ConfigError{path, 0, "is a folder, not a file"}};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{ConfigError{path, 0, "cannot open the file"}};
  std::string text;
  text.resize(1024 * 1024 + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > 1024 * 1024) return Unexpected{ConfigError{path, 0, "larger than 1 MiB"}};
  return parse_config(text, path, devices);
}

Result<std::string, std::string> read_metrics_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{path + ": cannot be read"};
  std::string text(1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  if (text.size() < 16 || text.size() > 256)
    return Unexpected{path + ": the token must be 16-256 characters on one line"};
  for (char ch : text)
    if (!std::isalnum(static_cast<unsigned char>(ch)) &&
        std::string_view("-._~+/=").find(ch) == std::string_view::npos)
      return Unexpected{path + ": the token may hold only A-Z a-z 0-9 - . _ ~ + / ="};
  return text;
}

std::optional<ConfigError> check_config(const Config& c) {
  // The error names where the key came from: "FILE:LINE" (parse_config) or another origin.
  auto fail = [&](std::string_view key, std::string reason) {
    std::string w = c.where(key);
    std::size_t line = 0;
    std::string file = w;
    if (auto colon = w.rfind(':');
        colon != std::string::npos && colon + 1 < w.size() &&
        w.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
      file = w.substr(0, colon);
      line = static_cast<std::size_t>(std::stoul(w.substr(colon + 1)));
    }
    return ConfigError{file, line, std::move(reason)};
  };
  std::error_code ec;
  if (!fs::is_directory(c.data_dir, ec))
    return fail("data.dir", "[data] dir " + c.data_dir +
                                ": the state folder does not exist (the package makes "
                                "/var/lib/kiosk; create it, owned by the kiosk's user)");
  if (::access(c.data_dir.c_str(), R_OK | W_OK | X_OK) != 0)
    return fail("data.dir", "[data] dir " + c.data_dir + ": the state folder is not writable");
  if (!fs::is_directory(c.anchors_dir, ec) || ::access(c.anchors_dir.c_str(), R_OK | X_OK) != 0)
    return fail("data.anchors",
                "[data] anchors " + c.anchors_dir + ": not a readable folder of trust anchors");
  for (fs::directory_iterator it(c.anchors_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".pub") continue;
    std::ifstream f(it->path(), std::ios::binary);
    if (!f || f.peek() == std::ifstream::traits_type::eof())
      return fail("data.anchors",
                  "[data] anchors: " + it->path().string() + " cannot be read (or is empty)");
  }
  if (ec) return fail("data.anchors", "[data] anchors " + c.anchors_dir + ": " + ec.message());
  if (::access((c.www + "/officer.html").c_str(), R_OK) != 0)
    return fail("ui.www", "[ui] www " + c.www + ": no readable officer.html (the screens' files)");
  // Holder records never cross the network in clear text.
  if (auto why = check_console(c.console, c.listen)) return fail("ui.listen", *why);
  if (c.metrics_tls_cert.empty() != c.metrics_tls_key.empty())
    return fail("metrics.tls_cert", "[metrics] tls_cert and tls_key go together");
  if (!c.metrics_client_ca.empty() && c.metrics_tls_cert.empty())
    return fail("metrics.client_ca", "[metrics] client_ca needs TLS (tls_cert, tls_key)");
  if (c.metrics_port && !is_loopback_literal(c.metrics_listen) &&
      (c.metrics_tls_cert.empty() || (c.metrics_token_file.empty() && c.metrics_client_ca.empty())))
    return fail("metrics.listen",
                "[metrics] listen = " + c.metrics_listen +
                    " is not loopback: the metrics listener needs TLS (tls_cert, tls_key) and a "
                    "bearer token (token_file) or client certificates (client_ca) there");
  if (!c.metrics_token_file.empty()) {
    auto token = read_metrics_token(c.metrics_token_file);
    if (!token) return fail("metrics.token_file", "[metrics] token_file " + token.error());
  }
  if (!c.syslog_relp.empty() && c.syslog_tls) {
    auto readable = [](const std::string& f) {
      return fs::is_regular_file(f) && ::access(f.c_str(), R_OK) == 0;
    };
    if (c.syslog_ca_file.empty())
      return fail(
          "syslog.relp",
          "[syslog] relp over TLS needs ca_file (the collector's CA), or transport = plain");
    if (!readable(c.syslog_ca_file))
      return fail("syslog.ca_file", "[syslog] ca_file " + c.syslog_ca_file + ": cannot be read");
    if (c.syslog_client_cert.empty() != c.syslog_client_key.empty())
      return fail(c.syslog_client_cert.empty() ? "syslog.client_key" : "syslog.client_cert",
                  "[syslog] client_cert and client_key go together");
    for (const auto& [key, f] : {std::pair{"syslog.client_cert", c.syslog_client_cert},
                                 std::pair{"syslog.client_key", c.syslog_client_key}})
      if (!f.empty() && !readable(f))
        return fail(key, "[syslog] " + std::string(key).substr(7) + " " + f + ": cannot be read");
  }
  return std::nullopt;
}

std::string default_config_text() {
  std::string out =
      "# /etc/kiosk/kioskd.conf: the configuration of kioskd, read once at start-up.\n"
      "# A conffile of the onecard-kiosk package: local changes survive upgrades.\n"
      "# Every key is shown commented out at its default (`kioskd --help-config` lists them;\n"
      "# docs/kioskd-config.md explains them). As installed, kioskd serves the officer's screen "
      "on\n"
      "# http://127.0.0.1:8080/ and keeps its state in /var/lib/kiosk. Set [data] anchors to the\n"
      "# folder of this counter's trust anchors before use.\n"
      "# Generated by `kioskd --print-default-config`.\n";
  std::string_view section;
  for (const ConfigKey& k : config_keys()) {
    if (k.section != section) {
      section = k.section;
      out += "\n[" + std::string(section) + "]\n";
    }
    out += "# " + std::string(k.help) + " (" + std::string(k.type) + ")\n";
    out += "#" + std::string(k.key) + " =" + (k.fallback.empty() ? "" : " ") +
           std::string(k.fallback) + "\n";
  }
  return out;
}

std::string config_help_text() {
  std::string out = "kioskd.conf keys (section, key, default, type: meaning):\n";
  for (const ConfigKey& k : config_keys()) {
    out += "  [" + std::string(k.section) + "] " + std::string(k.key) + " = " +
           (k.fallback.empty() ? std::string("(empty)") : std::string(k.fallback)) + "\n      " +
           std::string(k.type) + ": " + std::string(k.help) + "\n";
  }
  return out;
}

}  // namespace kiosk::kioskd
