// Checks a hash chain of audit records, streaming: feed the records in seq order, then finish.
// Pure: used by the log at start-up, by `kioskctl audit verify` and on exported files.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "firmware/audit/record.h"

namespace kiosk::audit {

/// A record as stored: its body and the hash stored beside it, and (from the log, not from an
/// export) the columns that screens and counts read, which must agree with the hashed body.
struct StoredRecord {
  std::uint64_t seq = 0;
  std::string body;
  Hash hash{};
  bool has_columns = false;
  std::int64_t time = 0;
  std::string kind, outcome;
};

/// A purge anchor as the chain holds it.
struct PurgeAnchor {
  std::uint64_t seq = 0;  ///< the purge record's own seq
  std::int64_t time = 0;
  std::uint64_t through = 0;
  std::string hash;
  std::optional<std::int64_t> cutoff;
  std::optional<std::uint64_t> purged_epochs;
};

struct ChainBreak {
  std::uint64_t seq = 0;      ///< the first record that does not follow from the one before
  std::string reason;         ///< e.g. "record altered: its hash does not match its body"
  bool acknowledged = false;  ///< a later segment record reports this break
};

struct ChainReport {
  std::uint64_t records = 0;
  std::uint64_t first_seq = 0, last_seq = 0;
  std::string last_hash;  ///< hex; genesis_prev() when empty
  std::int64_t newest_time = 0;
  std::uint64_t verdicts = 0, segments = 0, purges = 0;
  std::vector<ChainBreak> breaks;
  std::vector<PurgeAnchor> anchors;
  /// Segment records (seq, note): each a past alarm that stays visible to every audit.
  std::vector<std::pair<std::uint64_t, std::string>> segment_notes;
  /// Records dated before the record preceding them (seq, seconds back).
  std::vector<std::pair<std::uint64_t, std::int64_t>> clock_back;

  bool intact() const { return breaks.empty(); }
  /// Breaks not yet reported by a segment record: what the log must record before appending.
  std::vector<ChainBreak> unacknowledged() const;
};

class ChainChecker {
 public:
  void feed(const StoredRecord& r);
  ChainReport finish();

 private:
  void broken(std::uint64_t seq, std::string reason);
  ChainReport report_;
  bool have_prev_ = false;
  std::uint64_t prev_seq_ = 0;
  std::string prev_hash_;
  std::string first_prev_;
  std::set<std::uint64_t> acked_;
  std::int64_t prev_time_ = 0;
};

}  // namespace kiosk::audit
