#include "sim/scenario/channel.h"

namespace kiosk::sim {

Result<Verdict, std::string> DirectQrChannel::deliver(const Issued& issued, const KioskView& k) {
  if (issued.qr.empty())
    return Unexpected{std::string("nothing to show: the issue has no QR text")};
  return verify_qr(issued.qr, k.trust, k.settings, k.now);
}

Result<Verdict, std::string> InProcessCardChannel::deliver(const Issued& issued,
                                                           const KioskView& k) {
  if (!issued.card) return Unexpected{std::string("no card: the issue is not a chip")};
  ChipInput in;
  in.ef = issued.card->ef();
  in.challenge = random_bytes(kChallengeSize);
  auto sig = issued.card->internal_authenticate(in.challenge);
  in.signature.assign(sig.begin(), sig.end());
  return verify_chip(in, k.trust, k.settings, k.now);
}

}  // namespace kiosk::sim
