// The 2D barcode scanner device class: a hand-held or built-in scanner that decodes the QR itself
// and sends its text as one line (serial: bytes ended by a terminator; USB HID: keystrokes ended
// by Enter).
//
// Contract (SerialScanner, EvdevScanner and the simulated devices behind them):
// - Asynchronous on one Boost.Asio io_context (kioskd's event loop). Every handler runs on that
//   io_context's thread, never inside start() or stop().
// - start(handlers) returns at once (it never blocks on the device) and opens the device from the
//   event loop. Idempotent: a second start() while running is ignored. Call start(), stop() and
//   status() from the io_context's thread, or while the io_context is not running.
// - on_line gets each accepted line, without its terminator: printable ASCII (0x20..0x7E) only,
//   1..max_line bytes. Empty lines are skipped silently (a bare terminator is not a scan).
// - on_reject gets each refused line with a reason (ScanRejectReason): the kiosk shows "scan
// again".
//   A line longer than max_line is rejected as soon as it exceeds the limit and the rest of it, up
//   to the next terminator, is discarded: memory stays bounded whatever the device sends.
// - on_state gets every state change: kStarting (opening), kReady (reading), kAbsent (device
//   missing or unplugged: retried with exponential backoff), kFailed (present but unusable, e.g.
//   cannot be grabbed or configured: retried likewise). The scanner never gives up.
// - stop() closes the device and cancels timers; idempotent. No handler runs after stop() returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "drivers/device_state.h"

namespace kiosk::drivers {

struct ScanLine {
  std::string text;
  std::chrono::steady_clock::time_point timestamp;  ///< monotonic, when the terminator arrived
  std::uint64_t sequence = 0;                       ///< 1, 2, 3... per scanner
};

enum class ScanRejectReason {
  kLineTooLong,    ///< more than max_line bytes (or characters) before the terminator
  kNonPrintable,   ///< a control byte or a byte >= 0x7F in the line (binary garbage, wrong
                   ///< terminator)
  kUnmappedKey,    ///< HID: a key with no character on a US layout, or with Ctrl/Alt held
  kEventsDropped,  ///< HID: the kernel dropped input events (SYN_DROPPED) during the line
};

std::string_view name(ScanRejectReason r);

struct ScanReject {
  ScanRejectReason reason = ScanRejectReason::kNonPrintable;
  std::string detail;  ///< in English, for the log ("control byte 0x07 at offset 3")
};

struct ScannerStatus {
  DeviceState state = DeviceState::kAbsent;
  std::string detail;  ///< why ("device /dev/ttyACM0 not found", "reading")
  std::uint64_t lines = 0;
  std::uint64_t rejects = 0;
  std::uint64_t open_attempts = 0;
  std::uint64_t reconnects = 0;              ///< times the device was lost after being ready
  std::chrono::milliseconds retry_delay{0};  ///< before the next open attempt, when not ready
};

struct ScannerHandlers {
  std::function<void(const ScanLine&)> on_line;
  std::function<void(const ScanReject&)> on_reject;
  std::function<void(const ScannerStatus&)> on_state;
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  virtual void start(ScannerHandlers handlers) = 0;
  virtual void stop() = 0;
  virtual ScannerStatus status() const = 0;
};

}  // namespace kiosk::drivers
