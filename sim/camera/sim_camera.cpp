#include "sim/camera/sim_camera.h"

#include <thread>

#include "sim/camera/file_sources.h"

namespace kiosk::sim {

using drivers::CameraError;
using drivers::CameraFault;
using drivers::Started;
using Clock = std::chrono::steady_clock;

namespace {

// Applies SimFaults to a real source. During a simulated fault the inner source stays open, as a
// live camera would keep running while its cable is out: close() then only affects the link.
class FaultySource final : public drivers::FrameSource {
 public:
  FaultySource(std::unique_ptr<drivers::FrameSource> inner, std::shared_ptr<SimFaults> f)
      : inner_(std::move(inner)), f_(std::move(f)) {}

  Result<Started, CameraFault> open() override {
    if (unplugged())
      return Unexpected(
          CameraFault{CameraError::kDisconnected, "device node gone (simulated unplug)"});
    if (inner_open_) return Started{};
    auto r = inner_->open();
    inner_open_ = r.ok();
    return r;
  }

  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds max_block) override {
    if (unplugged())
      return Unexpected(
          CameraFault{CameraError::kDisconnected, "device node gone (simulated unplug)"});
    bool stalled, drop = false;
    {
      std::lock_guard lock(f_->m);
      stalled = f_->stalled;
      if (!stalled && f_->drop > 0) {
        --f_->drop;
        drop = true;
      }
    }
    if (stalled) {
      std::this_thread::sleep_for(max_block);
      return Unexpected(CameraFault{CameraError::kTimeout, "no frame (simulated stall)"});
    }
    auto r = inner_->grab(max_block);
    if (drop && r.ok()) {
      ++lost_;
      return Unexpected(CameraFault{CameraError::kTimeout, "frame dropped (simulated)"});
    }
    return r;
  }

  void close() override {
    if (unplugged(false) || stalled()) return;
    inner_->close();
    inner_open_ = false;
  }

  std::uint64_t lost_frames() override { return std::exchange(lost_, 0); }
  std::string notes() const override { return inner_->notes(); }

 private:
  // `consume`: an open or a grab, which takes the pending unplug event.
  bool unplugged(bool consume = true) {
    std::lock_guard lock(f_->m);
    bool down = f_->unplugged || Clock::now() < f_->unplugged_until || f_->unplug_pending;
    if (consume) f_->unplug_pending = false;
    return down;
  }
  bool stalled() {
    std::lock_guard lock(f_->m);
    return f_->stalled;
  }

  std::unique_ptr<drivers::FrameSource> inner_;
  std::shared_ptr<SimFaults> f_;
  bool inner_open_ = false;
  std::uint64_t lost_ = 0;
};

}  // namespace

SimCamera::SimCamera(std::unique_ptr<drivers::FrameSource> inner, double fps,
                     const SimCameraOptions& o, std::shared_ptr<SceneText> text)
    : faults_(std::make_shared<SimFaults>()), text_(std::move(text)) {
  drivers::CaptureSettings cs;
  cs.fps = fps;
  cs.loop = o.loop;
  cs.stall_timeout = o.stall_timeout;
  cs.backoff = o.backoff;
  cam_ = std::make_unique<drivers::CaptureCamera>(
      std::make_unique<FaultySource>(std::move(inner), faults_), cs);
}

std::unique_ptr<SimCamera> SimCamera::still(std::string path, SimCameraOptions o) {
  return std::unique_ptr<SimCamera>(
      new SimCamera(make_still_source(std::move(path), o.limits), o.fps, o));
}

std::unique_ptr<SimCamera> SimCamera::folder(std::string dir, SimCameraOptions o) {
  return std::unique_ptr<SimCamera>(
      new SimCamera(make_folder_source(std::move(dir), o.limits), o.fps, o));
}

std::unique_ptr<SimCamera> SimCamera::video(std::string path, SimCameraOptions o) {
  double fps = o.fps > 0 ? o.fps : video_file_fps(path);
  if (fps <= 0) fps = 25;  // a file that does not say: the common PAL rate
  return std::unique_ptr<SimCamera>(
      new SimCamera(make_video_source(std::move(path), o.limits), fps, o));
}

std::unique_ptr<SimCamera> SimCamera::scene(SceneSettings s, SimCameraOptions o) {
  auto text = std::make_shared<SceneText>(s.text);
  return std::unique_ptr<SimCamera>(
      new SimCamera(make_scene_source(std::move(s), text), o.fps, o, text));
}

void SimCamera::unplug_for(std::chrono::milliseconds d) {
  std::lock_guard lock(faults_->m);
  faults_->unplugged_until = Clock::now() + d;
  faults_->unplug_pending = true;
}

void SimCamera::set_unplugged(bool unplugged) {
  std::lock_guard lock(faults_->m);
  faults_->unplugged = unplugged;
}

void SimCamera::set_stalled(bool stalled) {
  std::lock_guard lock(faults_->m);
  faults_->stalled = stalled;
}

void SimCamera::drop_frames(std::uint64_t n) {
  std::lock_guard lock(faults_->m);
  faults_->drop += n;
}

void SimCamera::set_scene_text(std::string text) {
  if (text_) text_->set(std::move(text));
}

}  // namespace kiosk::sim
