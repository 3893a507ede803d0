// A blocking producer of images, driven by CaptureCamera's worker thread: the device-specific part
// of a camera (V4L2 capture, a still image, a folder, a video file, a generated scene).
//
// Contract: called from one thread only (the worker), never concurrently.
// - open() prepares the source; may block up to the device's open time. Errors: kDisconnected (node
//   missing, device absent), kBadInput (file unreadable/corrupt/too large), kUnsupported.
//   Called again after close() to reconnect.
// - grab() returns the next image; may block up to about `max_block` before giving up with
//   kTimeout (no frame yet: the worker counts this towards the stall timeout). Other errors:
//   kEndOfStream (finite source exhausted), kDisconnected (device gone: the worker closes and
//   reopens with backoff), kBadInput (this one frame is unusable: counted as lost, the stream goes
//   on). A source that lost frames in transit reports them through lost_frames().
// - close() releases the device; idempotent.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "app/result.h"
#include "drivers/camera/camera.h"

namespace kiosk::drivers {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  [[nodiscard]] virtual Result<Started, CameraFault> open() = 0;
  [[nodiscard]] virtual Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds max_block) = 0;
  virtual void close() = 0;
  /// Frames lost since the previous call (dropped in transit); the worker advances the sequence.
  virtual std::uint64_t lost_frames() { return 0; }
  /// What the device granted or refused at the last open ("exposure unsupported"...).
  virtual std::string notes() const { return {}; }
};

}  // namespace kiosk::drivers
