#include "drivers/pcsc/pcsc_errors.h"

#include <cstdio>
#include <string>

#include "drivers/pcsc/pcsc_card_reader.h"

namespace kiosk::drivers {

std::string pcsc_error_name(long rv) {
  switch (static_cast<LONG>(rv)) {
#define KIOSK_PCSC_NAME(c) \
  case c:                  \
    return #c;
    KIOSK_PCSC_NAME(SCARD_S_SUCCESS)
    KIOSK_PCSC_NAME(SCARD_E_NO_SERVICE)
    KIOSK_PCSC_NAME(SCARD_E_SERVICE_STOPPED)
    KIOSK_PCSC_NAME(SCARD_E_INVALID_HANDLE)
    KIOSK_PCSC_NAME(SCARD_E_NO_READERS_AVAILABLE)
    KIOSK_PCSC_NAME(SCARD_E_UNKNOWN_READER)
    KIOSK_PCSC_NAME(SCARD_E_READER_UNAVAILABLE)
    KIOSK_PCSC_NAME(SCARD_E_NO_SMARTCARD)
    KIOSK_PCSC_NAME(SCARD_W_REMOVED_CARD)
    KIOSK_PCSC_NAME(SCARD_W_RESET_CARD)
    KIOSK_PCSC_NAME(SCARD_W_UNRESPONSIVE_CARD)
    KIOSK_PCSC_NAME(SCARD_W_UNPOWERED_CARD)
    KIOSK_PCSC_NAME(SCARD_E_SHARING_VIOLATION)
    KIOSK_PCSC_NAME(SCARD_E_TIMEOUT)
    KIOSK_PCSC_NAME(SCARD_E_CANCELLED)
    KIOSK_PCSC_NAME(SCARD_E_NOT_TRANSACTED)
    KIOSK_PCSC_NAME(SCARD_E_PROTO_MISMATCH)
    KIOSK_PCSC_NAME(SCARD_E_INSUFFICIENT_BUFFER)
    KIOSK_PCSC_NAME(SCARD_E_INVALID_PARAMETER)
    KIOSK_PCSC_NAME(SCARD_E_INVALID_VALUE)
    KIOSK_PCSC_NAME(SCARD_E_NO_MEMORY)
    KIOSK_PCSC_NAME(SCARD_F_COMM_ERROR)
    KIOSK_PCSC_NAME(SCARD_F_INTERNAL_ERROR)
    KIOSK_PCSC_NAME(SCARD_E_UNSUPPORTED_FEATURE)
#undef KIOSK_PCSC_NAME
    default: {
      char b[32];
      std::snprintf(b, sizeof b, "PC/SC error 0x%08lX", static_cast<unsigned long>(rv));
      return b;
    }
  }
}

namespace pcsc {

bool service_lost(LONG rv) {
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
         rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR;
}

CardReaderFailure failure(CardReaderError e, std::string_view call, LONG rv) {
  return {e, std::string(call) + ": " + pcsc_error_name(rv)};
}

CardReaderError classify(LONG rv) {
  if (service_lost(rv)) return CardReaderError::kNoService;
  switch (rv) {
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      return CardReaderError::kNoReader;
    case SCARD_E_NO_SMARTCARD:
      return CardReaderError::kNoCard;
    case SCARD_W_REMOVED_CARD:
    case SCARD_W_RESET_CARD:
      return CardReaderError::kCardRemoved;
    case SCARD_E_SHARING_VIOLATION:
      return CardReaderError::kSharing;
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
      return CardReaderError::kUnresponsive;
    case SCARD_E_TIMEOUT:
      return CardReaderError::kTimeout;
    default:
      return CardReaderError::kFailed;
  }
}

}  // namespace pcsc
}  // namespace kiosk::drivers
