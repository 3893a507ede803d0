// Signatures, one small face over one file per algorithm (the model: libsodium's generic
// crypto_sign.h over crypto_sign_ed25519.h): Ed25519 (app/sign/ed25519.h, libsodium) and SM2 with
// SM3 (app/sign/sm2.h, OpenSSL 3; spec section 9).
//
//   auto key = VerifyKey::make(SigAlg::kSm2, raw_point);  // validated once: nullopt if unusable
//   bool ok = sign::verify(msg_alg, *key, message, signature);  // false unless msg_alg == key's
//
// A VerifyKey is algorithm-tagged and ready to use (an SM2 point is checked on the curve and
// imported when the key is made, never at each verification). Every function here is a pure
// function of its arguments: no clock, no file, no global state beyond the libraries' own.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "app/bytes.h"
#include "app/crypto.h"

namespace kiosk {

/// The signature algorithms of spec sections 1 and 9.
enum class SigAlg : std::uint8_t {
  kEd25519,  ///< COSE -8 (EdDSA), 32-byte keys
  kSm2,      ///< COSE -65600: SM2 with SM3 over Z || M, default ID, 65-byte uncompressed points
};

namespace sign {

constexpr std::int64_t kCoseEdDSA = -8;
constexpr std::int64_t kCoseSm2 = -65600;
constexpr std::size_t kSignatureBytes = 64;  ///< both: Ed25519 R || S, SM2 r || s
constexpr std::size_t kMaxPublicKeyBytes = 65;

/// The algorithm of a COSE alg value; nullopt for any other value.
std::optional<SigAlg> from_cose(std::int64_t cose_alg);
std::int64_t cose_alg(SigAlg alg);
std::string_view name(SigAlg alg);  ///< "Ed25519", "SM2"
/// Raw public key size: 32 (Ed25519) or 65 (SM2).
std::size_t public_key_bytes(SigAlg alg);

}  // namespace sign

/// A verification key of a known algorithm, validated and ready to use. Copies share the prepared
/// form. Compares equal when algorithm and raw bytes are equal.
class VerifyKey {
 public:
  /// Validates `raw` for `alg`: Ed25519 32 bytes; SM2 `04 || x || y` on the curve sm2p256v1 (not
  /// the point at infinity, coordinates below p). nullopt when it does not fit.
  static std::optional<VerifyKey> make(SigAlg alg, ByteView raw);
  /// An Ed25519 key (every 32-byte string is one).
  static VerifyKey ed25519(const PublicKey& raw);

  SigAlg alg() const { return alg_; }
  ByteView raw() const { return ByteView(raw_.data(), size_); }
  /// The key id of spec sections 1 and 9: SHA-256 over the raw bytes, first 8 bytes.
  const Kid& kid() const { return kid_; }
  /// The prepared SM2 key (OpenSSL), or nullptr for Ed25519. For app/sign/sm2.cpp.
  const void* prepared() const { return prepared_.get(); }

  friend bool operator==(const VerifyKey& a, const VerifyKey& b) {
    return a.alg_ == b.alg_ && equal(a.raw(), b.raw());
  }

  /// An empty key: it verifies nothing (for default-constructed records).
  VerifyKey() = default;

 private:
  SigAlg alg_ = SigAlg::kEd25519;
  std::array<std::uint8_t, sign::kMaxPublicKeyBytes> raw_{};
  std::uint8_t size_ = 0;
  Kid kid_{};
  std::shared_ptr<const void> prepared_;
};

namespace sign {

/// True only when `sig` is a valid signature of `msg` under `key` AND `alg` (the message's
/// algorithm) is the key's: a message's alg must equal its key's (spec section 9).
[[nodiscard]] bool verify(SigAlg alg, const VerifyKey& key, ByteView msg, ByteView sig);

}  // namespace sign

/// A signing key of either algorithm, for issuers, holders, the chip simulator and tests; the
/// secret is wiped on destruction. Ed25519 from its 32-byte seed; SM2 from a seed by the rule of
/// the vectors' test-keys.json: d = int(SHA-256("sm2-key" || seed)) mod (n - 2) + 1.
class SigningKey {
 public:
  static SigningKey from_seed(SigAlg alg, const Seed& seed);
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  SigAlg alg() const { return pub_.alg(); }
  const VerifyKey& public_key() const { return pub_; }
  const Kid& kid() const { return pub_.kid(); }
  /// Ed25519: deterministic. SM2: a fresh random k each time (OpenSSL).
  std::array<std::uint8_t, sign::kSignatureBytes> sign(ByteView msg) const;

 private:
  struct Impl;
  SigningKey(std::unique_ptr<Impl> impl, VerifyKey pub);
  std::unique_ptr<Impl> impl_;
  VerifyKey pub_;
};

}  // namespace kiosk
