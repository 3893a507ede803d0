#include "drivers/camera/camera.h"

namespace kiosk::drivers {

std::string_view name(CameraError e) {
  switch (e) {
    case CameraError::kNotOpen:
      return "not_open";
    case CameraError::kTimeout:
      return "timeout";
    case CameraError::kEndOfStream:
      return "end_of_stream";
    case CameraError::kDisconnected:
      return "disconnected";
    case CameraError::kStalled:
      return "stalled";
    case CameraError::kBadInput:
      return "bad_input";
    case CameraError::kUnsupported:
      return "unsupported";
    case CameraError::kInvalidArgument:
      return "invalid_argument";
  }
  return "invalid_argument";
}

}  // namespace kiosk::drivers
