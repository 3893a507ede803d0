// The abstract link to a chip: one command APDU out, one response APDU back. The chip protocol
// (chip_protocol.h) runs over it; the PC/SC driver, the virtual card and the fuzzer implement it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/bytes.h"
#include "app/result.h"

namespace kiosk::chip {

/// Why an exchange produced no response at all.
enum class TransportError : std::uint8_t {
  kTimeout,      ///< the card did not answer within the transport's bound (a silent card)
  kCardRemoved,  ///< the card left the field or the reader during the exchange
  kReaderGone,   ///< the reader, or the service behind it, went away
  kOversized,    ///< the card answered more than kMaxResponseApdu bytes (a hostile card)
  kIoError,      ///< any other failure of the link (the detail says which)
};

std::string_view name(TransportError e);

struct TransportFailure {
  TransportError reason = TransportError::kIoError;
  std::string detail;  ///< for the log, e.g. "SCardTransmit: SCARD_W_REMOVED_CARD"
};

/// One command, one response (status word included). Contract for implementations:
/// - `transmit` blocks for at most the implementation's own timeout, then returns kTimeout: it
/// never
///   blocks forever, whatever the card does;
/// - the response holds at most 258 bytes (256 data + SW1 SW2); a longer answer is kOversized,
///   never truncated silently, never an unbounded allocation;
/// - not idempotent: a command may change the card's state (GET RESPONSE consumes data).
class ApduTransport {
 public:
  virtual ~ApduTransport() = default;
  virtual Result<Bytes, TransportFailure> transmit(ByteView command) = 0;
};

/// The largest response a short APDU can carry: 256 data bytes and the status word.
constexpr std::size_t kMaxResponseApdu = 258;

}  // namespace kiosk::chip
