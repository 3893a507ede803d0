// The input sources kioskd builds from its configuration. Device drivers are wired here: one
// place to add a camera, scanner or card reader implementation, chosen by configuration.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "firmware/kioskd/config.h"
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

/// Builds every configured source. A missing device or an unreadable feed is a problem reported
/// in `problems`, and the kiosk serves with what it has.
Sources make_sources(boost::asio::io_context& ioc, const Config& config);

}  // namespace kiosk::kioskd
