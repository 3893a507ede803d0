// A session at the counter: from the first presentation to the officer's clear (or the timeout).
// Pure state, no timer and no I/O: kioskd drives it from its event loop.
//
// - The same presentation read again (a QR over many frames, a card left in the reader) is a
//   repeat: no new verdict, only the read count grows.
// - A second document is shown beside the first, up to `max_entries`; the oldest then leaves
//   the screen (it stays in the audit log).
// - A redrawn e-card QR (same credential, new presentation time) replaces its own entry.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "app/mrz/mrz.h"
#include "app/verifier.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

struct SessionEntry {
  std::uint64_t id = 0;  ///< unique while kioskd runs
  Channel channel = Channel::kCamera;
  std::string key;  ///< what identifies the presentation for deduplication
  Verdict verdict;
  std::int64_t time = 0;  ///< kiosk time of the verdict
  std::uint32_t reads = 1;
  std::optional<std::uint64_t> audit_seq;  ///< the audit record, when it was written
  std::string audit_error;                 ///< why it was not written
  /// A REVIEW note beside the verdict (not a spec reason): "same_presentation" (this e-card QR
  /// was shown before, in another session, within the presentation window) or "seen_today"
  /// (this letter or card was presented in another session today); "" when none.
  std::string replay;
  /// What the verdict was checked against: the key set's and the issuer's status list's issue
  /// times (0 when none was installed).
  std::int64_t keyset_iat = 0;
  std::int64_t status_iat = 0;
  /// The verdict's way through kioskd on the monotonic clock (steady_clock, microseconds; 0
  /// when unknown), for the end-to-end benchmark's split by stage. In the officer's message
  /// only: never in the audit log, and it names nobody.
  struct Timing {
    std::int64_t captured = 0;    ///< the frame captured; the card found
    std::int64_t read_start = 0;  ///< decoding / the card read began
    std::int64_t read = 0;        ///< the text decoded; the chip read
    std::int64_t received = 0;    ///< the event loop took it
    std::int64_t verified = 0;    ///< the verdict made
    std::int64_t committed = 0;   ///< its audit record durably committed (or failed)
    std::int64_t published = 0;   ///< handed to the screens' WebSocket connections
  } timing;
};

/// The holder a verified verdict names (passport number, nationality, date of birth), or ""
/// when the issuer signature did not verify: such a verdict names nobody.
std::string holder_identity(const Verdict& v);

class Session {
 public:
  explicit Session(std::size_t max_entries = 4, std::size_t max_keys = 256)
      : max_entries_(max_entries), max_keys_(max_keys) {}

  bool active() const { return !entries_.empty(); }
  /// The session number: grows by one at each new session.
  std::uint64_t number() const { return number_; }

  /// True when `key` was already presented in this session; counts the read.
  bool repeat(const std::string& key);

  /// Adds a new verdict (starting a session when idle) and puts it in focus.
  const SessionEntry& add(SessionEntry e);

  /// Ends the session (officer's clear, or the timeout).
  void clear();

  /// True when `v` names a holder and the session already shows a document of another holder:
  /// the kiosk then ends the session before adding it (a new applicant never sees the
  /// previous applicant's cards).
  bool other_holder(const Verdict& v) const;

  /// The passport zone read in this session (typed by a document reader or scanner), compared
  /// with every document's holder. Cleared with the session.
  void set_passport(mrz::Td3 zone) { passport_ = std::move(zone); }
  const std::optional<mrz::Td3>& passport() const { return passport_; }

  /// Moves the focus to the next document of the session (wraps).
  void focus_next();

  const std::vector<SessionEntry>& entries() const { return entries_; }
  /// The entry in focus: the one the big banner shows. Precondition: active().
  std::size_t focus() const { return focus_; }

 private:
  std::size_t max_entries_;
  std::size_t max_keys_;
  std::vector<SessionEntry> entries_;
  std::deque<std::string> keys_;
  std::size_t focus_ = 0;
  std::uint64_t number_ = 0;
  std::optional<mrz::Td3> passport_;
};

/// The deduplication key of a QR text and of a chip read (by its credential file, since every
/// read of one card carries a fresh challenge).
std::string qr_key(std::string_view text);
std::string chip_key(const ChipInput& chip);

}  // namespace kiosk::kioskd
