#include "firmware/kioskd/sources.h"

#include "drivers/camera/v4l2_camera.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "drivers/scanner/evdev_scanner.h"
#include "drivers/scanner/serial_scanner.h"
#include "firmware/kioskd/camera_source.h"
#include "firmware/kioskd/card_source.h"
#include "firmware/kioskd/device_spec.h"
#include "firmware/kioskd/feed_source.h"
#include "firmware/kioskd/scanner_source.h"
#include "sim/camera/sim_camera.h"

namespace kiosk::kioskd {
namespace {

std::unique_ptr<drivers::Camera> make_camera(const CameraSpec& spec, const DeviceConfig& d) {
  using K = CameraSpec::Kind;
  sim::SimCameraOptions so;
  so.fps = d.camera_fps > 0 ? d.camera_fps : 15;
  so.loop = true;
  switch (spec.kind) {
    case K::kV4l2: {
      drivers::V4l2Settings v;
      v.device = spec.path;
      v.width = d.camera_width;
      v.height = d.camera_height;
      v.fps = d.camera_fps;
      return drivers::make_v4l2_camera(v);
    }
    case K::kSimScene: {
      sim::SceneSettings s;
      s.text = d.camera_text;
      s.width = d.camera_width > 0 ? d.camera_width : 1280;
      s.height = d.camera_height > 0 ? d.camera_height : 720;
      return sim::SimCamera::scene(s, so);
    }
    case K::kSimStill:
      return sim::SimCamera::still(spec.path, so);
    case K::kSimFolder:
      return sim::SimCamera::folder(spec.path, so);
    case K::kSimVideo:
      return sim::SimCamera::video(spec.path, so);
    case K::kNone:
      break;
  }
  return nullptr;
}

std::shared_ptr<drivers::Scanner> make_scanner(boost::asio::io_context& ioc,
                                               const ScannerSpec& spec, const DeviceConfig& d) {
  using K = ScannerSpec::Kind;
  if (spec.kind == K::kSerial) {
    drivers::SerialSettings s;
    s.device = spec.target;
    s.baud = d.scanner_baud;
    if (auto t = drivers::Terminator::parse(d.scanner_terminator)) s.terminator = *t;
    return drivers::SerialScanner::create(ioc, s);
  }
  if (spec.kind == K::kEvdevPath || spec.kind == K::kEvdevName) {
    drivers::EvdevSettings s;
    (spec.kind == K::kEvdevPath ? s.device : s.name) = spec.target;
    s.grab = d.scanner_grab;
    return drivers::EvdevScanner::create(ioc, s);
  }
  return nullptr;
}

}  // namespace

Sources make_sources(boost::asio::io_context& ioc, const Config& config) {
  Sources s;
  const DeviceConfig& d = config.devices;
  // Chosen by configuration (docs/kioskd-config.md); an address the parser refuses never gets
  // here (the config check names its line), but is reported rather than trusted.
  if (auto cam = parse_camera_address(d.camera); !cam) {
    s.problems.push_back({"camera", drivers::DeviceState::kFailed, d.camera + ": not a camera"});
  } else if (cam->kind != CameraSpec::Kind::kNone) {
    s.qr.push_back(std::make_unique<CameraSource>(ioc, make_camera(*cam, d),
                                                  std::chrono::milliseconds(d.camera_deadline_ms)));
  }
  if (auto sc = parse_scanner_address(d.scanner); !sc) {
    s.problems.push_back({"scanner", drivers::DeviceState::kFailed, d.scanner + ": not a scanner"});
  } else if (sc->kind != ScannerSpec::Kind::kNone) {
    s.qr.push_back(std::make_unique<ScannerSource>(make_scanner(ioc, *sc, d)));
  }
  if (auto rd = parse_reader_address(d.reader); !rd) {
    s.problems.push_back({"reader", drivers::DeviceState::kFailed, d.reader + ": not a reader"});
  } else if (rd->kind == ReaderSpec::Kind::kPcsc) {
    s.chip.push_back(
        std::make_unique<CardSource>(ioc, std::make_unique<drivers::PcscCardReader>(), rd->reader));
  }
  if (!d.feed.empty()) {
    auto feed = FeedSource::from_file(ioc, d.feed, d.feed_loop);
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
