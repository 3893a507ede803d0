#include "sim/scanner/pty_serial_sim.h"

#include "sim/rng.h"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kiosk::sim {

Result<std::unique_ptr<PtySerialSim>, std::string> PtySerialSim::create(std::string link_path) {
  std::unique_ptr<PtySerialSim> sim(new PtySerialSim(std::move(link_path)));
  auto r = sim->open_pty();
  if (!r) return Unexpected(r.error());
  return sim;
}

PtySerialSim::~PtySerialSim() {
  unplug();
}

Result<bool, std::string> PtySerialSim::open_pty() {
  auto fail = [](std::string what) { return Unexpected(what + ": " + std::strerror(errno)); };
  int m = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (m < 0) return fail("posix_openpt");
  char name[128];
  if (::grantpt(m) != 0 || ::unlockpt(m) != 0 || ::ptsname_r(m, name, sizeof name) != 0) {
    auto e = fail("grantpt/unlockpt/ptsname");
    ::close(m);
    return e;
  }
  int s = ::open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (s < 0) {
    auto e = fail(std::string("open ") + name);
    ::close(m);
    return e;
  }
  // Raw at once: bytes written to the master go through the slave's line discipline when written,
  // so a canonical slave would turn CR into LF before the driver even opens it.
  termios t{};
  ::tcgetattr(s, &t);
  ::cfmakeraw(&t);
  ::tcsetattr(s, TCSANOW, &t);
  // Replace the link atomically: the driver never sees a missing link during a replug.
  std::string tmp = link_ + ".tmp";
  ::unlink(tmp.c_str());
  if (::symlink(name, tmp.c_str()) != 0 || ::rename(tmp.c_str(), link_.c_str()) != 0) {
    auto e = fail("symlink " + link_);
    ::close(s);
    ::close(m);
    return e;
  }
  master_ = m;
  slave_ = s;
  return true;
}

void PtySerialSim::send_line(std::string_view text, std::string_view terminator) {
  queue_.append(text);
  queue_.append(terminator);
  pump();
}

void PtySerialSim::send_raw(std::string_view bytes) {
  queue_.append(bytes);
  pump();
}

void PtySerialSim::send_garbage(std::size_t n, std::uint64_t seed) {
  Rng rng = Rng(seed).fork("serial-garbage");
  auto bytes = rng.bytes(n);
  queue_.append(bytes.begin(), bytes.end());
  pump();
}

void PtySerialSim::send_endless(std::size_t n) {
  static constexpr char kBase45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (std::size_t i = 0; i < n; ++i)
    queue_.push_back(kBase45[i % (sizeof kBase45 - 1)]);
  pump();
}

std::size_t PtySerialSim::pump() {
  while (master_ >= 0 && !queue_.empty()) {
    auto n = ::write(master_, queue_.data(), std::min<std::size_t>(queue_.size(), 4096));
    if (n <= 0) break;  // EAGAIN: the slave's buffer is full until the driver reads
    queue_.erase(0, static_cast<std::size_t>(n));
  }
  return queue_.size();
}

void PtySerialSim::unplug() {
  if (master_ < 0) return;
  ::unlink(link_.c_str());
  ::close(slave_);
  ::close(master_);
  master_ = slave_ = -1;
  queue_.clear();
}

Result<bool, std::string> PtySerialSim::replug() {
  if (master_ >= 0) return true;
  return open_pty();
}

}  // namespace kiosk::sim
