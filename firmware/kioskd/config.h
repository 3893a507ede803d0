// kioskd's configuration: read once at start-up into a const struct (docs/kioskd-config.md).
// The file is `key = value` lines in `[section]`s; every error names the file, the line and why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/purpose.h"
#include "app/result.h"

namespace kiosk::kioskd {

enum class Mode { kCounter, kSelfService };
enum class ClockSource { kSystem, kFixed, kOffset };

/// A device: "none" (not fitted), or the driver's address (e.g. "/dev/video0", "pcsc").
struct DeviceConfig {
  std::string camera = "none";
  std::string scanner = "none";
  std::string reader = "none";
  std::string feed;        ///< a feed file (simulated presentations), "" for none
  bool feed_loop = false;  ///< replay the feed when it ends
  // Device settings (docs/kioskd-config.md; the addresses are parsed by device_spec.h).
  int camera_width = 1280;
  int camera_height = 720;
  double camera_fps = 30;
  std::int64_t camera_deadline_ms = 22;  ///< scan time budget per frame (30 fps: 33 ms a frame)
  std::string camera_text;               ///< sim:scene: the QR text shown at start
  unsigned scanner_baud = 9600;
  std::string scanner_terminator = "CR";
  bool scanner_grab = true;
};

struct Config {
  // [kiosk]
  std::string kiosk_id = "kiosk";
  Mode mode = Mode::kCounter;
  std::vector<std::string> jurisdiction;  ///< empty: the jurisdiction rule is not applied
  std::int64_t max_age = 90;
  std::int64_t skew = 30;
  std::int64_t session_timeout = 120;     ///< seconds after the last read
  std::int64_t utc_offset_minutes = 480;  ///< where "today" starts (China Standard Time)
  CounterService service = CounterService::kResidencePermit;  ///< what the purpose line answers
  // [ui]
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string www;     ///< "" = the installed or source-tree default
  std::string places;  ///< GB/T 2260 tables; "" = the installed or source-tree default
  std::size_t max_connections = 32;
  // [data]
  std::string data_dir;
  std::string anchors_dir;
  std::int64_t audit_retention_days = 365;  ///< 0 keeps everything
  // [trust]
  std::string watch_dir;  ///< "" for none
  std::int64_t watch_interval = 5;
  std::string url;  ///< "" for none; http://host[:port]/path
  std::int64_t url_interval = 3600;
  std::int64_t expiry_warning_days = 7;
  std::int64_t freshness_limit_hours = 48;  ///< key set or status list older: amber by the verdict
  // [clock]
  ClockSource clock = ClockSource::kSystem;
  std::int64_t clock_fixed = 0;
  std::int64_t clock_offset = 0;
  // [devices]
  DeviceConfig devices;
};

struct ConfigError {
  std::string file;
  std::size_t line = 0;  ///< 0: not about one line (e.g. a required key missing)
  std::string reason;
  std::string message() const;  ///< "FILE:LINE: REASON"
};

/// Parses a configuration text; `file` names it in errors. Unknown sections or keys, repeated
/// keys, values out of range and missing required keys are errors.
Result<Config, ConfigError> parse_config(std::string_view text, const std::string& file);

/// Reads and parses a configuration file.
Result<Config, ConfigError> load_config(const std::string& path);

/// Checks what needs a complete config (data dir and anchors set); used after overrides.
std::optional<ConfigError> check_complete(const Config& c, const std::string& file);

}  // namespace kiosk::kioskd
