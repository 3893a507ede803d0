// An in-process One-Card chip (spec section 5) at the level of its two answers: the credential
// file and INTERNAL AUTHENTICATE. For the APDU-level card that pcscd sees, see sim/vcard; this one
// is for tests and scenarios that need a card without a reader.
#pragma once

#include <array>
#include <string_view>

#include "app/crypto.h"
#include "app/sign/sign.h"

namespace kiosk::sim {

inline constexpr std::string_view kChipAuthPrefix = "WPCN-AA1";

class SimCard {
 public:
  /// A card holding `credential` (the COSE_Sign1 bytes) whose chip signs with `key_seed`: the
  /// credential's holder key for a genuine card, another key for a clone.
  SimCard(ByteView credential, const Seed& key_seed, SigAlg alg = SigAlg::kEd25519)
      : ef_(make_ef(credential)), seed_(key_seed), alg_(alg) {}
  /// A card whose file is given verbatim (for malformed files).
  static SimCard with_file(Bytes ef, const Seed& key_seed, SigAlg alg = SigAlg::kEd25519) {
    return SimCard(std::move(ef), key_seed, alg, 0);
  }

  /// The credential file as READ BINARY returns it: 2-byte length, then the credential.
  const Bytes& ef() const { return ef_; }
  /// The seed the chip signs with (test material), for a VirtualCard playing this card.
  const Seed& key_seed() const { return seed_; }
  /// The chip key's algorithm (the alg of the credential's cnf).
  SigAlg alg() const { return alg_; }
  /// INTERNAL AUTHENTICATE: Ed25519 or SM2 (r || s) over "WPCN-AA1" || challenge.
  std::array<std::uint8_t, kSignatureSize> internal_authenticate(ByteView challenge) const;

 private:
  SimCard(Bytes ef, const Seed& key_seed, SigAlg alg, int)
      : ef_(std::move(ef)), seed_(key_seed), alg_(alg) {}
  static Bytes make_ef(ByteView credential);
  Bytes ef_;
  Seed seed_;  // test material: the chip's key is derived from the simulator's seed
  SigAlg alg_;
};

}  // namespace kiosk::sim
