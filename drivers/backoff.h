// Reconnect pacing shared by the drivers: exponential backoff between attempts, capped, reset on
// success. Deterministic (no jitter): one kiosk has one device of each class, nothing to spread.
#pragma once

#include <algorithm>
#include <chrono>

namespace kiosk::drivers {

struct BackoffPolicy {
  std::chrono::milliseconds initial{200};  ///< delay before the second attempt
  std::chrono::milliseconds max{5000};     ///< the delay never grows past this
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy p) : policy_(p), next_(p.initial) {}

  /// The delay to wait before the next attempt; each call doubles the following one, up to max.
  std::chrono::milliseconds next() {
    auto d = std::min(next_, policy_.max);
    next_ = std::min(next_ * 2, policy_.max);
    return d;
  }
  /// After a success: the next failure waits `initial` again.
  void reset() { next_ = policy_.initial; }

 private:
  BackoffPolicy policy_;
  std::chrono::milliseconds next_;
};

}  // namespace kiosk::drivers
