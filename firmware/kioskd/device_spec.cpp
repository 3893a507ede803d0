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

}  // namespace

std::optional<CameraSpec> parse_camera_address(std::string_view v) {
  using K = CameraSpec::Kind;
  if (v == "none") return CameraSpec{K::kNone, ""};
  if (v == "sim:scene") return CameraSpec{K::kSimScene, ""};
  struct Prefix {
    std::string_view p;
    K k;
  };
  for (Prefix x : {Prefix{"sim:still:", K::kSimStill}, Prefix{"sim:folder:", K::kSimFolder},
                   Prefix{"sim:video:", K::kSimVideo}}) {
    if (starts(v, x.p)) {
      auto path = v.substr(x.p.size());
      if (path.empty()) return std::nullopt;
      return CameraSpec{x.k, std::string(path)};
    }
  }
  if ((starts(v, "/") && v.size() > 1) || all_digits(v))
    return CameraSpec{K::kV4l2, std::string(v)};
  return std::nullopt;
}

std::optional<ScannerSpec> parse_scanner_address(std::string_view v) {
  using K = ScannerSpec::Kind;
  if (v == "none") return ScannerSpec{K::kNone, ""};
  if (starts(v, "evdev:")) {
    auto p = v.substr(6);
    if (!starts(p, "/") || p.size() < 2) return std::nullopt;
    return ScannerSpec{K::kEvdevPath, std::string(p)};
  }
  if (starts(v, "evdev-name:")) {
    auto n = v.substr(11);
    if (n.empty()) return std::nullopt;
    return ScannerSpec{K::kEvdevName, std::string(n)};
  }
  if (starts(v, "/") && v.size() > 1) return ScannerSpec{K::kSerial, std::string(v)};
  return std::nullopt;
}

std::optional<ReaderSpec> parse_reader_address(std::string_view v) {
  using K = ReaderSpec::Kind;
  if (v == "none") return ReaderSpec{K::kNone, ""};
  if (v == "pcsc") return ReaderSpec{K::kPcsc, ""};
  if (starts(v, "pcsc:") && v.size() > 5) return ReaderSpec{K::kPcsc, std::string(v.substr(5))};
  return std::nullopt;
}

std::optional<std::string> check_camera_address(std::string_view v) {
  if (parse_camera_address(v)) return std::nullopt;
  return "'" + std::string(v) +
         "' is not a camera (none, /dev/videoN, N, sim:scene, sim:still:PATH, sim:folder:DIR, "
         "sim:video:PATH)";
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
