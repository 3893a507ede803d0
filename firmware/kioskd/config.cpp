#include "firmware/kioskd/config.h"

#include "drivers/scanner/line_framer.h"
#include "firmware/kioskd/device_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace kiosk::kioskd {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

using Setter = std::function<std::optional<std::string>(Config&, std::string_view)>;

// Reads a whole number in lo..hi into `out`; else says why not (and leaves `out` alone).
std::optional<std::string> read_integer(std::string_view v, std::int64_t lo, std::int64_t hi,
                                        std::int64_t& out) {
  auto n = to_int(v);
  if (!n) return "'" + std::string(v) + "' is not a whole number";
  if (*n < lo || *n > hi)
    return std::to_string(*n) + " is out of range " + std::to_string(lo) + ".." +
           std::to_string(hi);
  out = *n;
  return std::nullopt;
}

Setter integer(std::int64_t Config::*field, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, std::string_view v) { return read_integer(v, lo, hi, c.*field); };
}

Setter text(std::string Config::*field, bool may_be_empty = false) {
  return [=](Config& c, std::string_view v) -> std::optional<std::string> {
    if (v.empty() && !may_be_empty) return std::string("needs a value");
    c.*field = std::string(v);
    return std::nullopt;
  };
}

Setter device(std::string DeviceConfig::*field,
              std::optional<std::string> (*check)(std::string_view) = nullptr) {
  return [=](Config& c, std::string_view v) -> std::optional<std::string> {
    if (v.empty()) return std::string("needs a value ('none' when not fitted)");
    if (check)
      if (auto why = check(v)) return why;
    c.devices.*field = std::string(v);
    return std::nullopt;
  };
}

template <class T>
Setter device_number(T DeviceConfig::*field, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, std::string_view v) -> std::optional<std::string> {
    std::int64_t n = 0;
    if (auto why = read_integer(v, lo, hi, n)) return why;
    c.devices.*field = static_cast<T>(n);
    return std::nullopt;
  };
}

std::optional<std::string> check_boolean(std::string_view v, bool& out) {
  if (v == "yes" || v == "true" || v == "on" || v == "1") {
    out = true;
  } else if (v == "no" || v == "false" || v == "off" || v == "0") {
    out = false;
  } else {
    return "'" + std::string(v) + "' is not yes or no";
  }
  return std::nullopt;
}

std::optional<std::string> set_jurisdiction(Config& c, std::string_view v) {
  c.jurisdiction.clear();
  std::size_t pos = 0;
  while (pos <= v.size()) {
    auto comma = v.find(',', pos);
    auto part = trim(v.substr(pos, comma == std::string_view::npos ? v.size() - pos : comma - pos));
    if (part.empty() || part.size() > 6)
      return "jurisdiction prefixes are 1 to 6 digits, separated by commas";
    for (char ch : part)
      if (ch < '0' || ch > '9') return "'" + std::string(part) + "' is not a GB/T 2260 prefix";
    c.jurisdiction.emplace_back(part);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return std::nullopt;
}

std::optional<std::string> set_listen(Config& c, std::string_view v) {
  // An address literal only: the UI is never bound by a name that DNS could change.
  bool v4 = !v.empty() && v.find_first_not_of("0123456789.") == std::string_view::npos &&
            std::count(v.begin(), v.end(), '.') == 3;
  bool v6 = !v.empty() && v.find(':') != std::string_view::npos &&
            v.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
  if (!v4 && !v6) return "'" + std::string(v) + "' is not an IP address";
  c.listen = std::string(v);
  return std::nullopt;
}

std::optional<std::string> set_url(Config& c, std::string_view v) {
  if (!v.empty() && v.substr(0, 7) != "http://")
    return std::string("only http:// URLs (the files are signed; TLS adds nothing here)");
  if (v.size() > 7 && (v[7] == '/' || v[7] == ':')) return std::string("the URL has no host");
  c.url = std::string(v);
  return std::nullopt;
}

const std::map<std::string, std::map<std::string, Setter>, std::less<>>& table() {
  static const std::map<std::string, std::map<std::string, Setter>, std::less<>> t = {
      {"kiosk",
       {
           {"id",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              if (v.empty() || v.size() > 64) return std::string("needs 1 to 64 characters");
              for (char ch : v)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' &&
                    ch != '.')
                  return std::string("may hold only letters, digits, '-', '_' and '.'");
              c.kiosk_id = std::string(v);
              return std::nullopt;
            }},
           {"mode",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              if (v == "counter") {
                c.mode = Mode::kCounter;
              } else if (v == "self-service") {
                c.mode = Mode::kSelfService;
              } else {
                return "'" + std::string(v) + "' is not counter or self-service";
              }
              return std::nullopt;
            }},
           {"jurisdiction", set_jurisdiction},
           {"max_age", integer(&Config::max_age, 1, 3600)},
           {"skew", integer(&Config::skew, 0, 3600)},
           {"session_timeout", integer(&Config::session_timeout, 1, 86400)},
           {"utc_offset_minutes", integer(&Config::utc_offset_minutes, -720, 840)},
           {"service",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              auto s = counter_service_from_name(v);
              if (!s)
                return "'" + std::string(v) + "' is not residence-permit or work-permit-check";
              c.service = *s;
              return std::nullopt;
            }},
       }},
      {"ui",
       {
           {"listen", set_listen},
           {"port",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              auto n = to_int(v);
              if (!n || *n < 0 || *n > 65535)
                return "'" + std::string(v) + "' is not a port (0..65535, 0 = any free port)";
              c.port = static_cast<std::uint16_t>(*n);
              return std::nullopt;
            }},
           {"www", text(&Config::www)},
           {"places", text(&Config::places)},
           {"max_connections",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              auto n = to_int(v);
              if (!n || *n < 1 || *n > 1024) return std::string("needs 1..1024");
              c.max_connections = static_cast<std::size_t>(*n);
              return std::nullopt;
            }},
       }},
      {"data",
       {
           {"dir", text(&Config::data_dir)},
           {"anchors", text(&Config::anchors_dir)},
           {"audit_retention_days", integer(&Config::audit_retention_days, 0, 36500)},
       }},
      {"trust",
       {
           {"watch_dir", text(&Config::watch_dir, true)},
           {"watch_interval", integer(&Config::watch_interval, 1, 3600)},
           {"url", set_url},
           {"url_interval", integer(&Config::url_interval, 10, 7 * 86400)},
           {"expiry_warning_days", integer(&Config::expiry_warning_days, 0, 365)},
           {"freshness_limit_hours", integer(&Config::freshness_limit_hours, 1, 8760)},
       }},
      {"clock",
       {
           {"source",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              if (v == "system") {
                c.clock = ClockSource::kSystem;
              } else if (v == "fixed") {
                c.clock = ClockSource::kFixed;
              } else if (v == "offset") {
                c.clock = ClockSource::kOffset;
              } else {
                return "'" + std::string(v) + "' is not system, fixed or offset";
              }
              return std::nullopt;
            }},
           {"fixed", integer(&Config::clock_fixed, 0, INT64_C(253402300799))},
           {"offset", integer(&Config::clock_offset, -INT64_C(3153600000), INT64_C(3153600000))},
       }},
      {"devices",
       {
           {"camera", device(&DeviceConfig::camera, check_camera_address)},
           {"scanner", device(&DeviceConfig::scanner, check_scanner_address)},
           {"reader", device(&DeviceConfig::reader, check_reader_address)},
           {"camera_width", device_number(&DeviceConfig::camera_width, 0, 7680)},
           {"camera_height", device_number(&DeviceConfig::camera_height, 0, 4320)},
           {"camera_fps", device_number(&DeviceConfig::camera_fps, 0, 240)},
           {"camera_deadline_ms", device_number(&DeviceConfig::camera_deadline_ms, 10, 5000)},
           {"camera_text",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              c.devices.camera_text = std::string(v);
              return std::nullopt;
            }},
           {"scanner_baud", device_number(&DeviceConfig::scanner_baud, 1200, 921600)},
           {"scanner_terminator",
            [](Config& c, std::string_view v) -> std::optional<std::string> {
              if (!drivers::Terminator::parse(v))
                return "'" + std::string(v) + "' is not CR, LF, CRLF or a byte as 0xNN";
              c.devices.scanner_terminator = std::string(v);
              return std::nullopt;
            }},
           {"scanner_grab",
            [](Config& c, std::string_view v) { return check_boolean(v, c.devices.scanner_grab); }},
           {"feed",
            [](Config& c, std::string_view v) -> std::
                                                  optional<std::string> {
                                                    c.devices.feed = std::string(v);
                                                    return std::nullopt;
                                                  }},
           {"feed_loop",
            [](Config& c, std::string_view v) { return check_boolean(v, c.devices.feed_loop); }},
       }},
  };
  return t;
}

}  // namespace

std::string ConfigError::message() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

Result<Config, ConfigError> parse_config(std::string_view text, const std::string& file) {
  Config c;
  std::string section;
  std::set<std::string> seen;
  bool fixed_given = false;
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
      if (!table().count(section)) {
        std::string known;
        for (const auto& [name, keys] : table())
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
    if (section.empty()) return fail("'" + key + "' before any [section]");
    const auto& keys = table().find(section)->second;
    auto it = keys.find(key);
    if (it == keys.end()) {
      std::string known;
      for (const auto& [name, setter] : keys)
        known += (known.empty() ? "" : ", ") + name;
      return fail("unknown key '" + key + "' in [" + section + "] (known: " + known + ")");
    }
    if (!seen.insert(section + "." + key).second)
      return fail("'" + key + "' given twice in [" + section + "]");
    if (auto why = it->second(c, value)) return fail(key + ": " + *why);
    if (section == "clock" && key == "fixed") fixed_given = true;
  }
  if (c.clock == ClockSource::kFixed && !fixed_given)
    return Unexpected{ConfigError{file, 0, "[clock] source = fixed needs fixed = EPOCH"}};
  return c;
}

Result<Config, ConfigError> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{ConfigError{path, 0, "cannot open the file"}};
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 1024 * 1024) return Unexpected{ConfigError{path, 0, "larger than 1 MiB"}};
  return parse_config(text, path);
}

std::optional<ConfigError> check_complete(const Config& c, const std::string& file) {
  if (c.data_dir.empty()) return ConfigError{file, 0, "[data] dir is required"};
  if (c.anchors_dir.empty()) return ConfigError{file, 0, "[data] anchors is required"};
  return std::nullopt;
}

}  // namespace kiosk::kioskd
