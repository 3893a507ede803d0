#include "firmware/kioskd-demo/sim_devices.h"

#include "firmware/kioskd-demo/feed_source.h"
#include "sim/camera/sim_camera.h"

namespace kiosk::kioskd {

DeviceRegistry simulated_devices() {
  DeviceRegistry r = production_devices();
  using Made = Result<std::unique_ptr<drivers::Camera>, std::string>;
  auto options = [](const DeviceConfig& d) {
    sim::SimCameraOptions so;
    so.fps = d.camera_fps > 0 ? d.camera_fps : 15;
    so.loop = true;
    return so;
  };
  r.add_camera("sim:scene", [options](const std::string&, const DeviceConfig& d) -> Made {
    sim::SceneSettings s;
    s.text = d.camera_text;
    s.width = d.camera_width > 0 ? d.camera_width : 1280;
    s.height = d.camera_height > 0 ? d.camera_height : 720;
    return std::unique_ptr<drivers::Camera>(sim::SimCamera::scene(s, options(d)));
  });
  r.add_camera("sim:still", [options](const std::string& path, const DeviceConfig& d) -> Made {
    return std::unique_ptr<drivers::Camera>(sim::SimCamera::still(path, options(d)));
  });
  r.add_camera("sim:folder", [options](const std::string& dir, const DeviceConfig& d) -> Made {
    return std::unique_ptr<drivers::Camera>(sim::SimCamera::folder(dir, options(d)));
  });
  r.add_camera("sim:video", [options](const std::string& path, const DeviceConfig& d) -> Made {
    return std::unique_ptr<drivers::Camera>(sim::SimCamera::video(path, options(d)));
  });
  r.set_feed([](boost::asio::io_context& ioc, const std::string& path,
                bool loop) -> Result<DeviceRegistry::PlayedInput, std::string> {
    auto f = FeedSource::from_file(ioc, path, loop);
    if (!f) return Unexpected{f.error().message()};
    std::shared_ptr<FeedSource> owner(std::move(*f));
    return DeviceRegistry::PlayedInput{owner, owner.get(), owner.get()};
  });
  return r;
}

}  // namespace kiosk::kioskd
