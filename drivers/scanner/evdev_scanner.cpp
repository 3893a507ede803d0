#include "drivers/scanner/evdev_scanner.h"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drivers/scanner/input_device_lookup.h"
#include "drivers/scanner/scanner_report.h"

namespace kiosk::drivers {

namespace asio = boost::asio;

std::shared_ptr<EvdevScanner> EvdevScanner::create(asio::io_context& io, EvdevSettings s) {
  return std::shared_ptr<EvdevScanner>(new EvdevScanner(io, std::move(s)));
}

EvdevScanner::EvdevScanner(asio::io_context& io, EvdevSettings s)
    : settings_(std::move(s)),
      fd_(io),
      reconnect_(io, settings_.backoff),
      decoder_(std::max<std::size_t>(settings_.max_line, 1)) {
  status_.detail = "not started";
}

void EvdevScanner::start(ScannerHandlers handlers) {
  if (reconnect_.running()) return;
  handlers_ = std::move(handlers);
  reconnect_.start([self = shared_from_this()] { self->do_open(); });
}

void EvdevScanner::close_device() {
  if (!fd_.is_open()) return;
  if (settings_.grab) ::ioctl(fd_.native_handle(), EVIOCGRAB, 0);
  boost::system::error_code ignored;
  fd_.close(ignored);
}

void EvdevScanner::stop() {
  if (!reconnect_.stop()) return;
  close_device();
  status_.state = DeviceState::kAbsent;
  status_.detail = "stopped";
}

void EvdevScanner::do_open() {
  ++status_.open_attempts;
  path_ = settings_.device;
  if (path_.empty()) {
    auto found = find_input_device(settings_.name, settings_.sys_root, settings_.dev_root);
    if (!found) return lost(DeviceState::kAbsent, found.error());
    path_ = *found;
  }
  report_state(status_, handlers_, DeviceState::kStarting, "opening " + path_);
  int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return lost(e == ENOENT || e == ENODEV ? DeviceState::kAbsent : DeviceState::kFailed,
                "cannot open " + path_ + ": " + std::strerror(e));
  }
  if (settings_.grab && ::ioctl(fd, EVIOCGRAB, 1) != 0) {
    int e = errno;
    ::close(fd);
    return lost(DeviceState::kFailed,
                "cannot grab " + path_ + " (its keys would reach the screen): " + std::strerror(e));
  }
  boost::system::error_code ec;
  fd_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    return lost(DeviceState::kFailed, "cannot watch " + path_ + ": " + ec.message());
  }
  decoder_.reset();
  partial_.clear();
  reconnect_.succeeded();
  status_.retry_delay = std::chrono::milliseconds(0);
  report_state(status_, handlers_, DeviceState::kReady, "reading " + path_);
  do_read();
}

void EvdevScanner::do_read() {
  fd_.async_read_some(asio::buffer(buf_),
                      [self = shared_from_this(), gen = reconnect_.generation()](
                          const boost::system::error_code& ec, std::size_t n) {
                        if (!self->reconnect_.current(gen)) return;
                        self->on_read(ec, n);
                      });
}

void EvdevScanner::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec) {
    // An unplugged evdev node reports ENODEV; a recorded stream's FIFO reports EOF.
    close_device();
    return lost(DeviceState::kAbsent, "device " + path_ + " lost: " + ec.message());
  }
  partial_.insert(partial_.end(), buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<FramedLine> out;
  std::size_t off = 0;
  for (; off + sizeof(input_event) <= partial_.size(); off += sizeof(input_event)) {
    input_event ev;
    std::memcpy(&ev, partial_.data() + off, sizeof ev);
    decoder_.feed(ev.type, ev.code, ev.value, out);
  }
  partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(off));
  auto gen = reconnect_.generation();
  if (report_lines(out, status_, handlers_, [&] { return reconnect_.current(gen); })) do_read();
}

void EvdevScanner::lost(DeviceState s, std::string why) {
  if (status_.state == DeviceState::kReady) ++status_.reconnects;
  status_.retry_delay = reconnect_.failed();
  report_state(status_, handlers_, s, std::move(why));
  reconnect_.retry_after(status_.retry_delay, [self = shared_from_this()] { self->do_open(); });
}

}  // namespace kiosk::drivers
