// The device addresses of kioskd's [devices] section (docs/kioskd-config.md), parsed once into
// a kind (which factory of the DeviceRegistry makes the device) and its argument.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiosk::kioskd {

/// kind "none" (not fitted), a real driver ("v4l2", "serial", "evdev", "evdev-name", "pcsc"), or
/// a simulated device ("sim:NAME", only in kioskd-demo); `arg` is the node, file, folder or name.
struct DeviceAddress {
  std::string kind;
  std::string arg;
  bool none() const { return kind == "none"; }
  bool simulated() const { return kind.rfind("sim:", 0) == 0; }
};

/// camera  = none | /dev/videoN | N | sim:NAME[:ARG] (sim:scene, sim:still:PNG, ...)
std::optional<DeviceAddress> parse_camera_address(std::string_view v);
/// scanner = none | /dev/ttyXXX (serial) | evdev:/dev/input/eventN | evdev-name:NAME | sim:NAME
std::optional<DeviceAddress> parse_scanner_address(std::string_view v);
/// reader  = none | pcsc | pcsc:READER NAME | sim:NAME[:ARG]
std::optional<DeviceAddress> parse_reader_address(std::string_view v);

/// The reason an address is not valid in form, for the config's FILE:LINE errors.
std::optional<std::string> check_camera_address(std::string_view v);
std::optional<std::string> check_scanner_address(std::string_view v);
std::optional<std::string> check_reader_address(std::string_view v);

}  // namespace kiosk::kioskd
