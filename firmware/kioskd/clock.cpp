#include "firmware/kioskd/clock.h"

#include <chrono>
#include <ctime>
#include <string>

namespace kiosk::kioskd {

std::int64_t Clock::now() const {
  if (source_ == ClockSource::kFixed) return fixed_;
  auto sys = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return source_ == ClockSource::kOffset ? sys + offset_ : sys;
}

std::string iso_time(std::int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace kiosk::kioskd
