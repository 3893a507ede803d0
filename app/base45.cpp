#include "app/base45.h"

#include <array>

namespace kiosk::base45 {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t)
    v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr auto kTable = make_table();

}  // namespace

std::optional<Bytes> decode(std::string_view text) {
  if (text.size() % 3 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 3 * 2 + 1);
  std::size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    int c = kTable[static_cast<unsigned char>(text[i])];
    int d = kTable[static_cast<unsigned char>(text[i + 1])];
    int e = kTable[static_cast<unsigned char>(text[i + 2])];
    if (c < 0 || d < 0 || e < 0) return std::nullopt;
    unsigned n = static_cast<unsigned>(c + d * 45 + e * 45 * 45);
    if (n > 0xFFFF) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n & 0xFF));
  }
  if (i < text.size()) {  // two characters left: one byte
    int c = kTable[static_cast<unsigned char>(text[i])];
    int d = kTable[static_cast<unsigned char>(text[i + 1])];
    if (c < 0 || d < 0) return std::nullopt;
    unsigned n = static_cast<unsigned>(c + d * 45);
    if (n > 0xFF) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(n));
  }
  return out;
}

std::string encode(ByteView data) {
  std::string out;
  out.reserve(data.size() / 2 * 3 + 2);
  std::size_t i = 0;
  for (; i + 2 <= data.size(); i += 2) {
    unsigned n = static_cast<unsigned>(data[i]) << 8 | data[i + 1];
    out.push_back(kAlphabet[n % 45]);
    out.push_back(kAlphabet[n / 45 % 45]);
    out.push_back(kAlphabet[n / 2025]);
  }
  if (i < data.size()) {
    unsigned n = data[i];
    out.push_back(kAlphabet[n % 45]);
    out.push_back(kAlphabet[n / 45]);
  }
  return out;
}

}  // namespace kiosk::base45
