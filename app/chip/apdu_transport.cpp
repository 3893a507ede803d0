#include "app/chip/apdu_transport.h"

namespace kiosk::chip {

std::string_view name(TransportError e) {
  switch (e) {
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kCardRemoved:
      return "card removed";
    case TransportError::kReaderGone:
      return "reader gone";
    case TransportError::kOversized:
      return "answer longer than 258 bytes";
    case TransportError::kIoError:
      return "I/O error";
  }
  return "I/O error";
}

}  // namespace kiosk::chip
