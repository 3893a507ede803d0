// The real camera: a UVC/V4L2 device through OpenCV's VideoCapture with the V4L2 backend.
//
// make_v4l2_camera() returns a Camera with the contract of camera.h. The device paces the frames
// (CaptureSettings::fps is normally 0). The driver asks for the configured pixel format, size,
// frame rate and exposure and reports in CameraStatus::notes what the device granted or refused
// (a refused exposure or size is a note, not an error: the camera still delivers).
// Loss: the node disappearing, `max_read_failures` failed reads in a row, or no frame within the
// stall timeout close the device; it is reopened with backoff until it returns. A blocked V4L2 read
// ends after OpenCV's select timeout (environment OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT, read once per
// process; set it in kioskd's unit to bound stop() and stall recovery); read() and status()
// report the stall before that, from the time of the last frame.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/result.h"
#include "drivers/camera/capture_camera.h"

namespace kiosk::drivers {

struct V4l2Settings {
  std::string device = "/dev/video0";  ///< a device path, or an index ("0" means /dev/video0)
  std::string fourcc = "MJPG";         ///< "MJPG" or "YUYV"; empty: the device's default
  int width = 1280;                    ///< 0: the device's default
  int height = 720;                    ///< 0: the device's default
  double fps = 30;                     ///< asked of the device; 0: the device's default
  std::optional<double> exposure;      ///< manual exposure in the driver's units; none: automatic
  bool gray = false;                   ///< deliver CV_8UC1 instead of BGR
  int max_read_failures = 3;           ///< failed reads in a row that count as a lost device
};

/// The device path the settings designate ("/dev/video<N>" for an index).
std::string v4l2_device_path(const V4l2Settings& s);

/// Checks the settings without touching the device. Error: kInvalidArgument with the reason.
Result<Started, CameraFault> validate(const V4l2Settings& s);

/// A camera over the V4L2 device; start() it. Never fails here: a bad setting is reported by
/// start() (kInvalidArgument), a missing device by status() and read() (kDisconnected).
std::unique_ptr<Camera> make_v4l2_camera(V4l2Settings settings, CaptureSettings capture = {});

}  // namespace kiosk::drivers
