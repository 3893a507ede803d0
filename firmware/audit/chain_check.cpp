#include "firmware/audit/chain_check.h"

#include "app/bytes.h"

namespace kiosk::audit {

std::vector<ChainBreak> ChainReport::unacknowledged() const {
  std::vector<ChainBreak> out;
  for (const auto& b : breaks)
    if (!b.acknowledged) out.push_back(b);
  return out;
}

void ChainChecker::broken(std::uint64_t seq, std::string reason) {
  report_.breaks.push_back({seq, std::move(reason), false});
}

void ChainChecker::feed(const StoredRecord& r) {
  ++report_.records;
  if (report_.records == 1) report_.first_seq = r.seq;
  report_.last_seq = r.seq;
  std::string stored_hex = to_hex(r.hash);
  Hash computed = record_hash(r.body);
  auto rec = parse_body(r.body);
  if (computed != r.hash) {
    broken(r.seq, "record altered: its hash does not match its body");
  } else if (!rec) {
    broken(r.seq, "record unreadable: its body is not an audit record");
  } else if (r.has_columns &&
             (r.time != rec->time || r.kind != name(rec->kind) ||
              r.outcome != (rec->kind == RecordKind::kVerdict ? rec->outcome : std::string()))) {
    broken(r.seq, "record altered: a column (time, kind or outcome) differs from its hashed body");
  } else if (rec->seq != r.seq) {
    broken(r.seq, "record moved: its body says seq " + std::to_string(rec->seq));
  } else if (have_prev_ && r.seq != prev_seq_ + 1) {
    broken(r.seq, "records missing: " + std::to_string(prev_seq_ + 1) + " to " +
                      std::to_string(r.seq - 1));
  } else if (have_prev_ && rec->prev != prev_hash_) {
    broken(r.seq, "chain link broken: prev is not the hash of record " + std::to_string(prev_seq_));
  }
  if (rec) {
    if (!have_prev_) first_prev_ = rec->prev;
    if (rec->time > report_.newest_time) report_.newest_time = rec->time;
    if (have_prev_ && rec->time < prev_time_)
      report_.clock_back.emplace_back(r.seq, prev_time_ - rec->time);
    prev_time_ = rec->time;
    switch (rec->kind) {
      case RecordKind::kVerdict:
        ++report_.verdicts;
        break;
      case RecordKind::kSegment:
        ++report_.segments;
        acked_.insert(rec->break_at);
        report_.segment_notes.emplace_back(r.seq, rec->note);
        break;
      case RecordKind::kPurge:
        ++report_.purges;
        report_.anchors.push_back({r.seq, rec->time, rec->purged_through, rec->purged_hash,
                                   rec->cutoff, rec->purged_epochs});
        break;
      case RecordKind::kAccess:
        break;
    }
  }
  // Continue from the stored hash, so that one break is reported once.
  have_prev_ = true;
  prev_seq_ = r.seq;
  prev_hash_ = stored_hex;
}

ChainReport ChainChecker::finish() {
  if (report_.records > 0) {
    // The first record follows the genesis, or the last record a purge removed.
    bool anchored = false;
    if (report_.first_seq == 1 && first_prev_ == genesis_prev()) anchored = true;
    for (const auto& a : report_.anchors) {
      if (a.through + 1 == report_.first_seq && a.hash == first_prev_) anchored = true;
    }
    if (!anchored) {
      report_.breaks.insert(report_.breaks.begin(),
                            {report_.first_seq,
                             "records missing at the start: the first record follows neither "
                             "the genesis nor a purge anchor",
                             false});
    }
  }
  for (auto& b : report_.breaks)
    b.acknowledged = acked_.count(b.seq) > 0;
  report_.last_hash = report_.records ? prev_hash_ : genesis_prev();
  return std::move(report_);
}

}  // namespace kiosk::audit
