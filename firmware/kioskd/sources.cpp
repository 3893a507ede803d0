#include "firmware/kioskd/sources.h"

#include "firmware/kioskd/feed_source.h"

namespace kiosk::kioskd {

Sources make_sources(boost::asio::io_context& ioc, const Config& config) {
  Sources s;
  // The real drivers (camera + scan pipeline, serial scanner, PC/SC reader) plug in here. Until
  // they are part of this build a configured device is reported absent, never fatal.
  struct Wanted {
    const char* device;
    const std::string& address;
  };
  for (const Wanted& w :
       {Wanted{"camera", config.devices.camera}, Wanted{"scanner", config.devices.scanner},
        Wanted{"reader", config.devices.reader}}) {
    if (w.address == "none") continue;
    s.problems.push_back({w.device, drivers::DeviceState::kAbsent,
                          w.address + ": no driver for this device in this build"});
  }
  if (!config.devices.feed.empty()) {
    auto feed = FeedSource::from_file(ioc, config.devices.feed, config.devices.feed_loop);
    if (!feed) {
      s.problems.push_back({"feed", drivers::DeviceState::kFailed, feed.error().message()});
    } else {
      std::shared_ptr<FeedSource> f(std::move(*feed));
      s.qr_refs.push_back(f.get());
      s.chip_refs.push_back(f.get());
      s.owned.push_back(f);
    }
  }
  for (auto& q : s.qr)
    s.qr_refs.push_back(q.get());
  for (auto& c : s.chip)
    s.chip_refs.push_back(c.get());
  return s;
}

}  // namespace kiosk::kioskd
