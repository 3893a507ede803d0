// A simulated USB HID keyboard-wedge scanner as a recorded evdev event stream: struct input_event
// records (the bytes a /dev/input/eventN node gives) written to a FIFO that EvdevScanner reads
// through its normal path and parser, with `grab` off (a FIFO cannot be grabbed).
// The kernel alternative, a uinput keyboard, needs /dev/uinput (CONFIG_INPUT_UINPUT);
// uinput_available() tells whether this machine has it.
//
// Writes never block: what the FIFO cannot take now is queued and written by pump().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "app/result.h"

namespace kiosk::sim {

/// True when /dev/uinput exists and opens for writing.
bool uinput_available();

class HidEventSim {
 public:
  /// Creates the FIFO at `path` and holds it open. Error: the reason.
  static Result<std::unique_ptr<HidEventSim>, std::string> create(std::string path);
  ~HidEventSim();
  HidEventSim(const HidEventSim&) = delete;
  HidEventSim& operator=(const HidEventSim&) = delete;

  const std::string& path() const { return path_; }

  /// Types `text` on a US layout (Shift for capitals and symbols), then Enter if `enter`.
  /// Characters with no key on the layout are skipped (the sim's caller chooses the text).
  void type(std::string_view text, bool enter = true);
  /// One raw event (EV_KEY, EV_SYN...), for keys the text path does not produce.
  void event(std::uint16_t type, std::uint16_t code, std::int32_t value);
  /// A key pressed and released, followed by a SYN_REPORT.
  void tap(std::uint16_t code);
  /// The kernel's "events were dropped" marker.
  void syn_dropped();
  /// Writes as much of the queue as the FIFO takes; returns the bytes still queued.
  std::size_t pump();

  /// Closes the writer and removes the FIFO (the reader sees end of file). Idempotent.
  void unplug();
  /// The FIFO again at the same path. Error: the reason.
  Result<bool, std::string> replug();

 private:
  explicit HidEventSim(std::string path) : path_(std::move(path)) {}
  Result<bool, std::string> open_fifo();

  std::string path_;
  int fd_ = -1;
  std::string queue_;
};

}  // namespace kiosk::sim
