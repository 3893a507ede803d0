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
#include <string>
#include <string_view>

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

class CredentialDayMemory {
 public:
  /// Opens (creating its table) `path`, the audit database file. `key` keys the hash.
  static Result<std::unique_ptr<CredentialDayMemory>, std::string> open(
      const std::string& path, const std::array<std::uint8_t, 32>& key);
  ~CredentialDayMemory();
  CredentialDayMemory(const CredentialDayMemory&) = delete;
  CredentialDayMemory& operator=(const CredentialDayMemory&) = delete;

  /// Remembers credential id `cti` for `session` (a tag unique across restarts) on `day` (local
  /// days since the epoch); true when it was presented in another session that day. Days
  /// before `day` are forgotten.
  Result<bool, std::string> seen_elsewhere(ByteView cti, std::string_view session,
                                           std::int64_t day);

 private:
  CredentialDayMemory(sqlite3* db, const std::array<std::uint8_t, 32>& key) : db_(db), key_(key) {}
  sqlite3* db_;
  std::array<std::uint8_t, 32> key_;
};

}  // namespace kiosk::kioskd
