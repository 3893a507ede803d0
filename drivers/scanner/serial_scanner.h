// A serial 2D scanner (USB-CDC /dev/ttyACM*, or RS-232 /dev/ttyS* / USB adapters /dev/ttyUSB*)
// read with Boost.Asio's serial_port: 8N1, no flow control, lines framed by LineFramer.
// Contract: scanner.h. The device path should be stable (/dev/serial/by-id/...): after an unplug
// the scanner reopens the same path with backoff until the device returns.
#pragma once

#include <array>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>

#include "drivers/backoff.h"
#include "drivers/reconnect.h"
#include "drivers/scanner/line_framer.h"
#include "drivers/scanner/scanner.h"

namespace kiosk::drivers {

struct SerialSettings {
  std::string device;    ///< e.g. /dev/ttyACM0
  unsigned baud = 9600;  ///< a standard rate, 1200..921600
  Terminator terminator = Terminator::cr();
  std::size_t max_line = 4096;  ///< the credential QR text is at most 2,000 characters
  BackoffPolicy backoff{};
};

/// The reason the settings cannot work, or an empty string.
std::string check(const SerialSettings& s);

class SerialScanner final : public Scanner, public std::enable_shared_from_this<SerialScanner> {
 public:
  /// Settings that cannot work make every open fail with kFailed and the reason.
  static std::shared_ptr<SerialScanner> create(boost::asio::io_context& io, SerialSettings s);

  void start(ScannerHandlers handlers) override;
  void stop() override;
  ScannerStatus status() const override { return status_; }

 private:
  SerialScanner(boost::asio::io_context& io, SerialSettings s);
  void do_open();
  void do_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void lost(DeviceState s, std::string why);

  const SerialSettings settings_;
  boost::asio::serial_port port_;
  Reconnect reconnect_;  // running, generation, retry timer and backoff
  LineFramer framer_;
  ScannerHandlers handlers_;
  ScannerStatus status_;
  std::array<std::uint8_t, 512> buf_{};
};

}  // namespace kiosk::drivers
