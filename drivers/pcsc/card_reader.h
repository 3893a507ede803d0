// The card reader device class: readers come and go, cards are inserted and pulled, a card is
// talked to through a channel (an APDU transport for the chip protocol). The PC/SC implementation
// is pcsc_card_reader.h; a simulated one implements the same interface.
//
// Contract, for every implementation:
// - every call blocks for at most its stated bound and never for ever, whatever the card, the
//   reader or the service behind them does (a hung call is abandoned and reported as kTimeout);
// - errors are values (CardReaderFailure), never exceptions;
// - losing the service (pcscd restarted), the reader (unplugged) or the card (pulled) is reported
//   by the call that meets it, and the next call starts over by itself: no restart of the kiosk.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/bytes.h"
#include "app/chip/apdu_transport.h"
#include "app/result.h"
#include "drivers/device_state.h"

namespace kiosk::drivers {

enum class CardReaderError : std::uint8_t {
  kNoService,     ///< the card service is not running (pcscd stopped or restarting)
  kNoReader,      ///< no reader attached, or not the one asked for
  kNoCard,        ///< no card arrived within the wait
  kCardRemoved,   ///< the card left before or while connecting
  kSharing,       ///< another program holds the card exclusively
  kUnresponsive,  ///< the card is mute or unpowered: it answered no ATR
  kTimeout,       ///< the call did not finish within its bound (a wedged reader or service)
  kFailed,        ///< any other failure; the detail names it
};

std::string_view name(CardReaderError e);

struct CardReaderFailure {
  CardReaderError reason = CardReaderError::kFailed;
  std::string detail;  ///< one line for the log, e.g. "SCardConnect: SCARD_E_SHARING_VIOLATION"
};

struct ReaderStatus {
  std::string name;
  bool card_present = false;  ///< a card is in the reader and answered its ATR
  Bytes atr;                  ///< when card_present
};

/// A connection to the card in one reader. transmit() is the chip::ApduTransport contract: it
/// blocks for at most the reader's transmit timeout, then answers kTimeout.
class CardChannel : public chip::ApduTransport {
 public:
  /// The reader the card sits in.
  virtual const std::string& reader() const = 0;
  /// "T=0" or "T=1".
  virtual std::string_view protocol() const = 0;
  /// Resets the card and ends the connection. Idempotent; bounded; also done by the destructor.
  virtual void disconnect() = 0;
};

class CardReader {
 public:
  virtual ~CardReader() = default;

  /// The readers attached now, with their cards. Bounded by the call timeout. An empty list is
  /// not an error; kNoService is.
  virtual Result<std::vector<ReaderStatus>, CardReaderFailure> readers() = 0;

  /// Waits until a card is present in reader `only` (empty: in any reader) and answers the reader's
  /// name. Returns at once when a card is already there (level-triggered, so idempotent). Readers
  /// that appear during the wait are watched too; a restarted service is reconnected. Blocks at
  /// most `timeout` (plus the call timeout): then kNoCard, or kNoReader when no (matching) reader
  /// was ever seen, or kNoService when the service never answered.
  virtual Result<std::string, CardReaderFailure> wait_for_card(
      std::string_view only, std::chrono::milliseconds timeout) = 0;

  /// Waits until the card in `reader` has left (or the reader itself has gone): true then, false
  /// when it is still there after `timeout`. Level-triggered: true at once for an empty reader.
  /// Blocks at most `timeout` (plus the call timeout); kNoService when the service never answered.
  virtual Result<bool, CardReaderFailure> wait_for_removal(std::string_view reader,
                                                           std::chrono::milliseconds timeout) = 0;

  /// Connects to the card in `reader` (T=0 or T=1, whichever the card offers). Bounded by the
  /// connect timeout. Not idempotent: each call opens a new channel.
  virtual Result<std::unique_ptr<CardChannel>, CardReaderFailure> connect(
      std::string_view reader) = 0;

  /// The driver's state for the officer's screen, and why.
  virtual DeviceState state() const = 0;
  virtual std::string state_detail() const = 0;
};

}  // namespace kiosk::drivers
