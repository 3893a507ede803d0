#include "firmware/kioskd/devices.h"

#include "drivers/camera/v4l2_camera.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "drivers/scanner/evdev_scanner.h"
#include "drivers/scanner/serial_scanner.h"

namespace kiosk::kioskd {
namespace {

template <class Map>
auto find(const Map& m, std::string_view kind) -> const typename Map::mapped_type* {
  auto it = m.find(kind);
  return it == m.end() ? nullptr : &it->second;
}

DeviceRegistry make_production() {
  DeviceRegistry r;
  r.add_camera("v4l2",
               [](const std::string& node,
                  const DeviceConfig& d) -> Result<std::unique_ptr<drivers::Camera>, std::string> {
                 drivers::V4l2Settings v;
                 v.device = node;
                 v.width = d.camera_width;
                 v.height = d.camera_height;
                 v.fps = d.camera_fps;
                 return drivers::make_v4l2_camera(v);
               });
  r.add_scanner(
      "serial",
      [](boost::asio::io_context& ioc, const DeviceAddress& a,
         const DeviceConfig& d) -> Result<std::shared_ptr<drivers::Scanner>, std::string> {
        drivers::SerialSettings s;
        s.device = a.arg;
        s.baud = d.scanner_baud;
        if (auto t = drivers::Terminator::parse(d.scanner_terminator)) s.terminator = *t;
        return std::shared_ptr<drivers::Scanner>(drivers::SerialScanner::create(ioc, s));
      });
  auto evdev = [](boost::asio::io_context& ioc, const DeviceAddress& a,
                  const DeviceConfig& d) -> Result<std::shared_ptr<drivers::Scanner>, std::string> {
    drivers::EvdevSettings s;
    (a.kind == "evdev" ? s.device : s.name) = a.arg;
    s.grab = d.scanner_grab;
    return std::shared_ptr<drivers::Scanner>(drivers::EvdevScanner::create(ioc, s));
  };
  r.add_scanner("evdev", evdev);
  r.add_scanner("evdev-name", evdev);
  r.add_reader(
      "pcsc",
      [](const std::string&,
         const DeviceConfig&) -> Result<std::unique_ptr<drivers::CardReader>, std::string> {
        return std::unique_ptr<drivers::CardReader>(std::make_unique<drivers::PcscCardReader>());
      });
  return r;
}

}  // namespace

std::string_view name(DeviceClass c) {
  switch (c) {
    case DeviceClass::kCamera:
      return "camera";
    case DeviceClass::kScanner:
      return "scanner";
    case DeviceClass::kReader:
      return "reader";
  }
  return "device";
}

const DeviceRegistry::CameraFactory* DeviceRegistry::camera(std::string_view kind) const {
  return find(cameras_, kind);
}
const DeviceRegistry::ScannerFactory* DeviceRegistry::scanner(std::string_view kind) const {
  return find(scanners_, kind);
}
const DeviceRegistry::ReaderFactory* DeviceRegistry::reader(std::string_view kind) const {
  return find(readers_, kind);
}

Result<DeviceAddress, std::string> DeviceRegistry::resolve(DeviceClass c,
                                                           std::string_view address) const {
  std::optional<DeviceAddress> a;
  std::optional<std::string> why;
  switch (c) {
    case DeviceClass::kCamera:
      a = parse_camera_address(address);
      why = check_camera_address(address);
      break;
    case DeviceClass::kScanner:
      a = parse_scanner_address(address);
      why = check_scanner_address(address);
      break;
    case DeviceClass::kReader:
      a = parse_reader_address(address);
      why = check_reader_address(address);
      break;
  }
  if (!a) return Unexpected{why.value_or("not a device address")};
  if (a->none()) return *a;
  bool known = c == DeviceClass::kCamera    ? camera(a->kind) != nullptr
               : c == DeviceClass::kScanner ? scanner(a->kind) != nullptr
                                            : reader(a->kind) != nullptr;
  if (known) return *a;
  if (a->simulated()) {
    auto has_sim = [](const auto& m) {
      for (const auto& kv : m)
        if (kv.first.rfind("sim:", 0) == 0) return true;
      return false;
    };
    if (!has_sim(cameras_) && !has_sim(scanners_) && !has_sim(readers_))
      return Unexpected{"'" + std::string(address) +
                        "': this build has no simulated devices; kioskd-demo has them"};
    return Unexpected{"'" + std::string(address) + "': no simulated " + std::string(name(c)) +
                      " of kind '" + a->kind + "' in this build"};
  }
  return Unexpected{"'" + std::string(address) + "': this build has no " + std::string(name(c)) +
                    " driver '" + a->kind + "'"};
}

const DeviceRegistry& production_devices() {
  static const DeviceRegistry r = make_production();
  return r;
}

}  // namespace kiosk::kioskd
