#include "drivers/scanner/serial_scanner.h"

#include <algorithm>

#include "drivers/scanner/scanner_report.h"

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
      reconnect_(io, settings_.backoff),
      framer_(settings_.terminator.bytes.empty() || settings_.terminator.bytes.size() > 2
                  ? Terminator::cr()
                  : settings_.terminator,
              std::max<std::size_t>(settings_.max_line, 1)) {
  status_.detail = "not started";
}

void SerialScanner::start(ScannerHandlers handlers) {
  if (reconnect_.running()) return;
  handlers_ = std::move(handlers);
  reconnect_.start([self = shared_from_this()] { self->do_open(); });
}

void SerialScanner::stop() {
  if (!reconnect_.stop()) return;
  boost::system::error_code ignored;
  port_.close(ignored);
  status_.state = DeviceState::kAbsent;
  status_.detail = "stopped";
}

void SerialScanner::do_open() {
  ++status_.open_attempts;
  if (auto bad = check(settings_); !bad.empty()) return lost(DeviceState::kFailed, bad);
  report_state(status_, handlers_, DeviceState::kStarting, "opening " + settings_.device);
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
  reconnect_.succeeded();
  status_.retry_delay = std::chrono::milliseconds(0);
  report_state(status_, handlers_, DeviceState::kReady, "reading " + settings_.device);
  do_read();
}

void SerialScanner::do_read() {
  port_.async_read_some(asio::buffer(buf_),
                        [self = shared_from_this(), gen = reconnect_.generation()](
                            const boost::system::error_code& ec, std::size_t n) {
                          if (!self->reconnect_.current(gen)) return;
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
  auto gen = reconnect_.generation();
  if (report_lines(out, status_, handlers_, [&] { return reconnect_.current(gen); })) do_read();
}

void SerialScanner::lost(DeviceState s, std::string why) {
  if (status_.state == DeviceState::kReady) ++status_.reconnects;
  status_.retry_delay = reconnect_.failed();
  report_state(status_, handlers_, s, std::move(why));
  reconnect_.retry_after(status_.retry_delay, [self = shared_from_this()] { self->do_open(); });
}

}  // namespace kiosk::drivers
