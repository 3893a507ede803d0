// Failed sign-ins, counted per key (an officer name, or a client address): after a few failures
// each further attempt waits longer (1, 2, 4 ... s), and after `lock_after` failures the key is
// locked for `lock_seconds`. A success clears the key. Pure bookkeeping: the time is passed in.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kiosk::auth {

struct ThrottleLimits {
  unsigned free_failures = 3;       ///< failures before any waiting
  std::int64_t max_backoff = 60;    ///< seconds, the longest wait between attempts
  unsigned lock_after = 5;          ///< consecutive failures that lock the key
  std::int64_t lock_seconds = 900;  ///< how long a lock lasts
  std::size_t max_keys = 4096;      ///< bound on remembered keys (the quietest are forgotten)
};

class Throttle {
 public:
  explicit Throttle(ThrottleLimits limits = {}) : limits_(limits) {}

  /// 0 when `key` may try now, else the seconds until it may.
  std::int64_t wait(std::string_view key, std::int64_t now) const;
  /// Records a failure; true when this failure locked the key.
  bool failure(std::string_view key, std::int64_t now);
  void success(std::string_view key) { entries_.erase(std::string(key)); }
  bool locked(std::string_view key, std::int64_t now) const;

 private:
  struct Entry {
    unsigned failures = 0;
    std::int64_t last = 0;
    std::int64_t locked_until = 0;
  };
  ThrottleLimits limits_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kiosk::auth
