#include "sim/scanner/hid_event_sim.h"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "drivers/scanner/key_line_decoder.h"

namespace kiosk::sim {

bool uinput_available() {
  int fd = ::open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Result<std::unique_ptr<HidEventSim>, std::string> HidEventSim::create(std::string path) {
  std::unique_ptr<HidEventSim> sim(new HidEventSim(std::move(path)));
  auto r = sim->open_fifo();
  if (!r) return Unexpected(r.error());
  return sim;
}

HidEventSim::~HidEventSim() {
  unplug();
}

Result<bool, std::string> HidEventSim::open_fifo() {
  // Made under a temporary name and renamed into place, already open: a reader never finds a
  // FIFO without a writer (which would read as end of file).
  std::string tmp = path_ + ".tmp";
  ::unlink(tmp.c_str());
  if (::mkfifo(tmp.c_str(), 0600) != 0)
    return Unexpected("mkfifo " + tmp + ": " + std::strerror(errno));
  // O_RDWR: a FIFO opened for reading and writing never blocks in open (Linux).
  int fd = ::open(tmp.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::string e = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return Unexpected("fifo " + path_ + ": " + e);
  }
  ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);  // room for long lines; best effort
  fd_ = fd;
  return true;
}

void HidEventSim::event(std::uint16_t type, std::uint16_t code, std::int32_t value) {
  input_event ev{};
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  ev.input_event_sec = ts.tv_sec;
  ev.input_event_usec = ts.tv_nsec / 1000;
  ev.type = type;
  ev.code = code;
  ev.value = value;
  queue_.append(reinterpret_cast<const char*>(&ev), sizeof ev);
}

void HidEventSim::tap(std::uint16_t code) {
  event(EV_KEY, code, 1);
  event(EV_SYN, SYN_REPORT, 0);
  event(EV_KEY, code, 0);
  event(EV_SYN, SYN_REPORT, 0);
  pump();
}

void HidEventSim::syn_dropped() {
  event(EV_SYN, SYN_DROPPED, 0);
  pump();
}

void HidEventSim::type(std::string_view text, bool enter) {
  for (char c : text) {
    // Find the key and shift state that type `c`, by asking the driver's own layout table.
    std::optional<std::pair<std::uint16_t, bool>> key;
    for (std::uint16_t code = 1; code < KEY_KPDOT && !key; ++code)
      for (bool shift : {false, true})
        if (drivers::us_key_char(code, shift) == c) {
          key = std::pair{code, shift};
          break;
        }
    if (!key) continue;
    if (key->second) event(EV_KEY, KEY_LEFTSHIFT, 1);
    event(EV_KEY, key->first, 1);
    event(EV_SYN, SYN_REPORT, 0);
    event(EV_KEY, key->first, 0);
    if (key->second) event(EV_KEY, KEY_LEFTSHIFT, 0);
    event(EV_SYN, SYN_REPORT, 0);
  }
  if (enter) {
    event(EV_KEY, KEY_ENTER, 1);
    event(EV_SYN, SYN_REPORT, 0);
    event(EV_KEY, KEY_ENTER, 0);
    event(EV_SYN, SYN_REPORT, 0);
  }
  pump();
}

std::size_t HidEventSim::pump() {
  while (fd_ >= 0 && !queue_.empty()) {
    // Whole events only, so that a reader never sees half of one at an unplug.
    std::size_t chunk = std::min<std::size_t>(queue_.size(), 170 * sizeof(input_event));
    auto n = ::write(fd_, queue_.data(), chunk);
    if (n <= 0) break;
    queue_.erase(0, static_cast<std::size_t>(n));
  }
  return queue_.size();
}

void HidEventSim::unplug() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
  queue_.clear();
}

Result<bool, std::string> HidEventSim::replug() {
  if (fd_ >= 0) return true;
  return open_fifo();
}

}  // namespace kiosk::sim
