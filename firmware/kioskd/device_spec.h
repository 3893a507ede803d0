// The device addresses of kioskd's [devices] section (docs/kioskd-config.md), parsed once: which
// driver, or which simulated device, serves the camera, the scanner and the card reader.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiosk::kioskd {

/// camera = none | /dev/videoN | N | sim:scene | sim:still:PATH | sim:folder:DIR | sim:video:PATH
struct CameraSpec {
  enum class Kind { kNone, kV4l2, kSimScene, kSimStill, kSimFolder, kSimVideo } kind = Kind::kNone;
  std::string path;  ///< the device node, file or folder
};

/// scanner = none | /dev/ttyXXX (serial) | evdev:/dev/input/eventN | evdev-name:KERNEL NAME
struct ScannerSpec {
  enum class Kind { kNone, kSerial, kEvdevPath, kEvdevName } kind = Kind::kNone;
  std::string target;  ///< device path or the kernel's device name
};

/// reader = none | pcsc | pcsc:READER NAME
struct ReaderSpec {
  enum class Kind { kNone, kPcsc } kind = Kind::kNone;
  std::string reader;  ///< "" for any reader
};

std::optional<CameraSpec> parse_camera_address(std::string_view v);
std::optional<ScannerSpec> parse_scanner_address(std::string_view v);
std::optional<ReaderSpec> parse_reader_address(std::string_view v);

/// The reason an address is not valid, for the config's FILE:LINE errors; nullopt when valid.
std::optional<std::string> check_camera_address(std::string_view v);
std::optional<std::string> check_scanner_address(std::string_view v);
std::optional<std::string> check_reader_address(std::string_view v);

}  // namespace kiosk::kioskd
