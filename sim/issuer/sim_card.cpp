#include "sim/issuer/sim_card.h"

#include "sim/issuer/credential_builder.h"

namespace kiosk::sim {

Bytes SimCard::make_ef(ByteView credential) {
  return chip_ef(credential);
}

std::array<std::uint8_t, kSignatureSize> SimCard::internal_authenticate(ByteView challenge) const {
  Bytes msg(kChipAuthPrefix.begin(), kChipAuthPrefix.end());
  msg.insert(msg.end(), challenge.begin(), challenge.end());
  return SigningKey::from_seed(alg_, seed_).sign(msg);
}

}  // namespace kiosk::sim
