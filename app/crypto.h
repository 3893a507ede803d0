// Ed25519 and SHA-256 through libsodium, thinly wrapped with fixed-size types.
#pragma once

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "app/bytes.h"

namespace kiosk {

using PublicKey = std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES>;
using Seed = std::array<std::uint8_t, crypto_sign_SEEDBYTES>;
using Kid = std::array<std::uint8_t, 8>;
constexpr std::size_t kSignatureSize = crypto_sign_BYTES;

/// Initialises libsodium; idempotent and thread-safe. Returns false if libsodium cannot run.
[[nodiscard]] bool crypto_init();

/// The key id: the first 8 bytes of SHA-256 over the raw public key (spec section 1).
Kid key_id(const PublicKey& pub);

/// Copies `b` into a fixed-size array when the sizes match exactly.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> to_array(ByteView b) {
  if (b.size() != N) return std::nullopt;
  std::array<std::uint8_t, N> a;
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

/// True only when `sig` is a 64-byte Ed25519 signature of `msg` by `pub`.
[[nodiscard]] bool ed25519_verify(ByteView sig, ByteView msg, const PublicKey& pub);

/// An Ed25519 key pair; the secret is wiped on destruction. For issuers, holders and the simulator.
class KeyPair {
 public:
  explicit KeyPair(const Seed& seed);
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
  ~KeyPair();
  const PublicKey& public_key() const { return pk_; }
  Kid kid() const { return key_id(pk_); }
  std::array<std::uint8_t, kSignatureSize> sign(ByteView msg) const;

 private:
  PublicKey pk_{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk_{};
};

/// `n` bytes from libsodium's CSPRNG.
Bytes random_bytes(std::size_t n);

}  // namespace kiosk
