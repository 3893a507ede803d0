// One audit record: what the kiosk decided, never who the holder is. A record's body is a
// canonical JSON text; its hash (BLAKE2b-256 over a domain tag and the body) is what the next
// record carries as `prev`, so the records form a hash chain.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::audit {

using Hash = std::array<std::uint8_t, 32>;

enum class RecordKind {
  kVerdict,  ///< one verdict shown at the counter
  kSegment,  ///< a new segment: the chain before it was found broken (`note` says where and why)
  kPurge,    ///< retention: records up to `purged_through` were removed; `purged_hash` is the
             ///< hash of the last of them, so the chain that remains is still checkable
  kAccess,   ///< the officer's console: a sign-in, a failed one, a lock or a sign-out (`event`)
};

std::string_view name(RecordKind k);

struct Record {
  std::uint64_t seq = 0;  ///< 1, 2, 3... without gaps
  std::int64_t time = 0;  ///< kiosk time, epoch seconds
  RecordKind kind = RecordKind::kVerdict;
  std::string kiosk;  ///< kiosk id
  // kVerdict
  std::string channel;  ///< "camera", "scanner", "card"
  std::string document;
  std::string outcome;
  std::vector<std::string> reasons;
  std::string issuer_kid;  ///< hex, "" when the signature did not verify
  std::string cti_hash;    ///< hex keyed hash of the credential id, "" when none
  // kSegment
  std::uint64_t break_at = 0;  ///< the seq where the break was found (0: the whole log was lost)
  std::string note;
  // kPurge
  std::uint64_t purged_through = 0;
  std::string purged_hash;  ///< hex
  // kAccess: never a password or a session token
  std::string event;    ///< "signin", "signin-failed", "lock", "signout", "expired"
  std::string officer;  ///< the name given (as typed, for a failure)
  std::string client;   ///< the client's address
  /// Since format 2: the retention cutoff, and how many seal epochs the purge removed (the seals
  /// that remain start at this epoch). Absent in purge records of format 1.
  std::optional<std::int64_t> cutoff;
  std::optional<std::uint64_t> purged_epochs;
  std::string prev;  ///< hex hash of the previous record; 64 zeros for the first ever
};

/// The canonical body: fixed key order, one line, only the fields of the record's kind.
std::string body(const Record& r);

/// Parses a body written by `body` (any JSON with the fields is accepted); nullopt when a field is
/// missing or mistyped.
std::optional<Record> parse_body(std::string_view text);

/// The chain hash of a body.
Hash record_hash(std::string_view body_text);

/// 64 zeros: the `prev` of the first record ever written.
std::string genesis_prev();

}  // namespace kiosk::audit
