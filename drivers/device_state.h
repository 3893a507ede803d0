// The state every device driver reports, for the officer's screen and the logs.
#pragma once

#include <string_view>

namespace kiosk::drivers {

enum class DeviceState {
  kAbsent,    ///< not configured or not found (unplugged, no reader)
  kStarting,  ///< opening or reconnecting
  kReady,     ///< delivering frames / waiting for a card or a scan
  kFailed,    ///< gave up after errors; `detail` says why; retried on the driver's schedule
};

constexpr std::string_view name(DeviceState s) {
  switch (s) {
    case DeviceState::kAbsent:
      return "absent";
    case DeviceState::kStarting:
      return "starting";
    case DeviceState::kReady:
      return "ready";
    case DeviceState::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace kiosk::drivers
