// kioskd's configuration: read once at start-up into a const struct (docs/kioskd-config.md).
// The file is `key = value` lines in `[section]`s; every error names the file, the line and why.
//
// One table (config_keys() in config.cpp) declares every key: its section, type and range, its
// default and its help. The parser, `kioskd --help-config`, the packaged kioskd.conf
// (`kioskd --print-default-config`) and the defaults of a Config all come from it. To add a key:
// add the field below (no initializer: the table holds the default) and one row to the table.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/purpose.h"
#include "app/result.h"
#include "firmware/kioskd/console_config.h"

namespace kiosk::kioskd {

class DeviceRegistry;

enum class Mode { kCounter, kSelfService };
enum class ClockSource { kSystem, kFixed, kOffset };

/// A device: "none" (not fitted), or its address (e.g. "/dev/video0", "pcsc"): device_spec.h.
struct DeviceConfig {
  std::string camera;
  std::string scanner;
  std::string reader;
  std::string feed;  ///< a feed file (recorded presentations), "" for none
  bool feed_loop{};  ///< replay the feed when it ends
  int camera_width{};
  int camera_height{};
  double camera_fps{};
  std::int64_t camera_deadline_ms{};  ///< scan time budget per frame (30 fps: 33 ms a frame)
  std::string camera_text;            ///< sim:scene: the QR text shown at start
  unsigned scanner_baud{};
  std::string scanner_terminator;
  bool scanner_grab{};
};

struct Config {
  // [kiosk]
  std::string kiosk_id;
  Mode mode{};
  std::vector<std::string> jurisdiction;  ///< empty: the jurisdiction rule is not applied
  std::int64_t max_age{};
  std::int64_t skew{};
  std::int64_t session_timeout{};     ///< seconds after the last read
  std::int64_t utc_offset_minutes{};  ///< where "today" starts
  CounterService service{};           ///< what the purpose line answers
  // [ui]
  std::string listen;
  std::uint16_t port{};
  std::string www;
  std::string places;  ///< the GB/T 2260 tables (provinces.csv, cities.csv, areas.csv)
  std::size_t max_connections{};
  // [data]
  std::string data_dir;
  std::string anchors_dir;
  std::int64_t audit_retention_days{};  ///< 0 keeps everything
  std::int64_t audit_epoch_seconds{};   ///< seal length for a new sealing key
  std::int64_t audit_stall_seconds{};   ///< one commit longer than this raises the screen's alarm
  // [trust]
  std::string watch_dir;  ///< "" for none
  std::int64_t watch_interval{};
  std::string url;  ///< "" for none; http://host[:port]/path
  std::int64_t url_interval{};
  std::int64_t expiry_warning_days{};
  // [metrics] (Prometheus text format; loopback only)
  std::string metrics_listen;
  std::optional<std::uint16_t> metrics_port;  ///< none: no metrics listener; 0: any free port
  std::size_t metrics_max_connections{};
  std::string metrics_tls_cert, metrics_tls_key;  ///< PEM; needed off loopback
  std::string metrics_token_file;  ///< a file holding the bearer token; needed off loopback
  std::string metrics_client_ca;   ///< PEM CA(s): scrapers present a certificate it signed
  // [syslog] audit records to a collector
  std::string syslog_relp;  ///< "" none; host:port of a RELP collector (rsyslog imrelp)
  bool syslog_tls = true;   ///< RELP over TLS; false only with transport = plain
  std::string syslog_ca_file, syslog_server_name, syslog_client_cert, syslog_client_key;
  std::int64_t freshness_limit_hours{};  ///< key set or status list older: amber by the verdict
  // [clock]
  ClockSource clock{};
  std::int64_t clock_fixed{};
  std::int64_t clock_offset{};
  // [devices]
  DeviceConfig devices;
  // [console]: the officer's console (console_config.h)
  ConsoleConfig console;

  /// Where each "section.key" was set ("FILE:LINE", or "FILE" for a default, or a program's
  /// option): the start-up checks name it.
  std::map<std::string, std::string, std::less<>> origin;
  /// Where `section.key` came from, e.g. "/etc/kiosk/kioskd.conf:12".
  std::string where(std::string_view section_key) const;
};

struct ConfigError {
  std::string file;
  std::size_t line = 0;  ///< 0: not about one line (e.g. a default that does not hold)
  std::string reason;
  std::string message() const;  ///< "FILE:LINE: REASON"
};

/// One key of the configuration: the single source of its type, range, default and meaning.
struct ConfigKey {
  std::string_view section;
  std::string_view key;
  std::string_view fallback;  ///< the default, as it would be written in the file
  std::string_view type;      ///< for people: "1..3600 seconds", "IP address", ...
  std::string_view help;      ///< one sentence
  /// Parses `value` into the config, or says why it cannot (the parser adds FILE:LINE).
  std::function<std::optional<std::string>(Config&, std::string_view value)> set;
};
const std::vector<ConfigKey>& config_keys();

/// The configuration every key at its default (what an empty file gives).
Config default_config();

/// Parses a configuration text; `file` names it in errors. Unknown sections or keys, a key
/// before any section, repeated keys, wrong types and values out of range are errors. Device
/// addresses must name a kind that `devices` has (default: the production drivers).
Result<Config, ConfigError> parse_config(std::string_view text, const std::string& file,
                                         const DeviceRegistry* devices = nullptr);

/// Reads and parses a configuration file.
Result<Config, ConfigError> load_config(const std::string& path,
                                        const DeviceRegistry* devices = nullptr);

/// The checks that need the machine, run at start-up after parsing (and any override): the
/// state folder exists and is writable, the anchors folder and its *.pub files are readable,
/// the screens' folder holds officer.html. Devices (and a feed) are not checked here: one that is
/// missing is shown on the officer's screen and comes back when plugged in. The error names where
/// the key was set.
std::optional<ConfigError> check_config(const Config& c);

/// The packaged kioskd.conf: every section, and every key commented out at its default with its
/// help (firmware/packaging/kioskd.conf is this text; a test keeps them equal).
std::string default_config_text();
/// `kioskd --help-config`: one line a key (section, key, type, default, help).
std::string config_help_text();

/// The bearer token in `path` (one line; 16-256 of A-Z a-z 0-9 - . _ ~ + / =); why not.
Result<std::string, std::string> read_metrics_token(const std::string& path);

}  // namespace kiosk::kioskd
