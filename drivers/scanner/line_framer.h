// Line framing for serial scanners: bytes in, lines or rejections out. Pure (no I/O), bounded
// memory: at most max_line + terminator bytes are held, whatever the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drivers/scanner/scanner.h"

namespace kiosk::drivers {

/// The bytes that end a line: CR, LF, CR LF, or one configured byte.
struct Terminator {
  std::string bytes;
  static Terminator cr() { return {"\r"}; }
  static Terminator lf() { return {"\n"}; }
  static Terminator crlf() { return {"\r\n"}; }
  static Terminator byte(std::uint8_t b) { return {std::string(1, static_cast<char>(b))}; }
  /// "CR", "LF", "CRLF", or a byte as "0x03"; nullopt for anything else.
  static std::optional<Terminator> parse(std::string_view s);
};

/// A framed line or the reason it was refused.
using FramedLine = std::variant<std::string, ScanReject>;

class LineFramer {
 public:
  /// terminator: 1 or 2 bytes; max_line >= 1.
  LineFramer(Terminator terminator, std::size_t max_line);

  /// Appends the lines and rejections completed by `bytes` to `out`, in order.
  void feed(std::span<const std::uint8_t> bytes, std::vector<FramedLine>& out);
  /// Forgets a partial line (after a reconnect: its start came from the previous connection).
  void reset();

 private:
  bool ends_with_terminator(const std::string& s) const;
  void finish(std::string_view line, std::vector<FramedLine>& out) const;

  Terminator term_;
  std::size_t max_line_;
  std::string buf_;
  bool discarding_ = false;  // inside an overlong line, waiting for its terminator
};

/// The reason a line is not printable ASCII, or nullopt when it is.
std::optional<ScanReject> check_printable(std::string_view line);

}  // namespace kiosk::drivers
