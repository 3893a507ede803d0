#include "drivers/scanner/serial_scanner.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace kiosk::drivers {

namespace asio = boost::asio;

std::string check(const SerialSettings& s) {
  static constexpr unsigned kRates[] = {1200,  2400,   4800,   9600,   19200, 38400,
                                        57600, 115200, 230400, 460800, 921600};
  if (s.device.empty()) return "no serial device configured";
  if (std::find(std::begin(kRates), std::end(kRates), s.baud) == std::end(kRates))
    return "unsupported baud rate " + std::to_string(s.baud);
  if (s.terminator.bytes.empty() || s.terminator.bytes.size() > 2) return "bad terminator";
  if (s.max_line < 1 || s.max_line > (1u << 20)) return "max_line must be 1..1048576";
  return {};
}

std::shared_ptr<SerialScanner> SerialScanner::create(asio::io_context& io, SerialSettings s) {
  return std::shared_ptr<SerialScanner>(new SerialScanner(io, std::move(s)));
}

SerialScanner::SerialScanner(asio::io_context& io, SerialSettings s)
    : settings_(std::move(s)),
      port_(io),
      retry_(io),
      backoff_(settings_.backoff),
      framer_(settings_.terminator.bytes.empty() || settings_.terminator.bytes.size() > 2
                  ? Terminator::cr()
                  : settings_.terminator,
              std::max<std::size_t>(settings_.max_line, 1)) {
  status_.detail = "not started";
}

void SerialScanner::set_state(DeviceState s, std::string detail) {
  bool changed = s != status_.state || detail != status_.detail;
  status_.state = s;
  status_.detail = std::move(detail);
  if (changed && handlers_.on_state) handlers_.on_state(status_);
}

void SerialScanner::start(ScannerHandlers handlers) {
  if (running_) return;
  running_ = true;
  handlers_ = std::move(handlers);
  auto gen = generation_;
  asio::post(port_.get_executor(), [self = shared_from_this(), gen] {
    if (self->running_ && gen == self->generation_) self->do_open();
  });
}

void SerialScanner::stop() {
  if (!running_) return;
  running_ = false;
  ++generation_;
  boost::system::error_code ignored;
  retry_.cancel();
  port_.close(ignored);
  status_.state = DeviceState::kAbsent;
  status_.detail = "stopped";
}

void SerialScanner::do_open() {
  ++status_.open_attempts;
  if (auto bad = check(settings_); !bad.empty()) return lost(DeviceState::kFailed, bad);
  set_state(DeviceState::kStarting, "opening " + settings_.device);
  boost::system::error_code ec;
  port_.open(settings_.device, ec);
  if (ec) {
    auto s = ec == boost::system::errc::no_such_file_or_directory ? DeviceState::kAbsent
                                                                  : DeviceState::kFailed;
    std::string why = ec == boost::system::errc::inappropriate_io_control_operation
                          ? "not a serial port (" + ec.message() + ")"
                          : ec.message();
    return lost(s, "cannot open " + settings_.device + ": " + why);
  }
  using P = asio::serial_port_base;
  port_.set_option(P::baud_rate(settings_.baud), ec);
  if (!ec) port_.set_option(P::character_size(8), ec);
  if (!ec) port_.set_option(P::parity(P::parity::none), ec);
  if (!ec) port_.set_option(P::stop_bits(P::stop_bits::one), ec);
  if (!ec) port_.set_option(P::flow_control(P::flow_control::none), ec);
  if (ec) {
    port_.close(ec);
    return lost(DeviceState::kFailed, "cannot configure " + settings_.device + ": " + ec.message());
  }
  framer_.reset();
  backoff_.reset();
  status_.retry_delay = std::chrono::milliseconds(0);
  set_state(DeviceState::kReady, "reading " + settings_.device);
  do_read();
}

void SerialScanner::do_read() {
  port_.async_read_some(asio::buffer(buf_),
                        [self = shared_from_this(), gen = generation_](
                            const boost::system::error_code& ec, std::size_t n) {
                          if (gen != self->generation_ || !self->running_) return;
                          self->on_read(ec, n);
                        });
}

void SerialScanner::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec) {
    // A pty whose master closed reports EIO, an unplugged USB-CDC device EIO or EOF.
    boost::system::error_code ignored;
    port_.close(ignored);
    return lost(DeviceState::kAbsent, "device " + settings_.device + " lost: " + ec.message());
  }
  std::vector<FramedLine> out;
  framer_.feed(std::span<const std::uint8_t>(buf_.data(), n), out);
  auto gen = generation_;
  for (auto& item : out) {
    if (gen != generation_) return;  // a handler called stop()
    if (auto* text = std::get_if<std::string>(&item)) {
      ScanLine line{std::move(*text), std::chrono::steady_clock::now(), ++status_.lines};
      if (handlers_.on_line) handlers_.on_line(line);
    } else {
      ++status_.rejects;
      if (handlers_.on_reject) handlers_.on_reject(std::get<ScanReject>(item));
    }
  }
  if (gen == generation_ && running_) do_read();
}

void SerialScanner::lost(DeviceState s, std::string why) {
  if (status_.state == DeviceState::kReady) ++status_.reconnects;
  status_.retry_delay = backoff_.next();
  set_state(s, std::move(why));
  if (!running_) return;
  retry_.expires_after(status_.retry_delay);
  retry_.async_wait(
      [self = shared_from_this(), gen = generation_](const boost::system::error_code& ec) {
        if (ec || gen != self->generation_ || !self->running_) return;
        self->do_open();
      });
}

}  // namespace kiosk::drivers
