// The console's access records (sign-ins, refusals, locks, sign-outs) on their way to the audit
// writer, bounded: a flood of sign-in attempts while the disk is stuck must not grow the writer's
// queue without limit. Past the bound a record is counted instead of queued, and the next record
// admitted is preceded by one that says how many were lost ("dropped:N"), so the log shows the gap
// and its size. Pure and single-threaded: the event loop owns it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kiosk::kioskd {

class AccessBacklog {
 public:
  /// `limit`: the records with the writer past which new ones are dropped (at least 1).
  explicit AccessBacklog(std::size_t limit) : limit_(limit > 0 ? limit : 1) {}

  struct Admission {
    bool admitted = false;    ///< post the record; otherwise it was counted as dropped
    bool first_drop = false;  ///< not admitted, and the first dropped since the last admitted
    std::uint64_t gap = 0;    ///< admitted: records dropped just before it, to post first as
                              ///< one record "dropped:<gap>" (0: none)
  };

  /// A record is to go to the writer. Admitted, the records posted for it (the gap's record if
  /// any, and it) count as with the writer until done() is called for each.
  Admission admit();

  /// One posted record has left the writer (committed or failed).
  void done();

  /// The records with the writer; never above limit() + 1 (a gap's record and the next).
  std::size_t pending() const { return pending_; }
  /// The records dropped since the last one admitted.
  std::uint64_t dropped() const { return dropped_; }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  std::size_t pending_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace kiosk::kioskd
