// Keyboard-wedge decoding: Linux input events (EV_KEY/EV_SYN from <linux/input.h>) in, lines or
// rejections out, for a scanner set to a US keyboard layout. Pure (no I/O), bounded memory.
// Shift (left/right) and Caps Lock give upper case and the shifted symbols; the keypad types
// digits (scanners in "keypad" mode) ; Enter or keypad Enter ends the line; autorepeat (value 2)
// types again as a held key would on screen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/scanner/line_framer.h"

namespace kiosk::drivers {

/// The character a key types on a US layout, or nullopt (no character: Enter, F1, Ctrl...).
std::optional<char> us_key_char(std::uint16_t code, bool shift);

class KeyLineDecoder {
 public:
  explicit KeyLineDecoder(std::size_t max_line);

  /// One input event (type, code, value as in struct input_event); completed lines go to `out`.
  void feed(std::uint16_t type, std::uint16_t code, std::int32_t value,
            std::vector<FramedLine>& out);
  /// Forgets the partial line and the modifier state (after a reconnect).
  void reset();

 private:
  void reject(ScanReject r, std::vector<FramedLine>& out);

  std::size_t max_line_;
  std::string line_;
  bool left_shift_ = false, right_shift_ = false, caps_ = false;
  int ctrl_alt_down_ = 0;
  bool discarding_ = false;  // the line was rejected; wait for Enter
};

}  // namespace kiosk::drivers
