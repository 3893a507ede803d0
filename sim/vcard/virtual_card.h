// A virtual One-Card social security card (spec section 5): answers SELECT, READ BINARY, GET
// RESPONSE and INTERNAL AUTHENTICATE from a credential file and the holder's Ed25519 seed, with
// switches that make it misbehave the way hostile or broken cards do. Pure: APDU in, action out;
// vpcd_card.h carries it to pcscd, and the chip protocol tests use it directly as a transport.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "app/bytes.h"
#include "app/crypto.h"
#include "app/sign/sign.h"
#include "sim/rng.h"

namespace kiosk::sim {

struct VcardConfig {
  Bytes ef;            ///< the credential file: 2-byte big-endian L, L bytes, optional padding
  Seed holder_seed{};  ///< the key the chip signs with; another chip's seed makes a clone
  SigAlg holder_alg = SigAlg::kEd25519;  ///< the chip key's algorithm (the alg of cnf)
  Bytes atr = {0x3B, 0x80, 0x01, 0x81};  ///< T=1, no historical bytes

  // Misbehaviour. "after N" counts the command APDUs answered normally before it starts.
  bool not_wp = false;             ///< SELECT of the One-Card AID answers 6A 82
  std::size_t chain_piece = 0;     ///< >0: data comes by 61xx / GET RESPONSE, this many a time
  bool endless_61xx = false;       ///< every answer is 61 10 without data, for ever
  std::size_t wrong_le_chunk = 0;  ///< >0: answers 6C xx unless Le is the count it wants to give
  bool wrong_le_loop = false;      ///< answers 6C xx to every command, xx never the Le sent
  std::optional<std::uint32_t> pull_after;      ///< the card leaves (link closed) at APDU N
  std::optional<std::uint32_t> garbage_after;   ///< random 1..12 byte answers from APDU N
  std::optional<std::uint32_t> oversize_after;  ///< `oversize_data` data bytes + 90 00 from N
  std::size_t oversize_data = 1000;
  std::optional<std::uint32_t> silent_after;     ///< no answer at all from APDU N
  std::optional<std::uint16_t> length_override;  ///< the file's L claims this instead
};

/// What the card does with one APDU.
struct VcardAction {
  enum class Kind { kAnswer, kSilent, kLeave } kind = Kind::kAnswer;
  Bytes answer;  ///< for kAnswer: data and status word
};

class VirtualCard {
 public:
  explicit VirtualCard(VcardConfig config);
  /// Power on or reset: deselects and forgets pending GET RESPONSE data.
  void reset();
  const Bytes& atr() const { return config_.atr; }
  /// Answers one command APDU.
  VcardAction on_apdu(ByteView apdu);
  /// Command APDUs seen since construction (resets do not clear it).
  std::uint32_t apdus_seen() const { return seen_; }
  /// Turns the one-shot "pull" off (the card was reinserted).
  void clear_pull() { config_.pull_after.reset(); }
  const VcardConfig& config() const { return config_; }

 private:
  Bytes respond(ByteView apdu);
  Bytes data_answer(Bytes data, std::uint16_t sw, std::size_t le);

  VcardConfig config_;
  Bytes file_;
  std::unique_ptr<SigningKey> key_;
  Rng rng_{0x5eed};
  bool selected_ = false;
  Bytes pending_;  ///< data waiting for GET RESPONSE
  std::uint16_t pending_sw_ = 0x9000;
  std::uint32_t seen_ = 0;
};

}  // namespace kiosk::sim
