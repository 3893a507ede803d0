#include "sim/vcard/vpcd_card.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace kiosk::sim {

namespace {

constexpr int kSliceMs = 20;  // how often a blocked link looks at the stop and insert switches

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads exactly n bytes, looking at `keep_going` every slice; false on EOF, error or stop.
template <class F>
bool read_exact(int fd, std::uint8_t* buf, std::size_t n, F keep_going) {
  std::size_t got = 0;
  while (got < n) {
    if (!keep_going()) return false;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, kSliceMs);
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    // vpcd writes the length and the APDU with two send() calls and leaves Nagle on: the second
    // waits for our ACK of the first. Acknowledge at once instead of after the delayed-ACK timer
    // (40 ms); Linux turns quick ACKs off again by itself, hence before every read.
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    ssize_t k = ::recv(fd, buf + got, n - got, 0);
    if (k == 0) return false;
    if (k < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    got += static_cast<std::size_t>(k);
  }
  return true;
}

bool send_frame(int fd, ByteView payload) {
  if (payload.size() > 0xFFFF) return false;  // vpcd's length field is 16 bits
  Bytes f;
  f.reserve(payload.size() + 2);
  f.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  f.push_back(static_cast<std::uint8_t>(payload.size() & 0xFF));
  f.insert(f.end(), payload.begin(), payload.end());
  std::size_t sent = 0;
  while (sent < f.size()) {
    ssize_t k = ::send(fd, f.data() + sent, f.size() - sent, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    sent += static_cast<std::size_t>(k);
  }
  return true;
}

}  // namespace

VpcdCard::VpcdCard(VcardConfig config, std::uint16_t port, std::chrono::milliseconds reinsert_after)
    : card_(std::move(config)), port_(port), reinsert_after_(reinsert_after) {}

VpcdCard::~VpcdCard() {
  stop();
}

void VpcdCard::start() {
  thread_ = std::thread([this] { run(); });
}

void VpcdCard::set_inserted(bool inserted) {
  inserted_.store(inserted);
}

void VpcdCard::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void VpcdCard::run() {
  while (!stop_.load()) {
    if (!inserted_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kSliceMs));
      continue;
    }
    int fd = connect_to(port_);
    if (fd < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kSliceMs));
      continue;
    }
    ++insertions_;
    connected_.store(true);
    card_.reset();
    bool pulled = !serve(fd);
    ::close(fd);
    connected_.store(false);
    if (pulled) {
      // The "pull" misbehaviour: out for a while, then back without it, or out for good.
      if (reinsert_after_.count() < 0) {
        inserted_.store(false);
        continue;
      }
      card_.clear_pull();
      auto until = std::chrono::steady_clock::now() + reinsert_after_;
      while (!stop_.load() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(kSliceMs));
    }
  }
}

bool VpcdCard::serve(int fd) {
  auto keep_going = [this] { return !stop_.load() && inserted_.load(); };
  bool silent = false;
  for (;;) {
    std::uint8_t head[2];
    if (!read_exact(fd, head, 2, keep_going)) return true;
    std::size_t len = std::size_t{head[0]} << 8 | head[1];
    Bytes msg(len);
    if (len > 0 && !read_exact(fd, msg.data(), len, keep_going)) return true;
    if (silent) continue;
    if (len == 1) {
      switch (msg[0]) {
        case 0:  // power off
          card_.reset();
          break;
        case 1:  // power on
        case 2:  // reset
          card_.reset();
          ++power_ups_;
          break;
        case 4:  // get ATR
          if (!send_frame(fd, card_.atr())) return true;
          break;
        default:
          break;
      }
      continue;
    }
    ++apdus_;
    VcardAction a = card_.on_apdu(msg);
    switch (a.kind) {
      case VcardAction::Kind::kAnswer:
        if (!send_frame(fd, a.answer)) return true;
        break;
      case VcardAction::Kind::kSilent:
        silent = true;  // keeps the link up and answers nothing, ever (until stopped or pulled)
        break;
      case VcardAction::Kind::kLeave:
        return false;
    }
  }
}

}  // namespace kiosk::sim
