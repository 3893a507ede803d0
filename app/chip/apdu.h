// ISO 7816-4 short APDUs for the One-Card chip (spec section 5): the commands the kiosk sends and
// the split of a response into data and status word.
#pragma once

#include <cstdint>
#include <optional>

#include "app/bytes.h"

namespace kiosk::chip {

/// The One-Card SSC application id.
inline constexpr std::uint8_t kAid[] = {0xF0, 0x43, 0x4E, 0x57, 0x50, 0x01};
/// The largest READ BINARY chunk the kiosk asks for.
constexpr std::size_t kMaxReadChunk = 223;
/// The context prefixed to the challenge before the chip signs it.
inline constexpr char kAuthContext[] = "WPCN-AA1";

constexpr std::uint16_t kSwOk = 0x9000;
constexpr std::uint16_t kSwEndOfFile = 0x6282;  ///< fewer bytes than Le: end of file reached

/// Le as a byte: 1..255 as is, 256 as 0x00.
constexpr std::uint8_t le_byte(std::size_t le) {
  return static_cast<std::uint8_t>(le & 0xFF);
}
/// The number of bytes an Le byte asks for (0x00 means 256).
constexpr std::size_t le_value(std::uint8_t b) {
  return b == 0 ? 256 : b;
}

/// `00 A4 04 00 06 F0434E575001 00`
Bytes select_aid();
/// `00 B0 P1 P2 Le`, offset below 0x8000, le in 1..256.
Bytes read_binary(std::uint16_t offset, std::size_t le);
/// `00 C0 00 00 Le`, le in 1..256.
Bytes get_response(std::size_t le);
/// `00 88 00 00 20 <challenge> Le`, le in 1..256 (256 sent as 00).
Bytes internal_authenticate(ByteView challenge, std::size_t le = 256);
/// The same command with its trailing Le byte replaced (for `6C xx`).
Bytes with_le(ByteView command, std::size_t le);

/// A response split into its data and status word.
struct Response {
  ByteView data;
  std::uint16_t sw = 0;
  std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
  std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw & 0xFF); }
};

/// Splits `r`; nullopt when it is shorter than the two status bytes.
std::optional<Response> split_response(ByteView r);

}  // namespace kiosk::chip
