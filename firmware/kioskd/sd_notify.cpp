#include "firmware/kioskd/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace kiosk::kioskd {

Notifier::Notifier() {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  if (sock && (sock[0] == '/' || sock[0] == '@') &&
      std::strlen(sock) < sizeof(sockaddr_un{}.sun_path)) {
    address_ = sock;
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  bool for_us = !pid || std::strtoll(pid, nullptr, 10) == static_cast<long long>(::getpid());
  if (usec && for_us) {
    char* end = nullptr;
    long long v = std::strtoll(usec, &end, 10);
    if (end && *end == '\0' && v > 0) watchdog_ = std::chrono::microseconds(v);
  }
}

Notifier::~Notifier() {
  if (fd_ >= 0) ::close(fd_);
}

bool Notifier::notify(std::string_view message) {
  if (fd_ < 0) return true;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address_.data(), address_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
  if (address_[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  ssize_t n = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), len);
  return n == static_cast<ssize_t>(message.size());
}

}  // namespace kiosk::kioskd
