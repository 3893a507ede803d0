// A USB HID keyboard-wedge scanner read through Linux evdev (/dev/input/eventN), grabbed with
// EVIOCGRAB so that its keystrokes never reach the screen or the browser. Lines are decoded by
// KeyLineDecoder (US layout, Enter ends a line). Contract: scanner.h.
// The device is chosen by path, or by name (the kernel's device name, looked up again at every
// reconnect since eventN numbers change across unplugs). A device that cannot be grabbed (another
// process holds it) is kFailed and retried: reading it ungrabbed would type into the UI.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "drivers/backoff.h"
#include "drivers/reconnect.h"
#include "drivers/scanner/key_line_decoder.h"
#include "drivers/scanner/scanner.h"

namespace kiosk::drivers {

struct EvdevSettings {
  std::string device;  ///< /dev/input/eventN; if empty, `name` selects the device
  std::string name;    ///< the kernel's name for it, e.g. "Honeywell Imaging & Mobility 1900"
  bool grab = true;    ///< EVIOCGRAB; only a recorded event stream (a FIFO, in tests) runs without
  std::size_t max_line = 4096;
  BackoffPolicy backoff{};
  std::string sys_root = "/sys/class/input";  ///< where names are looked up
  std::string dev_root = "/dev/input";
};

class EvdevScanner final : public Scanner, public std::enable_shared_from_this<EvdevScanner> {
 public:
  static std::shared_ptr<EvdevScanner> create(boost::asio::io_context& io, EvdevSettings s);

  void start(ScannerHandlers handlers) override;
  void stop() override;
  ScannerStatus status() const override { return status_; }

 private:
  EvdevScanner(boost::asio::io_context& io, EvdevSettings s);
  void do_open();
  void do_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void lost(DeviceState s, std::string why);
  void close_device();

  const EvdevSettings settings_;
  boost::asio::posix::stream_descriptor fd_;
  Reconnect reconnect_;  // running, generation, retry timer and backoff
  KeyLineDecoder decoder_;
  ScannerHandlers handlers_;
  ScannerStatus status_;
  std::string path_;
  std::array<std::uint8_t, 64 * 24> buf_{};
  std::vector<std::uint8_t> partial_;  // an event split across reads
};

}  // namespace kiosk::drivers
