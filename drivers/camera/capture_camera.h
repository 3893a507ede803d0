// CaptureCamera: the Camera contract (camera.h) over any FrameSource, with a worker thread that
// paces the source, detects stalls and loss, and reconnects with backoff. Real and simulated
// cameras differ only in their FrameSource.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "drivers/backoff.h"
#include "drivers/camera/camera.h"
#include "drivers/camera/frame_source.h"

namespace kiosk::drivers {

struct CaptureSettings {
  double fps = 0;  ///< deliver at most this many frames per second; 0: as fast as the source gives
  std::chrono::milliseconds stall_timeout{2000};  ///< no frame for this long: stalled, reopen
  BackoffPolicy backoff{};                        ///< between failed open attempts
  bool loop = false;  ///< at end of stream, start the source again instead of ending
};

class CaptureCamera final : public Camera {
 public:
  CaptureCamera(std::unique_ptr<FrameSource> source, CaptureSettings settings);
  ~CaptureCamera() override;
  CaptureCamera(const CaptureCamera&) = delete;
  CaptureCamera& operator=(const CaptureCamera&) = delete;

  Result<Started, CameraFault> start() override;
  Result<Frame, CameraFault> read(std::chrono::milliseconds timeout) override;
  void stop() override;
  CameraStatus status() const override;

 private:
  void run();
  bool sleep_for(std::chrono::steady_clock::duration d);  // false when stopping
  void publish(cv::Mat image);
  // Records a fault; returns the backoff to wait.
  std::chrono::milliseconds fail(CameraFault f, DeviceState s, bool open_attempt = false);
  bool stalled_locked(std::chrono::steady_clock::time_point now) const;

  std::unique_ptr<FrameSource> source_;
  const CaptureSettings settings_;
  Backoff backoff_;

  mutable std::mutex m_;
  std::condition_variable cv_;
  std::thread worker_;
  bool started_ = false;
  bool stopping_ = false;
  bool eos_ = false;
  bool ready_once_ = false;  // a frame since the last open
  std::optional<Frame> pending_;
  CameraFault fault_;
  CameraStatus status_;
  std::chrono::steady_clock::time_point last_frame_;
};

}  // namespace kiosk::drivers
