// SM2 digital signatures (GB/T 32918.2) with SM3 (GB/T 32905) through OpenSSL 3: the per-algorithm
// file behind app/sign/sign.h, as spec section 9 profiles them: Z with the default user ID
// "1234567812345678" (GB/T 35276; set explicitly, OpenSSL 3.0 otherwise hashes an empty ID),
// 64-byte r || s signatures with r and s in [1, n-1], 65-byte uncompressed public keys on the
// curve sm2p256v1. Hostile input never raises or crashes: every failure is `false` or nullopt, and
// OpenSSL's error queue is left empty.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "app/bytes.h"

namespace kiosk::sm2 {

constexpr std::size_t kPublicKeyBytes = 65;
constexpr std::size_t kScalarBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
constexpr std::string_view kDefaultId = "1234567812345678";

using Digest = std::array<std::uint8_t, 32>;

/// SM3 of `msg`.
Digest sm3(ByteView msg);

/// A public key imported into OpenSSL, ready for verification (opaque).
struct PreparedKey;

/// Checks `point` (04 || x || y, on the curve, not infinity) and imports it; nullptr otherwise.
std::shared_ptr<const PreparedKey> prepare(ByteView point);

/// True only when `sig` (r || s) is the SM2 signature of `msg` under `key` with user ID `id`.
[[nodiscard]] bool verify(const PreparedKey& key, ByteView msg, ByteView sig,
                          std::string_view id = kDefaultId);

/// True when the 32-byte big-endian `v` lies in [1, n-1] (n: the order of sm2p256v1).
bool in_scalar_range(ByteView v);

/// Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) of GB/T 32918.2, for tests.
std::optional<Digest> z_digest(ByteView point, std::string_view id = kDefaultId);

/// A private key (for issuers, holders, the simulator and tests); wiped on destruction.
class SecretKey {
 public:
  /// From the big-endian scalar d in [1, n-2]; nullopt otherwise.
  static std::optional<SecretKey> from_scalar(ByteView d);
  /// d = int(SHA-256("sm2-key" || seed)) mod (n - 2) + 1 (the vectors' test-keys.json rule).
  static SecretKey from_seed(ByteView seed);
  SecretKey(SecretKey&&) noexcept;
  SecretKey& operator=(SecretKey&&) noexcept;
  ~SecretKey();

  const std::array<std::uint8_t, kPublicKeyBytes>& public_point() const { return pub_; }
  /// r || s over Z || msg, with a fresh random k.
  std::array<std::uint8_t, kSignatureBytes> sign(ByteView msg,
                                                 std::string_view id = kDefaultId) const;

 private:
  SecretKey() = default;
  std::array<std::uint8_t, kPublicKeyBytes> pub_{};
  std::shared_ptr<void> pkey_;  // EVP_PKEY
};

}  // namespace kiosk::sm2
