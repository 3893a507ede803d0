// The One-Card chip protocol of spec section 5, over an abstract APDU transport: SELECT the
// application, READ BINARY the credential file, INTERNAL AUTHENTICATE a fresh challenge. The result
// is the verifier's ChipInput. Pure: no PC/SC, no clock; the transport bounds the time of each
// exchange, this module bounds their number and the size of everything it accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/chip/apdu_transport.h"
#include "app/result.h"
#include "app/verifier.h"

namespace kiosk::chip {

/// Why a chip could not be read. The first group is about what the card answered (its verdict is
/// MALFORMED, spec section 5); the second is about the link (no verdict: read the card again).
enum class ChipError : std::uint8_t {
  kNotAWpCard,        ///< SELECT of the One-Card application answered other than 90 00
  kBadStatus,         ///< a command answered with a status word the protocol does not accept
  kMalformedAnswer,   ///< an answer without a status word, an empty or a short-ended file read
  kAnswerTooLong,     ///< more data than the command asked for, or than the protocol allows
  kTooManyExchanges,  ///< an endless 61xx chain, a 6Cxx (wrong Le) loop, a trickle of tiny chunks
  kFileTooLarge,      ///< the file's length L is above 4,096
  kBadSignatureSize,  ///< INTERNAL AUTHENTICATE answered 90 00 with other than 64 bytes
  kTimeout,           ///< the transport: the card went silent
  kCardRemoved,       ///< the transport: the card left during the read
  kReaderGone,        ///< the transport: the reader or the PC/SC service went away
  kTransport,         ///< the transport: another link failure
};

/// "NOT_A_WP_CARD", "TOO_MANY_EXCHANGES", ...
std::string_view name(ChipError e);

/// True for the errors about what the card answered (reported as a MALFORMED verdict); false for
/// the link errors, after which there is no verdict.
bool is_card_fault(ChipError e);

struct ChipFailure {
  ChipError reason = ChipError::kTransport;
  std::string detail;  ///< one line for the log: which command, which status word
};

/// What one read cost, for the latency estimate of a real contactless card.
struct ChipStats {
  std::size_t apdus = 0;      ///< command APDUs sent (GET RESPONSE and 6Cxx repeats included)
  std::size_t bytes_out = 0;  ///< command bytes
  std::size_t bytes_in = 0;   ///< response bytes, status words included
};

struct ChipRead {
  ChipInput input;
  ChipStats stats;
};

/// Bounds on a hostile card; any answer past them is an error, never a longer wait or more memory.
constexpr std::size_t kMaxExchanges = 96;       ///< command APDUs in one read, all included
constexpr std::size_t kMaxGetResponses = 8;     ///< 61xx answers followed for one command
constexpr std::size_t kMaxLeRetries = 2;        ///< 6Cxx answers followed for one command
constexpr std::size_t kChipSignatureSize = 64;  ///< Ed25519

/// Runs the protocol with `challenge` (32 bytes). For tests and the fuzzer; the kiosk uses the
/// overload below. Blocks as long as the transport's exchanges, at most kMaxExchanges of them.
Result<ChipRead, ChipFailure> read_chip(ApduTransport& card, ByteView challenge);

/// Runs the protocol with 32 fresh random bytes from libsodium as the challenge.
Result<ChipRead, ChipFailure> read_chip(ApduTransport& card);

}  // namespace kiosk::chip
