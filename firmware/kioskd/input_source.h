// The input sources kioskd listens to. A device driver (camera + scan pipeline, 2D scanner, PC/SC
// card reader) or a simulation implements one of these; kioskd wires them by configuration.
//
// Contract for every implementation:
// - `start` returns at once; deliveries and status changes are then posted to the io_context the
//   source was built with, so handlers run on kioskd's event loop thread and never concurrently.
//   A driver that reads on a worker thread posts (asio::post) to that io_context.
// - A source delivers what it reads as often as it reads it: the same QR seen in 30 frames is
//   30 deliveries. kioskd's session deduplicates.
// - Device trouble is a status (drivers::DeviceState + a one-line detail), never an exception or
//   a crash; a source recovers on its own schedule and reports kReady again.
// - `stop` is idempotent; after it returns no handler is called any more.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "app/verifier.h"
#include "drivers/device_state.h"

namespace kiosk::kioskd {

/// Where a presentation came from.
enum class Channel { kCamera, kScanner, kCard };

std::string_view name(Channel c);
std::optional<Channel> channel_from_name(std::string_view s);

struct DeviceStatus {
  std::string device;  ///< "camera", "scanner", "reader", "feed"
  drivers::DeviceState state = drivers::DeviceState::kAbsent;
  std::string detail;  ///< one line for the officer and the log; "" when nothing to say
};

using StatusHandler = std::function<void(const DeviceStatus&)>;

/// When a source captured and read what it delivers, on the monotonic clock (steady_clock):
/// the end-to-end benchmark's split by stage (bench/e2e_latency). A default (zero) time point
/// means the source does not say. Names nobody: it never reaches the audit log.
struct InputTiming {
  using Time = std::chrono::steady_clock::time_point;
  Time captured{};    ///< the camera frame captured; the card found in the reader
  Time read_start{};  ///< decoding the frame began; reading the card began (connected)
  Time read{};        ///< the text decoded; the chip read
};

/// A source of QR texts: the camera's scan pipeline (channel kCamera) or a 2D scanner (kScanner).
class QrTextSource {
 public:
  using TextHandler = std::function<void(Channel, std::string text, InputTiming)>;
  virtual ~QrTextSource() = default;
  virtual void start(TextHandler on_text, StatusHandler on_status) = 0;
  virtual void stop() = 0;
};

/// A source of chip reads: the card reader running the protocol of spec section 5 (kCard).
class ChipSource {
 public:
  using ChipHandler = std::function<void(ChipInput, InputTiming)>;
  virtual ~ChipSource() = default;
  virtual void start(ChipHandler on_chip, StatusHandler on_status) = 0;
  virtual void stop() = 0;
};

}  // namespace kiosk::kioskd
