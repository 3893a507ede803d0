// Failed sign-ins, counted per key (an officer name, or a client address): after a few failures
// each further attempt waits longer (1, 2, 4 ... s), and after `lock_after` failures the key is
// locked for `lock_time`. A success clears the key. Pure bookkeeping: the time is passed in, in
// milliseconds, so a wait of 1 s is a whole second whatever the fraction of the second the
// failure fell in (in whole seconds, a failure at 10.9 s let the next attempt through at 11.0 s).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kiosk::auth {

struct ThrottleLimits {
  unsigned free_failures = 3;            ///< failures before any waiting
  std::chrono::seconds max_backoff{60};  ///< the longest wait between attempts
  unsigned lock_after = 5;               ///< consecutive failures that lock the key
  std::chrono::seconds lock_time{900};   ///< how long a lock lasts
  std::size_t max_keys = 4096;           ///< bound on remembered keys (the quietest are forgotten)
};

class Throttle {
 public:
  using Millis = std::chrono::milliseconds;  ///< a monotonic clock's time
  explicit Throttle(ThrottleLimits limits = {}) : limits_(limits) {}

  /// Zero when `key` may try now, else how long until it may.
  Millis wait(std::string_view key, Millis now) const;
  /// Records a failure; true when this failure locked the key.
  bool failure(std::string_view key, Millis now);
  void success(std::string_view key) { entries_.erase(std::string(key)); }
  bool locked(std::string_view key, Millis now) const;

 private:
  struct Entry {
    unsigned failures = 0;
    Millis last{0};
    Millis locked_until{0};  ///< zero: never locked since the count began
  };
  ThrottleLimits limits_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kiosk::auth
