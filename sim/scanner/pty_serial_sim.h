// A simulated serial scanner on a pseudo-terminal pair: the driver opens a fixed path (a symlink
// to the current pty slave) as it would /dev/ttyACM0, and the simulator writes to the master.
// "Unplug" closes the master (the driver's reads fail with EIO, as with a USB-CDC device pulled
// out) and removes the link; "replug" creates a fresh pty and points the link at it.
//
// Writes never block: what the pty cannot take now is queued and written by pump(), which a test
// calls while it waits (the driver must read for the queue to drain).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "app/result.h"

namespace kiosk::sim {

class PtySerialSim {
 public:
  /// Creates a pty and the symlink `link_path` to its slave. Error: the reason.
  static Result<std::unique_ptr<PtySerialSim>, std::string> create(std::string link_path);
  ~PtySerialSim();
  PtySerialSim(const PtySerialSim&) = delete;
  PtySerialSim& operator=(const PtySerialSim&) = delete;

  const std::string& path() const { return link_; }
  bool plugged() const { return master_ >= 0; }

  /// Queues `text` followed by `terminator` ("\r", "\n", "\r\n", or any bytes).
  void send_line(std::string_view text, std::string_view terminator);
  /// Queues raw bytes (garbage, a line without terminator...).
  void send_raw(std::string_view bytes);
  /// Queues `n` seeded random bytes (binary noise on the line, e.g. a wrong baud rate).
  void send_garbage(std::size_t n, std::uint64_t seed);
  /// Queues `n` printable bytes and no terminator: a line that never ends.
  void send_endless(std::size_t n);
  /// Writes as much of the queue as the pty takes now; returns the bytes still queued.
  std::size_t pump();

  /// Closes the master and removes the link; queued bytes are lost. Idempotent.
  void unplug();
  /// A new pty behind the same link. Error: the reason.
  Result<bool, std::string> replug();

 private:
  explicit PtySerialSim(std::string link) : link_(std::move(link)) {}
  Result<bool, std::string> open_pty();

  std::string link_;
  int master_ = -1;
  int slave_ = -1;  // held open in raw mode so that bytes written before the driver opens are kept
  std::string queue_;
};

}  // namespace kiosk::sim
