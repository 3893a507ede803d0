#include "app/chip/apdu.h"

#include <algorithm>
#include <cassert>

namespace kiosk::chip {

Bytes select_aid() {
  // Sized up front: GCC 12 warns falsely (-Warray-bounds) on insert() into a 5-byte vector.
  Bytes c(5 + sizeof kAid + 1, 0x00);
  c[1] = 0xA4;
  c[2] = 0x04;
  c[4] = static_cast<std::uint8_t>(sizeof kAid);
  std::copy(std::begin(kAid), std::end(kAid), c.begin() + 5);
  return c;  // Le = 00
}

Bytes read_binary(std::uint16_t offset, std::size_t le) {
  assert(offset < 0x8000 && le >= 1 && le <= 256);
  return {0x00, 0xB0, static_cast<std::uint8_t>(offset >> 8),
          static_cast<std::uint8_t>(offset & 0xFF), le_byte(le)};
}

Bytes get_response(std::size_t le) {
  assert(le >= 1 && le <= 256);
  return {0x00, 0xC0, 0x00, 0x00, le_byte(le)};
}

Bytes internal_authenticate(ByteView challenge, std::size_t le) {
  assert(!challenge.empty() && challenge.size() <= 255 && le >= 1 && le <= 256);
  Bytes c(5 + challenge.size() + 1, 0x00);
  c[1] = 0x88;
  c[4] = static_cast<std::uint8_t>(challenge.size());
  std::copy(challenge.begin(), challenge.end(), c.begin() + 5);
  c.back() = le_byte(le);
  return c;
}

Bytes with_le(ByteView command, std::size_t le) {
  assert(!command.empty() && le >= 1 && le <= 256);
  Bytes c(command.begin(), command.end());
  c.back() = le_byte(le);
  return c;
}

std::optional<Response> split_response(ByteView r) {
  if (r.size() < 2) return std::nullopt;
  Response out;
  out.data = r.first(r.size() - 2);
  out.sw = static_cast<std::uint16_t>(r[r.size() - 2] << 8 | r[r.size() - 1]);
  return out;
}

}  // namespace kiosk::chip
