// Replay flags: has this code been shown before, to another applicant? Two memories, neither
// holding personal data (keyed hashes only):
// - PresentationMemory, in RAM, of e-card presentation texts: the same dynamic QR (a screenshot
//   passed on) seen again in another session within the presentation window. Forgotten after
//   the window, and with the process.
// - CredentialDayMemory, in a table of its own in the audit database file, of credential ids for
//   the day: one WPNL or WP card presented in two different sessions today.
// A flag is a REVIEW note beside the verdict for the officer, never a spec reason.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/bytes.h"
#include "app/result.h"

namespace kiosk::kioskd {

class PresentationMemory {
 public:
  /// `window`: seconds a presentation is remembered (the presentation window: max_age + skew).
  /// The hash key is random, made here, and wiped on destruction.
  explicit PresentationMemory(std::int64_t window);
  ~PresentationMemory();
  PresentationMemory(const PresentationMemory&) = delete;
  PresentationMemory& operator=(const PresentationMemory&) = delete;

  /// Remembers `text` for `session`; true when it was seen in another session within the window.
  /// Entries older than the window are dropped first; at most kMaxEntries are kept (the oldest
  /// go first).
  bool seen_elsewhere(std::string_view text, std::uint64_t session, std::int64_t now);
  std::size_t size() const { return seen_.size(); }
  static constexpr std::size_t kMaxEntries = 4096;

 private:
  struct Seen {
    std::int64_t time;
    std::uint64_t session;
  };
  std::int64_t window_;
  std::array<std::uint8_t, 32> key_{};
  std::map<std::string, Seen> seen_;  ///< keyed hash -> first sight
};

/// One credential id seen on one day: its keyed hash and the session that showed it first.
struct DayRow {
  std::int64_t day = 0;  ///< local days since the epoch
  std::string cti_hash;
  std::string session;
};

/// The day's credential ids, in RAM on the event loop: a check costs no disk access. What it
/// learns goes to a CredentialDayTable on the audit writer, which gives it back after a restart.
class CredentialDayMemory {
 public:
  /// `key` keys the hash; `rows` as loaded from the table (days before the first check's day are
  /// dropped then).
  CredentialDayMemory(const std::array<std::uint8_t, 32>& key, std::vector<DayRow> rows);
  ~CredentialDayMemory();
  CredentialDayMemory(const CredentialDayMemory&) = delete;
  CredentialDayMemory& operator=(const CredentialDayMemory&) = delete;

  /// Remembers credential id `cti` for `session` (a tag unique across restarts) on `day` (local
  /// days since the epoch); true when it was presented in another session that day. Days before
  /// `day` are forgotten. When the id is new today, `*fresh` is set to the row to store. At most
  /// kMaxEntries ids are kept a day: past that, new ones are neither flagged nor kept.
  bool seen_elsewhere(ByteView cti, std::string_view session, std::int64_t day,
                      std::optional<DayRow>* fresh);
  std::size_t size() const { return seen_.size(); }
  static constexpr std::size_t kMaxEntries = 65536;

 private:
  std::array<std::uint8_t, 32> key_;
  std::int64_t day_ = 0;                             ///< the day of the last check (0: none yet)
  std::map<std::string, DayRow, std::less<>> seen_;  ///< keyed hash -> row
};

/// The replay memory's table (`replay_day`) in the audit database file. Once kioskd runs it is
/// the audit writer's: only that thread uses it.
class CredentialDayTable {
 public:
  /// Opens (creating its table) `path`, the audit database file.
  static Result<std::unique_ptr<CredentialDayTable>, std::string> open(const std::string& path);
  ~CredentialDayTable();
  CredentialDayTable(const CredentialDayTable&) = delete;
  CredentialDayTable& operator=(const CredentialDayTable&) = delete;

  /// Every row kept (at most CredentialDayMemory::kMaxEntries, newest days first).
  Result<std::vector<DayRow>, std::string> load();
  /// Forgets the days before `row.day`, then keeps `row` (a row already kept stays as it was).
  Result<bool, std::string> store(const DayRow& row);

 private:
  explicit CredentialDayTable(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace kiosk::kioskd
