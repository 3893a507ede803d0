// PC/SC status codes: their names, and what they mean to the driver. Internal to drivers/pcsc.
#pragma once

#include <PCSC/winscard.h>

#include <string_view>

#include "drivers/pcsc/card_reader.h"

namespace kiosk::drivers::pcsc {

/// The service went away: the context (and every handle in it) is dead; make a new one.
bool service_lost(LONG rv);
/// The driver's reason for a PC/SC status.
CardReaderError classify(LONG rv);
/// A failure naming the call and the status, e.g. "SCardConnect: SCARD_E_SHARING_VIOLATION".
CardReaderFailure failure(CardReaderError e, std::string_view call, LONG rv);

}  // namespace kiosk::drivers::pcsc
