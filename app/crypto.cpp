#include "app/crypto.h"

#include <algorithm>
#include <cassert>

namespace kiosk {

bool crypto_init() {
  return sodium_init() >= 0;
}

Kid key_id(const PublicKey& pub) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.data(), pub.data(), pub.size());
  Kid kid;
  std::copy_n(h.begin(), kid.size(), kid.begin());
  return kid;
}

bool ed25519_verify(ByteView sig, ByteView msg, const PublicKey& pub) {
  if (sig.size() != kSignatureSize) return false;
  return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pub.data()) == 0;
}

KeyPair::KeyPair(const Seed& seed) {
  int rc = crypto_sign_seed_keypair(pk_.data(), sk_.data(), seed.data());
  assert(rc == 0);
  (void)rc;
}

KeyPair::~KeyPair() {
  sodium_memzero(sk_.data(), sk_.size());
}

std::array<std::uint8_t, kSignatureSize> KeyPair::sign(ByteView msg) const {
  std::array<std::uint8_t, kSignatureSize> sig;
  int rc = crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk_.data());
  assert(rc == 0);
  (void)rc;
  return sig;
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  randombytes_buf(b.data(), b.size());
  return b;
}

}  // namespace kiosk
