// The device model: a camera, a 2D scanner and a card reader are each one driver interface
// (drivers/camera/camera.h, drivers/scanner/scanner.h, drivers/pcsc/card_reader.h) with one
// concurrency model (the driver's own thread or the io_context; kioskd's sources post every
// event to the event loop: input_source.h). A simulated device implements the same interface and
// is chosen the same way: by the kind of its address in [devices] (device_spec.h), looked up in a
// registry of factories. The production kioskd registers only the real drivers
// (production_devices()); kioskd-demo adds the simulated ones (firmware/kioskd-demo).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/result.h"
#include "drivers/camera/camera.h"
#include "drivers/pcsc/card_reader.h"
#include "drivers/scanner/scanner.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/device_spec.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

enum class DeviceClass { kCamera, kScanner, kReader };
std::string_view name(DeviceClass c);

class DeviceRegistry {
 public:
  using CameraFactory = std::function<Result<std::unique_ptr<drivers::Camera>, std::string>(
      const std::string& arg, const DeviceConfig&)>;
  using ScannerFactory = std::function<Result<std::shared_ptr<drivers::Scanner>, std::string>(
      boost::asio::io_context&, const DeviceAddress&, const DeviceConfig&)>;
  using ReaderFactory = std::function<Result<std::unique_ptr<drivers::CardReader>, std::string>(
      const std::string& arg, const DeviceConfig&)>;

  void add_camera(std::string kind, CameraFactory f) { cameras_[std::move(kind)] = std::move(f); }
  void add_scanner(std::string kind, ScannerFactory f) {
    scanners_[std::move(kind)] = std::move(f);
  }
  void add_reader(std::string kind, ReaderFactory f) { readers_[std::move(kind)] = std::move(f); }

  /// A played input (the feed of recorded presentations): one object behind both source
  /// interfaces, kept alive by `owner`.
  struct PlayedInput {
    std::shared_ptr<void> owner;
    QrTextSource* qr = nullptr;
    ChipSource* chip = nullptr;
  };
  /// Makes the player of a feed file (path, loop); an unreadable or malformed file is the reason.
  using FeedFactory = std::function<Result<PlayedInput, std::string>(
      boost::asio::io_context&, const std::string& path, bool loop)>;
  /// Only kioskd-demo's registry has one: the production kioskd plays no recorded input.
  void set_feed(FeedFactory f) { feed_ = std::move(f); }
  const FeedFactory* feed() const { return feed_ ? &feed_ : nullptr; }

  const CameraFactory* camera(std::string_view kind) const;
  const ScannerFactory* scanner(std::string_view kind) const;
  const ReaderFactory* reader(std::string_view kind) const;

  /// Parses an address of class `c` and checks this registry can make it; else the reason (for
  /// the config's FILE:LINE error).
  Result<DeviceAddress, std::string> resolve(DeviceClass c, std::string_view address) const;

 private:
  std::map<std::string, CameraFactory, std::less<>> cameras_;
  std::map<std::string, ScannerFactory, std::less<>> scanners_;
  std::map<std::string, ReaderFactory, std::less<>> readers_;
  FeedFactory feed_;
};

/// The real drivers only: v4l2 cameras, serial and evdev scanners, PC/SC readers.
const DeviceRegistry& production_devices();

}  // namespace kiosk::kioskd
