#include "app/sign/sign.h"

#include <sodium.h>

#include <variant>

#include "app/sign/ed25519.h"
#include "app/sign/sm2.h"

namespace kiosk {
namespace sign {

std::optional<SigAlg> from_cose(std::int64_t cose_alg) {
  if (cose_alg == kCoseEdDSA) return SigAlg::kEd25519;
  if (cose_alg == kCoseSm2) return SigAlg::kSm2;
  return std::nullopt;
}

std::int64_t cose_alg(SigAlg alg) {
  return alg == SigAlg::kSm2 ? kCoseSm2 : kCoseEdDSA;
}

std::string_view name(SigAlg alg) {
  return alg == SigAlg::kSm2 ? "SM2" : "Ed25519";
}

std::size_t public_key_bytes(SigAlg alg) {
  return alg == SigAlg::kSm2 ? sm2::kPublicKeyBytes : ed25519::kPublicKeyBytes;
}

bool verify(SigAlg alg, const VerifyKey& key, ByteView msg, ByteView sig) {
  if (alg != key.alg() || sig.size() != kSignatureBytes) return false;
  switch (key.alg()) {
    case SigAlg::kEd25519:
      return ed25519::verify(key.raw(), msg, sig);
    case SigAlg::kSm2: {
      const auto* prepared = static_cast<const sm2::PreparedKey*>(key.prepared());
      return prepared && sm2::verify(*prepared, msg, sig);
    }
  }
  return false;
}

}  // namespace sign

std::optional<VerifyKey> VerifyKey::make(SigAlg alg, ByteView raw) {
  if (raw.size() != sign::public_key_bytes(alg)) return std::nullopt;
  VerifyKey k;
  k.alg_ = alg;
  std::copy(raw.begin(), raw.end(), k.raw_.begin());
  k.size_ = static_cast<std::uint8_t>(raw.size());
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.data(), raw.data(), raw.size());
  std::copy_n(h.begin(), k.kid_.size(), k.kid_.begin());
  if (alg == SigAlg::kSm2) {
    auto prepared = sm2::prepare(raw);
    if (!prepared) return std::nullopt;
    k.prepared_ = std::move(prepared);
  }
  return k;
}

VerifyKey VerifyKey::ed25519(const PublicKey& raw) {
  return *make(SigAlg::kEd25519, raw);
}

struct SigningKey::Impl {
  std::variant<std::unique_ptr<KeyPair>, sm2::SecretKey> key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl, VerifyKey pub)
    : impl_(std::move(impl)), pub_(std::move(pub)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::from_seed(SigAlg alg, const Seed& seed) {
  if (alg == SigAlg::kEd25519) {
    auto kp = std::make_unique<KeyPair>(seed);
    VerifyKey pub = VerifyKey::ed25519(kp->public_key());
    return SigningKey(std::make_unique<Impl>(Impl{std::move(kp)}), std::move(pub));
  }
  sm2::SecretKey sk = sm2::SecretKey::from_seed(seed);
  auto pub = VerifyKey::make(SigAlg::kSm2, sk.public_point());
  if (!pub) std::abort();  // d in [1, n-2] always gives a valid point
  return SigningKey(std::make_unique<Impl>(Impl{std::move(sk)}), std::move(*pub));
}

std::array<std::uint8_t, sign::kSignatureBytes> SigningKey::sign(ByteView msg) const {
  if (const auto* ed = std::get_if<std::unique_ptr<KeyPair>>(&impl_->key)) return (*ed)->sign(msg);
  return std::get<sm2::SecretKey>(impl_->key).sign(msg);
}

}  // namespace kiosk
