// systemd's notify protocol, spoken directly: one datagram per message to the AF_UNIX socket
// named by $NOTIFY_SOCKET (a path, or '@' for the abstract namespace). No libsystemd needed.
// Without $NOTIFY_SOCKET every call is a no-op that succeeds (kioskd started by hand).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::kioskd {

class Notifier {
 public:
  /// Reads $NOTIFY_SOCKET and $WATCHDOG_USEC (honouring $WATCHDOG_PID).
  Notifier();
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  bool enabled() const { return fd_ >= 0; }
  /// Sends e.g. "READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=...". False when sending failed.
  bool notify(std::string_view message);
  /// The watchdog interval systemd asked for, if any (ping at half of it).
  std::optional<std::chrono::microseconds> watchdog() const { return watchdog_; }

 private:
  int fd_ = -1;
  std::string address_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace kiosk::kioskd
