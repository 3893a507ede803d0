#include "drivers/pcsc/card_reader.h"

namespace kiosk::drivers {

std::string_view name(CardReaderError e) {
  switch (e) {
    case CardReaderError::kNoService:
      return "no PC/SC service";
    case CardReaderError::kNoReader:
      return "no card reader";
    case CardReaderError::kNoCard:
      return "no card";
    case CardReaderError::kCardRemoved:
      return "card removed";
    case CardReaderError::kSharing:
      return "card in use by another program";
    case CardReaderError::kUnresponsive:
      return "card does not answer";
    case CardReaderError::kTimeout:
      return "reader does not answer";
    case CardReaderError::kFailed:
      return "reader failure";
  }
  return "reader failure";
}

}  // namespace kiosk::drivers
