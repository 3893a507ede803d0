// Simulated cameras: the Camera contract (drivers/camera/camera.h) over a still image, a folder of
// images, a video file or a generated QR scene, paced to a frame rate, with test controls for
// device loss. Setters are thread-safe and take effect at the next frame.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "drivers/camera/capture_camera.h"
#include "sim/camera/image_file.h"
#include "sim/camera/scene_source.h"

namespace kiosk::sim {

struct SimCameraOptions {
  double fps = 15;    ///< video: 0 takes the file's own rate
  bool loop = false;  ///< folder and video: start again after the last frame
  ImageLimits limits{};
  std::chrono::milliseconds stall_timeout{1000};
  drivers::BackoffPolicy backoff{std::chrono::milliseconds(50), std::chrono::milliseconds(1000)};
};

/// Simulated faults, shared between SimCamera (setters) and its source (effects).
struct SimFaults {
  std::mutex m;
  std::chrono::steady_clock::time_point unplugged_until{};
  bool unplugged = false;
  bool unplug_pending = false;  // the next open or grab fails even if the unplug already ended
  bool stalled = false;
  std::uint64_t drop = 0;
};

class SimCamera final : public drivers::Camera {
 public:
  static std::unique_ptr<SimCamera> still(std::string path, SimCameraOptions o = {});
  static std::unique_ptr<SimCamera> folder(std::string dir, SimCameraOptions o = {});
  static std::unique_ptr<SimCamera> video(std::string path, SimCameraOptions o = {});
  static std::unique_ptr<SimCamera> scene(SceneSettings s, SimCameraOptions o = {});

  Result<drivers::Started, drivers::CameraFault> start() override { return cam_->start(); }
  Result<drivers::Frame, drivers::CameraFault> read(std::chrono::milliseconds timeout) override {
    return cam_->read(timeout);
  }
  void stop() override { cam_->stop(); }
  drivers::CameraStatus status() const override { return cam_->status(); }

  /// The device disappears for `d` (as a USB camera pulled out): frames stop, open attempts fail
  /// with kDisconnected, and it comes back by itself afterwards. The camera sees the loss at
  /// least once however short `d` is or however late its worker runs.
  void unplug_for(std::chrono::milliseconds d);
  /// The device disappears until set_unplugged(false).
  void set_unplugged(bool unplugged);
  /// While true the device stays open but delivers nothing (a hung camera).
  void set_stalled(bool stalled);
  /// The next `n` frames are lost in transit: the sequence skips them, status().lost counts them.
  void drop_frames(std::uint64_t n);
  /// Scene cameras: the QR text shown from the next frame on (empty: no code). Others ignore it.
  void set_scene_text(std::string text);

 private:
  SimCamera(std::unique_ptr<drivers::FrameSource> inner, double fps, const SimCameraOptions& o,
            std::shared_ptr<SceneText> text = nullptr);

  std::shared_ptr<SimFaults> faults_;
  std::shared_ptr<SceneText> text_;
  std::unique_ptr<drivers::CaptureCamera> cam_;
};

}  // namespace kiosk::sim
