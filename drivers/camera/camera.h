// The camera device class: a source of frames for the QR scan pipeline.
//
// Contract (every implementation: V4L2 capture, and the simulated still/folder/video/scene
// sources):
// - start() opens the source in the background and returns at once. It never blocks on the device.
//   Idempotent: a second start() while running does nothing and returns ok. Errors:
//   kInvalidArgument (settings that can never work, e.g. a negative frame rate), kNotOpen after
//   stop() (a camera is started once).
// - read(timeout) blocks the calling thread for at most `timeout`, and returns the newest frame not
//   yet returned (older unread frames are skipped: the kiosk wants the latest image; the gap shows
//   in Frame::sequence and CameraStatus::overwritten). If no new frame comes in time it returns the
//   current fault (kDisconnected, kStalled, kBadInput, kUnsupported) when the device is not ready,
//   else kTimeout. kEndOfStream is returned once a finite source (file, folder, video without loop)
//   has delivered its last frame and it was read; it stays so. kNotOpen before start() or after
//   stop(). One reader thread at a time.
// - stop() ends the background work and releases the device; idempotent, blocks until the worker
// has
//   finished (at most about one device read timeout). A pending read() returns kNotOpen.
// - status() never blocks on the device; it is safe from any thread at any time.
// - The camera recovers by itself: when the device goes away (unplugged, node gone, read failure)
// or
//   stalls (no frame within the stall timeout), it closes it and reopens it with an exponential
//   backoff, reporting kStarting / kAbsent / kFailed meanwhile, and kReady when frames flow again.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "app/result.h"
#include "drivers/device_state.h"

namespace kiosk::drivers {

/// One captured image. `image` is 8-bit BGR (CV_8UC3) or gray (CV_8UC1), owned by the frame.
struct Frame {
  cv::Mat image;
  std::chrono::steady_clock::time_point timestamp;  ///< monotonic, when the frame was captured
  std::uint64_t sequence = 0;  ///< 1, 2, 3...: strictly increasing; a gap means frames were lost
};

enum class CameraError {
  kNotOpen,          ///< not started, or stopped
  kTimeout,          ///< the device is ready but no new frame came within the timeout
  kEndOfStream,      ///< a finite source has no more frames (and does not loop)
  kDisconnected,     ///< the device is gone (unplugged, node missing, read failure); reconnecting
  kStalled,          ///< the device is open but delivered nothing within the stall timeout
  kBadInput,         ///< a file is missing, empty, corrupt, truncated or too large; `detail` says
  kUnsupported,      ///< the device refused a required setting (pixel format, size)
  kInvalidArgument,  ///< settings that can never work
};

std::string_view name(CameraError e);

struct CameraFault {
  CameraError code = CameraError::kNotOpen;
  std::string detail;  ///< for the log and the officer screen, in English
};

struct Started {};

struct CameraStatus {
  DeviceState state = DeviceState::kAbsent;
  std::string detail;             ///< why the state is what it is ("device node gone", ...)
  std::string notes;              ///< what the device granted or refused ("exposure unsupported")
  std::uint64_t delivered = 0;    ///< frames produced (the last sequence number)
  std::uint64_t lost = 0;         ///< frames the source lost (dropped in transit, undecodable)
  std::uint64_t overwritten = 0;  ///< frames replaced by a newer one before anybody read them
  std::uint64_t open_attempts = 0;
  std::uint64_t reconnects = 0;              ///< times the device was lost after being ready
  std::chrono::milliseconds retry_delay{0};  ///< delay before the next open attempt when not ready
};

class Camera {
 public:
  virtual ~Camera() = default;
  [[nodiscard]] virtual Result<Started, CameraFault> start() = 0;
  [[nodiscard]] virtual Result<Frame, CameraFault> read(std::chrono::milliseconds timeout) = 0;
  virtual void stop() = 0;
  virtual CameraStatus status() const = 0;
};

}  // namespace kiosk::drivers
