// The kiosk's clock: the system clock, a fixed instant (tests, demos) or the system clock shifted
// by an offset (a demo replaying another day). Every verdict and audit record takes its time here.
#pragma once

#include <cstdint>

#include "firmware/kioskd/config.h"

namespace kiosk::kioskd {

class Clock {
 public:
  explicit Clock(const Config& c)
      : source_(c.clock), fixed_(c.clock_fixed), offset_(c.clock_offset) {}
  /// Epoch seconds.
  std::int64_t now() const;

 private:
  ClockSource source_;
  std::int64_t fixed_;
  std::int64_t offset_;
};

/// "2026-11-29T06:13:20Z"
std::string iso_time(std::int64_t epoch);

}  // namespace kiosk::kioskd
