#include "firmware/auth/throttle.h"

#include <algorithm>

namespace kiosk::auth {

Throttle::Millis Throttle::wait(std::string_view key, Millis now) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return Millis{0};
  const Entry& e = it->second;
  if (e.locked_until > now) return e.locked_until - now;
  if (e.failures < limits_.free_failures || e.locked_until != Millis{0}) return Millis{0};
  unsigned shift = std::min(e.failures - limits_.free_failures, 30u);
  Millis backoff =
      std::min<Millis>(std::chrono::seconds{std::int64_t{1} << shift}, limits_.max_backoff);
  return std::max(Millis{0}, e.last + backoff - now);
}

bool Throttle::locked(std::string_view key, Millis now) const {
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.locked_until > now;
}

bool Throttle::failure(std::string_view key, Millis now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= limits_.max_keys) {
      // Forget the key whose last failure is oldest, never a locked one while others remain.
      auto victim = std::min_element(entries_.begin(), entries_.end(), [&](auto& a, auto& b) {
        bool la = a.second.locked_until > now, lb = b.second.locked_until > now;
        if (la != lb) return lb;
        return a.second.last < b.second.last;
      });
      entries_.erase(victim);
    }
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  Entry& e = it->second;
  if (e.locked_until != Millis{0} && e.locked_until <= now)
    e = Entry{};  // a lock served clears the count
  ++e.failures;
  e.last = now;
  if (e.failures >= limits_.lock_after && e.locked_until <= now) {
    e.locked_until = now + limits_.lock_time;
    return true;
  }
  return false;
}

}  // namespace kiosk::auth
