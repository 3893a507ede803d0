#include "sim/vcard/card_transport.h"

namespace kiosk::sim {

Result<Bytes, chip::TransportFailure> CardTransport::transmit(ByteView command) {
  using chip::TransportError;
  if (gone_) return Unexpected{chip::TransportFailure{TransportError::kCardRemoved, "card left"}};
  VcardAction a = card_.on_apdu(command);
  switch (a.kind) {
    case VcardAction::Kind::kSilent:
      return Unexpected{chip::TransportFailure{TransportError::kTimeout, "no answer"}};
    case VcardAction::Kind::kLeave:
      gone_ = true;
      return Unexpected{chip::TransportFailure{TransportError::kCardRemoved, "card left"}};
    case VcardAction::Kind::kAnswer:
      break;
  }
  if (a.answer.size() > chip::kMaxResponseApdu)
    return Unexpected{chip::TransportFailure{TransportError::kOversized,
                                             std::to_string(a.answer.size()) + " bytes"}};
  return std::move(a.answer);
}

}  // namespace kiosk::sim
