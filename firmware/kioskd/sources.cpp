#include "firmware/kioskd/sources.h"

#include "firmware/kioskd/camera_source.h"
#include "firmware/kioskd/card_source.h"
#include "firmware/kioskd/scanner_source.h"

namespace kiosk::kioskd {

std::string_view name(Channel c) {
  switch (c) {
    case Channel::kCamera:
      return "camera";
    case Channel::kScanner:
      return "scanner";
    case Channel::kCard:
      return "card";
  }
  return "camera";
}

std::optional<Channel> channel_from_name(std::string_view s) {
  for (Channel c : {Channel::kCamera, Channel::kScanner, Channel::kCard})
    if (name(c) == s) return c;
  return std::nullopt;
}

Sources make_sources(boost::asio::io_context& ioc, const Config& config,
                     const DeviceRegistry& devices) {
  Sources s;
  const DeviceConfig& d = config.devices;
  // The config check resolved every address against the same registry; one it refuses now is
  // reported rather than trusted.
  auto problem = [&](DeviceClass c, std::string why) {
    s.problems.push_back({std::string(name(c)), drivers::DeviceState::kFailed, std::move(why)});
  };
  if (auto a = devices.resolve(DeviceClass::kCamera, d.camera); !a) {
    problem(DeviceClass::kCamera, a.error());
  } else if (!a->none()) {
    auto cam = (*devices.camera(a->kind))(a->arg, d);
    if (!cam)
      problem(DeviceClass::kCamera, cam.error());
    else
      s.qr.push_back(std::make_unique<CameraSource>(
          ioc, std::move(*cam), std::chrono::milliseconds(d.camera_deadline_ms)));
  }
  if (auto a = devices.resolve(DeviceClass::kScanner, d.scanner); !a) {
    problem(DeviceClass::kScanner, a.error());
  } else if (!a->none()) {
    auto sc = (*devices.scanner(a->kind))(ioc, *a, d);
    if (!sc)
      problem(DeviceClass::kScanner, sc.error());
    else
      s.qr.push_back(std::make_unique<ScannerSource>(std::move(*sc)));
  }
  if (auto a = devices.resolve(DeviceClass::kReader, d.reader); !a) {
    problem(DeviceClass::kReader, a.error());
  } else if (!a->none()) {
    auto rd = (*devices.reader(a->kind))(a->arg, d);
    if (!rd)
      problem(DeviceClass::kReader, rd.error());
    else
      s.chip.push_back(
          std::make_unique<CardSource>(ioc, std::move(*rd), a->kind == "pcsc" ? a->arg : ""));
  }
  if (!d.feed.empty()) {
    const auto* make = devices.feed();
    auto feed = make ? (*make)(ioc, d.feed, d.feed_loop)
                     : Result<DeviceRegistry::PlayedInput, std::string>(
                           Unexpected{std::string("this kioskd plays no recorded input")});
    if (!feed) {
      s.problems.push_back({"feed", drivers::DeviceState::kFailed, feed.error()});
    } else {
      s.qr_refs.push_back(feed->qr);
      s.chip_refs.push_back(feed->chip);
      s.owned.push_back(feed->owner);
    }
  }
  for (auto& q : s.qr)
    s.qr_refs.push_back(q.get());
  for (auto& c : s.chip)
    s.chip_refs.push_back(c.get());
  return s;
}

}  // namespace kiosk::kioskd
