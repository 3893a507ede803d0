// Checks a hash chain of audit records, streaming: feed the records in seq order, then finish.
// Pure: used by the log at start-up, by `kioskctl audit verify` and on exported files.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "firmware/audit/record.h"

namespace kiosk::audit {

/// A record as stored: its body and the hash stored beside it.
struct StoredRecord {
  std::uint64_t seq = 0;
  std::string body;
  Hash hash{};
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
  std::vector<std::pair<std::uint64_t, std::string>> purges_;  ///< purged_through, purged_hash
  std::set<std::uint64_t> acked_;
};

}  // namespace kiosk::audit
