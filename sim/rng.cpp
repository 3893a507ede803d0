#include "sim/rng.h"

namespace kiosk::sim {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Rng Rng::fork(std::string_view label) const {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a of the label, mixed with the seed
  for (char c : label)
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  Rng r(state_ ^ h);
  r.next();
  return r;
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection sampling keeps it uniform.
  std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t v;
  do
    v = next();
  while (v >= limit);
  return v % n;
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
}

Bytes Rng::bytes(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t v = next();
    for (std::size_t k = 0; k < 8 && i + k < n; ++k)
      b[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  return b;
}

}  // namespace kiosk::sim
