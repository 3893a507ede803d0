// Forward-secure seals of the audit chain (after systemd-journald's Forward Secure Sealing, with a
// hash chain of keys instead of FSPRG) and checkpoints of its head (after Certificate
// Transparency's signed tree heads). Pure: no I/O, no clock. See docs/audit.md.
//
// Time is cut into epochs of L seconds from t0: epoch e = floor((t - t0) / L). Epoch e has the
// key k_e; k_0 is random, k_{e+1} = BLAKE2b("onecard-audit-evolve-v1" || k_e), so k_e gives every
// later key and no earlier one. The kiosk holds only the key of the first epoch it has not sealed
// and erases each key once its epoch is sealed; the auditor holds k_0 (with t0 and L: the
// verification key, printed once and never stored on the kiosk).
//
// A seal is a MAC, under the key of its first epoch, over (kind, kiosk, epochs first..last, the
// chain head seq and hash, time). Seal rows are contiguous in epochs, one per epoch that passed
// (a run of epochs only when the kiosk was down), so a truncated log lacks seals it cannot forge.
// A checkpoint is the same MAC over the head after one record, under the current key; it leaves
// the box (kioskd's output for the syslog forwarder, the officer's screen, the USB export).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware/audit/record.h"

namespace kiosk::audit {

using SealKey = std::array<std::uint8_t, 32>;

/// k_{e+1} from k_e.
SealKey evolve(const SealKey& k);

/// What the auditor holds: t0, L and k_0. Text form: "kaudit1-T0-L-HEX64".
struct AuditorKey {
  std::int64_t t0 = 0;
  std::int64_t epoch_seconds = 60;
  SealKey k0{};
};
std::string format_verify_key(const AuditorKey& k);
std::optional<AuditorKey> parse_verify_key(std::string_view text);

/// The epoch of `t` (negative times before t0 are epoch -1 and below).
std::int64_t epoch_of(std::int64_t t, std::int64_t t0, std::int64_t epoch_seconds);

enum class SealKind {
  kSeal,        ///< closes epochs first..last; the key moves on to last + 1
  kStop,        ///< the same, written when kioskd stops
  kCheckpoint,  ///< the head after a record, under the current key (first == last)
};
std::string_view name(SealKind k);

struct Seal {
  SealKind kind = SealKind::kSeal;
  std::string kiosk;
  std::uint64_t first = 0, last = 0;  ///< epochs
  std::uint64_t seq = 0;              ///< the chain head: the last record covered (0: none yet)
  std::string head;                   ///< hex hash of record `seq` (genesis_prev() for 0)
  std::int64_t time = 0;
};

/// The canonical body a MAC covers: one JSON line, fixed key order.
std::string seal_body(const Seal& s);
std::optional<Seal> parse_seal_body(std::string_view text);

/// Keyed BLAKE2b-256 of the body under `k`.
Hash seal_mac(const SealKey& k, std::string_view body);

/// A seal as it leaves the box: {"audit_seal": "<body, exactly as MACed>", "mac": "HEX"}.
struct SealLine {
  std::string body;
  Hash mac{};
  Seal seal;  ///< parsed from `body`
};
std::string format_seal_line(const std::string& body, const Hash& mac);
/// Parses one line (any bytes); nullopt when it is not a seal line.
std::optional<SealLine> parse_seal_line(std::string_view line);

/// Walks keys forward from k_0, remembering the last one (for verifying seals in epoch order).
class KeyWalker {
 public:
  /// Keys up to epoch `limit` only: a hostile epoch number must not cost hours of hashing.
  KeyWalker(const SealKey& k0, std::uint64_t limit) : k0_(k0), k_(k0), limit_(limit) {}
  ~KeyWalker();
  KeyWalker(const KeyWalker&) = delete;
  KeyWalker& operator=(const KeyWalker&) = delete;
  /// The key of epoch `e` (restarting from k_0 when `e` is behind the last one asked); nullptr
  /// past the limit.
  const SealKey* at(std::uint64_t e);

 private:
  SealKey k0_, k_;
  std::uint64_t e_ = 0;
  std::uint64_t limit_;
};

}  // namespace kiosk::audit
