// Encoding and signing of the simulator's credentials (spec section 3), holder presentations
// (section 4), QR texts (section 2) and chip files (section 5), with the deliberate faults the
// invalid variants need. Deterministic: the same inputs give the same bytes (Ed25519 signatures
// are deterministic).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/crypto.h"
#include "app/sign/sign.h"
#include "sim/issuer/records.h"

namespace kiosk::sim {

/// Everything a credential's payload carries.
struct CredentialSpec {
  std::string iss;
  std::uint64_t exp = 0, nbf = 0, iat = 0;
  Bytes cti;                     ///< 1 to 16 bytes
  std::optional<VerifyKey> cnf;  ///< holder key (docs 1 and 4): OKP (Ed25519) or EC2 (SM2)
  std::uint64_t ver = 1;
  std::uint64_t doc = 0;  ///< 1..4 (another value for the unsupported-doc variant)
  PermitRecord record;
  bool with_ssn = true;  ///< docs 1 and 4 must carry it; WPNL and WP card may omit it
  bool with_empn = true;
  std::optional<std::uint64_t> sti;
};

/// Deliberate encoding faults (all off: a well-formed credential).
struct Faults {
  bool duplicate_key = false;  ///< the payload map holds iat (6) twice
  bool omit_wpn = false;       ///< the wp map lacks wpn (2)
  bool negative_exp = false;   ///< exp (4) encoded as the negative integer -1 - exp
  bool crit_header = false;    ///< protected header carries crit (2)
  bool alg_es256 = false;      ///< protected header says alg -7 (ES256)
};

/// The payload map's CBOR.
Bytes encode_credential_payload(const CredentialSpec& c, const Faults& f = {});

/// A credential COSE_Sign1 (tag 18), protected {1: -8, 4: kid}, signed by `signer`. `kid`
/// defaults to the signer's key id; pass another to claim a different key.
Bytes sign_credential(const CredentialSpec& c, const SigningKey& signer, const Faults& f = {},
                      std::optional<Kid> kid = std::nullopt);

/// An e-card presentation COSE_Sign1: protected {1: -8}, payload {1: credential, 2: t, 3: nonce},
/// signed by `holder`. An empty nonce is left out.
Bytes make_presentation(ByteView credential, const SigningKey& holder, std::uint64_t t,
                        ByteView nonce = {});

/// PREFIX || Base45(zlib(cose)).
std::string qr_text(std::string_view prefix, ByteView cose);

/// The chip's credential file: 2-byte big-endian length, then the bytes.
Bytes chip_ef(ByteView credential);

/// Changes one byte inside the signed payload of `cose` so that the structure still parses but
/// the signature no longer verifies: the first letter of `name` (found in the bytes) changes
/// case. Returns false when `name` is not there or does not start with a Latin letter.
bool tamper_payload(Bytes& cose, std::string_view name);

}  // namespace kiosk::sim
