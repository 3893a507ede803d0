#include "firmware/kioskd/device_spec.h"

namespace kiosk::kioskd {
namespace {

bool starts(std::string_view v, std::string_view p) {
  return v.substr(0, p.size()) == p;
}

bool all_digits(std::string_view v) {
  if (v.empty() || v.size() > 3) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

// sim:NAME or sim:NAME:ARG (ARG, when the colon is there, not empty).
std::optional<DeviceAddress> parse_sim(std::string_view v) {
  auto rest = v.substr(4);
  auto colon = rest.find(':');
  auto name = rest.substr(0, colon);
  if (name.empty()) return std::nullopt;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
  if (colon == std::string_view::npos) return DeviceAddress{std::string(v), ""};
  auto arg = rest.substr(colon + 1);
  if (arg.empty()) return std::nullopt;
  return DeviceAddress{"sim:" + std::string(name), std::string(arg)};
}

}  // namespace

std::optional<DeviceAddress> parse_camera_address(std::string_view v) {
  if (v == "none") return DeviceAddress{"none", ""};
  if (starts(v, "sim:")) return parse_sim(v);
  if ((starts(v, "/") && v.size() > 1) || all_digits(v))
    return DeviceAddress{"v4l2", std::string(v)};
  return std::nullopt;
}

std::optional<DeviceAddress> parse_scanner_address(std::string_view v) {
  if (v == "none") return DeviceAddress{"none", ""};
  if (starts(v, "sim:")) return parse_sim(v);
  if (starts(v, "evdev:")) {
    auto p = v.substr(6);
    if (!starts(p, "/") || p.size() < 2) return std::nullopt;
    return DeviceAddress{"evdev", std::string(p)};
  }
  if (starts(v, "evdev-name:")) {
    auto n = v.substr(11);
    if (n.empty()) return std::nullopt;
    return DeviceAddress{"evdev-name", std::string(n)};
  }
  if (starts(v, "/") && v.size() > 1) return DeviceAddress{"serial", std::string(v)};
  return std::nullopt;
}

std::optional<DeviceAddress> parse_reader_address(std::string_view v) {
  if (v == "none") return DeviceAddress{"none", ""};
  if (starts(v, "sim:")) return parse_sim(v);
  if (v == "pcsc") return DeviceAddress{"pcsc", ""};
  if (starts(v, "pcsc:") && v.size() > 5) return DeviceAddress{"pcsc", std::string(v.substr(5))};
  return std::nullopt;
}

std::optional<std::string> check_camera_address(std::string_view v) {
  if (parse_camera_address(v)) return std::nullopt;
  return "'" + std::string(v) +
         "' is not a camera (none, /dev/videoN, N, or in kioskd-demo sim:scene, sim:still:PATH, "
         "sim:folder:DIR, sim:video:PATH)";
}

std::optional<std::string> check_scanner_address(std::string_view v) {
  if (parse_scanner_address(v)) return std::nullopt;
  return "'" + std::string(v) +
         "' is not a scanner (none, a serial device path, evdev:/dev/input/eventN, "
         "evdev-name:NAME)";
}

std::optional<std::string> check_reader_address(std::string_view v) {
  if (parse_reader_address(v)) return std::nullopt;
  return "'" + std::string(v) + "' is not a card reader (none, pcsc, pcsc:READER NAME)";
}

}  // namespace kiosk::kioskd
