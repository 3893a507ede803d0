// The input sources kioskd builds from its configuration: each configured device is made by the
// DeviceRegistry's factory for its kind (devices.h) and wrapped in its source (camera + scan
// pipeline, scanner, card reader), whether the device is real or simulated.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "firmware/kioskd/config.h"
#include "firmware/kioskd/devices.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

struct Sources {
  std::vector<std::unique_ptr<QrTextSource>> qr;
  std::vector<std::unique_ptr<ChipSource>> chip;
  /// Sources that implement both interfaces (the feed) appear once here and in both lists as
  /// non-owning pointers.
  std::vector<std::shared_ptr<void>> owned;
  std::vector<QrTextSource*> qr_refs;
  std::vector<ChipSource*> chip_refs;
  /// Devices that could not be set up, for the officer's screen: never fatal.
  std::vector<DeviceStatus> problems;
};

/// Builds every configured source with `devices`' factories. A missing device or an unreadable
/// feed is a problem reported in `problems`, and the kiosk serves with what it has.
Sources make_sources(boost::asio::io_context& ioc, const Config& config,
                     const DeviceRegistry& devices);

}  // namespace kiosk::kioskd
