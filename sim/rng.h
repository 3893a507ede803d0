// A deterministic random number generator for the simulator: the same seed gives the same keys,
// credentials and scenes on every machine (splitmix64; not for secrets outside test material).
#pragma once

#include <cstdint>
#include <string_view>

#include "app/bytes.h"

namespace kiosk::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  /// A generator for a named sub-stream: independent of how much the parent has been used.
  Rng fork(std::string_view label) const;
  std::uint64_t next();
  /// Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n);
  /// Uniform in [0, n) as an index into a container of n elements; n > 0.
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
  /// Uniform in [lo, hi].
  double uniform(double lo, double hi);
  Bytes bytes(std::size_t n);

 private:
  std::uint64_t state_;
};

}  // namespace kiosk::sim
