// COSE_Sign1 (RFC 9052) with EdDSA over Ed25519 or SM2 with SM3, as spec sections 1 and 9
// restrict it.
#pragma once

#include <optional>

#include "app/cbor.h"
#include "app/crypto.h"
#include "app/result.h"
#include "app/sign/sign.h"

namespace kiosk::cose {

enum class Error {
  kMalformed,    ///< not a COSE_Sign1 of the required shape
  kUnsupported,  ///< crit header present, or an algorithm other than EdDSA (-8) and SM2 (-65600)
};

/// A parsed COSE_Sign1. All views point into the bytes given to `parse_sign1`.
struct Sign1 {
  ByteView protected_bytes;       ///< the protected bstr's content, as received
  cbor::Item protected_map;       ///< its decoded map
  ByteView payload;               ///< the payload bstr's content, as received
  ByteView signature;             ///< 64 bytes
  SigAlg alg = SigAlg::kEd25519;  ///< protected header 1
  std::optional<Kid> kid;         ///< protected header 4 when it is an 8-byte bstr
  bool kid_present = false;       ///< protected header 4 present at all
  const cbor::Item* content_type() const { return protected_map.find(3); }
};

/// Items the envelope may hold besides the payload, which is one bstr however long: the
/// protected and unprotected headers of a real message hold a handful. More is kMalformed, so
/// parsing costs at most a few hundred kilobytes whatever the input (verify before you parse:
/// the payload is not decoded here).
constexpr std::size_t kMaxEnvelopeItems = 1024;

/// Parses `in` (tag 18 optional). The protected header must hold alg (1) = EdDSA (-8) or SM2
/// (-65600) and no crit (2); the unprotected header must be a map (ignored); payload a bstr;
/// signature a 64-byte bstr.
Result<Sign1, Error> parse_sign1(ByteView in);

/// The bytes the signature covers: ["Signature1", protected, h'', payload], deterministic CBOR.
Bytes sig_structure(ByteView protected_bytes, ByteView payload);

/// Verifies the signature of `msg` with `key`; false as well when the message's alg is not the
/// key's (spec section 9).
[[nodiscard]] bool verify(const Sign1& msg, const VerifyKey& key);
/// The same with a raw Ed25519 key.
[[nodiscard]] bool verify(const Sign1& msg, const PublicKey& pub);

/// Builds a signed COSE_Sign1 (for issuers, holders and tests). `protected_map` is an encoded map
/// (its alg is the caller's business: tests forge mismatches on purpose).
Bytes sign1(ByteView protected_map, ByteView payload, const SigningKey& key, bool tagged = true);
Bytes sign1(ByteView protected_map, ByteView payload, const KeyPair& key, bool tagged = true);

}  // namespace kiosk::cose
