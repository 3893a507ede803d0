// A VirtualCard held straight against the chip protocol, without pcscd: an ApduTransport for
// tests and the simulator. A silent card answers kTimeout at once (the bound a real transport
// waits out), a card that leaves answers kCardRemoved from then on.
#pragma once

#include "app/chip/apdu_transport.h"
#include "sim/vcard/virtual_card.h"

namespace kiosk::sim {

class CardTransport final : public chip::ApduTransport {
 public:
  explicit CardTransport(VirtualCard& card) : card_(card) {}
  Result<Bytes, chip::TransportFailure> transmit(ByteView command) override;

 private:
  VirtualCard& card_;
  bool gone_ = false;
};

}  // namespace kiosk::sim
