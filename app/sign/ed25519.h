// Ed25519 (RFC 8032) through libsodium: the per-algorithm file behind app/sign/sign.h.
#pragma once

#include "app/bytes.h"
#include "app/crypto.h"

namespace kiosk::ed25519 {

constexpr std::size_t kPublicKeyBytes = 32;

/// True only when `sig` is a 64-byte signature of `msg` by the raw key `pub`.
[[nodiscard]] inline bool verify(ByteView pub, ByteView msg, ByteView sig) {
  auto key = to_array<kPublicKeyBytes>(pub);
  return key && ed25519_verify(sig, msg, *key);
}

}  // namespace kiosk::ed25519
