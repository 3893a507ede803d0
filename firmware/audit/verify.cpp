#include "firmware/audit/verify.h"

#include <sodium.h>

#include <cctype>

#include "app/bytes.h"

namespace kiosk::audit {
namespace {

/// A purge may not remove records younger than this.
constexpr std::int64_t kMinRetention = 86400;

std::string epochs(std::uint64_t first, std::uint64_t last) {
  return first == last ? "epoch " + std::to_string(first)
                       : "epochs " + std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

void Verifier::finding(std::string text) {
  // The kind is the leading capitals ("FORGED", "RECORDS MISSING"): a rewritten log gives one of
  // each per row; the first few say enough.
  std::size_t n = 0;
  while (n < text.size() && (std::isupper(static_cast<unsigned char>(text[n])) || text[n] == ' '))
    ++n;
  std::string kind = text.substr(0, n);
  while (!kind.empty() && kind.back() == ' ')
    kind.pop_back();
  if (++repeats_[kind] <= kShown) rep_.findings.push_back(std::move(text));
}

Verifier::Verifier(VerifyOptions options) : opt_(std::move(options)) {
  if (opt_.key) {
    // No seal may be of an epoch after now (+1 for a clock a little ahead); without a time, a
    // generous bound still stops a hostile epoch number from costing hours of hashing.
    std::uint64_t limit = std::uint64_t{1} << 32;
    if (opt_.now > 0) {
      std::int64_t e = epoch_of(opt_.now, opt_.key->t0, opt_.key->epoch_seconds);
      limit = e < 0 ? 0 : static_cast<std::uint64_t>(e) + 1;
    }
    walker_.emplace(opt_.key->k0, limit);
  }
  // What the auditor holds from off the box: each names a record the log must hold, unchanged.
  for (const auto& h : opt_.held) {
    ++rep_.held;
    const Seal& s = h.seal;
    std::string what = "auditor's " + std::string(name(s.kind)) + " of " + epochs(s.first, s.last) +
                       " (" + when(s.time) + ", record " + std::to_string(s.seq) + ")";
    if (walker_ && !check_mac(s.first, h.body, h.mac)) {
      finding("HELD LINE INVALID: the " + what +
              " does not verify with the key (another kiosk's, or damaged)");
      continue;
    }
    if (!walker_) ++unauthenticated_held_;
    if (s.last > max_held_epoch_ || max_held_what_.empty()) {
      max_held_epoch_ = s.last;
      max_held_what_ = what;
    }
    expect(s.seq, s.head, what);
  }
  if (unauthenticated_held_)
    rep_.notes.push_back(std::to_string(unauthenticated_held_) +
                         " held lines compared without a key (not authenticated)");
}

std::string Verifier::when(std::int64_t t) const {
  return "time " + std::to_string(t);
}

bool Verifier::check_mac(std::uint64_t epoch, const std::string& body, const Hash& mac) {
  const SealKey* k = walker_->at(epoch);
  if (!k) return false;
  Hash want = seal_mac(*k, body);
  return sodium_memcmp(want.data(), mac.data(), want.size()) == 0;
}

void Verifier::expect(std::uint64_t seq, const std::string& head, const std::string& what) {
  expects_.emplace(seq, Expect{head, what});
}

void Verifier::feed_seal(const StoredSeal& row) {
  auto s = parse_seal_body(row.body);
  std::string id = "seal row " + std::to_string(row.id);
  if (!s) {
    finding(id + ": unreadable (its body is not a seal): altered");
    return;
  }
  if (row.kind != name(s->kind) || row.first != s->first || row.last != s->last ||
      row.seq != s->seq) {
    finding(id + ": a column differs from its sealed body: altered");
    return;
  }
  std::string what = std::string(name(s->kind)) + " of " + epochs(s->first, s->last) + " (" +
                     when(s->time) + ", record " + std::to_string(s->seq) + ")";
  if (walker_ && !check_mac(s->first, row.body, row.mac)) {
    finding("FORGED " + what +
            ": does not verify with the auditor's key (made with a later key, or altered)");
    return;
  }
  expect(s->seq, s->head, what);
  if (s->seq > max_seal_seq_) max_seal_seq_ = s->seq;
  if (s->kind == SealKind::kCheckpoint) {
    ++rep_.checkpoints;
    return;
  }
  ++rep_.seals;
  if (!first_closing_epoch_) {
    first_closing_epoch_ = s->first;
  } else if (rep_.sealed_through && s->first != *rep_.sealed_through + 1) {
    if (s->first > *rep_.sealed_through + 1)
      finding("SEALS MISSING for " + epochs(*rep_.sealed_through + 1, s->first - 1) +
              " (before the " + what + "): records and seals of that time were deleted");
    else
      finding("SEAL OUT OF ORDER: " + what + " repeats epochs already sealed");
  }
  if (s->seq < last_sealed_seq_)
    finding("SEAL GOES BACK: " + what + " covers fewer records than the seal " +
            "before it (record " + std::to_string(last_sealed_seq_) + ")");
  if (s->time < last_seal_time_)
    finding("CLOCK WENT BACK between seals: " + what + " is " +
            std::to_string(last_seal_time_ - s->time) + " s before the seal before it");
  if (opt_.key) {
    std::int64_t e = epoch_of(s->time, opt_.key->t0, opt_.key->epoch_seconds);
    std::int64_t earliest =
        static_cast<std::int64_t>(s->last) + (s->kind == SealKind::kStop ? 0 : 1);
    if (e < earliest) finding("CLOCK WENT BACK: " + what + " is dated before its epochs ended");
  }
  closing_.push_back({s->seq, s->first});
  rep_.sealed_through = s->last;
  rep_.stopped = s->kind == SealKind::kStop;
  rep_.last_seal_time = s->time;
  rep_.sealed_seq = s->seq;
  last_seal_time_ = std::max(last_seal_time_, s->time);
  last_sealed_seq_ = std::max(last_sealed_seq_, s->seq);
}

void Verifier::feed_record(const StoredRecord& r) {
  chain_.feed(r);
  auto [lo, hi] = expects_.equal_range(r.seq);
  std::string hex = to_hex(r.hash);
  for (auto it = lo; it != hi; ++it) {
    if (it->second.head != hex)
      finding("REWRITTEN: record " + std::to_string(r.seq) + " is not the record the " +
              it->second.what + " names");
  }
  expects_.erase(lo, hi);
  if (!opt_.key) return;
  // CVE-2023-31439's lesson: a record must be sealed by the key of its own epoch (or the next),
  // never only by a later one, which whoever holds the kiosk now also holds.
  while (closing_at_ < closing_.size() && closing_[closing_at_].seq < r.seq)
    ++closing_at_;
  if (closing_at_ >= closing_.size()) return;
  auto rec = parse_body(r.body);
  if (!rec) return;  // the chain check reports it
  std::int64_t e = epoch_of(rec->time, opt_.key->t0, opt_.key->epoch_seconds);
  if (e < 0) return;  // written before sealing began (a migrated log): the first seal covers it
  if (e + 1 < static_cast<std::int64_t>(closing_[closing_at_].first))
    finding("LATE SEAL: record " + std::to_string(r.seq) + " (epoch " + std::to_string(e) +
            ") is sealed only by the key of epoch " + std::to_string(closing_[closing_at_].first) +
            ": written or rewritten after its epoch was sealed");
}

VerifyReport Verifier::finish() {
  rep_.chain = chain_.finish();
  const ChainReport& c = rep_.chain;
  for (const auto& b : c.breaks)
    finding("BROKEN at record " + std::to_string(b.seq) + ": " + b.reason +
            (b.acknowledged ? " (recorded by a segment record)" : " (NOT recorded)"));
  for (const auto& [seq, note] : c.segment_notes)
    finding("SEGMENT record " + std::to_string(seq) + ": " + note);
  for (const auto& [seq, back] : c.clock_back)
    finding("CLOCK WENT BACK " + std::to_string(back) + " s at record " + std::to_string(seq));
  // Seals and checkpoints whose record is not in the log.
  std::size_t beyond = 0;
  const Expect* last_beyond = nullptr;
  std::uint64_t last_beyond_seq = 0;
  for (const auto& [seq, e] : expects_) {
    if (c.records == 0 || seq > c.last_seq) {
      if (seq == 0 && e.head == genesis_prev()) continue;
      ++beyond;
      last_beyond = &e;
      last_beyond_seq = seq;
    } else if (seq < c.first_seq) {
      bool anchored = false;
      for (const auto& a : c.anchors)
        if (a.through == seq) anchored = a.hash == e.head;
      if (!anchored && seq != 0)
        rep_.notes.push_back("the " + e.what + " names record " + std::to_string(seq) +
                             ", purged since");
    }
  }
  if (last_beyond)
    finding("RECORDS MISSING: " + std::to_string(beyond) +
            " seal(s)/checkpoint(s) name records after the log's last (" +
            std::to_string(c.last_seq) + "), up to the " + last_beyond->what + " (record " +
            std::to_string(last_beyond_seq) + "): the tail was deleted or the log replaced");
  // Where the seals must start: epoch 0, or where a purge left them.
  if (first_closing_epoch_ && *first_closing_epoch_ != 0) {
    bool anchored = false;
    for (const auto& a : c.anchors)
      if (a.purged_epochs && *a.purged_epochs == *first_closing_epoch_) anchored = true;
    if (!anchored)
      finding("SEALS MISSING at the start: the first seal is of epoch " +
              std::to_string(*first_closing_epoch_) +
              " and no purge record says where the seals were cut");
  }
  if (opt_.key) {
    for (const auto& a : c.anchors) {
      if (!a.cutoff) {
        rep_.notes.push_back("purge record " + std::to_string(a.seq) +
                             " is of format 1 (no cutoff to check)");
        continue;
      }
      if (a.time - *a.cutoff < kMinRetention)
        finding("PURGE record " + std::to_string(a.seq) +
                " removed records younger than a day (cutoff " + std::to_string(*a.cutoff) +
                ", at " + when(a.time) + ")");
      if (a.purged_epochs && *a.purged_epochs > 0 &&
          opt_.key->t0 + static_cast<std::int64_t>(*a.purged_epochs - 1) * opt_.key->epoch_seconds >
              *a.cutoff)
        finding("PURGE record " + std::to_string(a.seq) +
                " removed seals of epochs that began after its cutoff");
    }
  }
  if (!max_held_what_.empty() && rep_.sealed_through && max_held_epoch_ > *rep_.sealed_through + 1)
    finding("SEALS MISSING: the log's seals end at epoch " + std::to_string(*rep_.sealed_through) +
            ", before the " + max_held_what_ +
            ": the log was replaced by an older copy or its tail deleted");
  if (opt_.key_next) {
    std::uint64_t log_next = rep_.sealed_through ? *rep_.sealed_through + 1 : 0;
    if (*opt_.key_next > log_next)
      finding("SEALS MISSING: the kiosk's sealing key has sealed through epoch " +
              std::to_string(*opt_.key_next - 1) + " but the log's seals end " +
              (rep_.sealed_through ? "at epoch " + std::to_string(*rep_.sealed_through)
                                   : std::string("before any")) +
              ": the log was replaced (by an older copy?) or its tail deleted");
  }
  if (opt_.key && opt_.now > 0) {
    std::int64_t e_now = epoch_of(opt_.now, opt_.key->t0, opt_.key->epoch_seconds);
    std::int64_t through =
        rep_.sealed_through ? static_cast<std::int64_t>(*rep_.sealed_through) : -1;
    if (rep_.stopped) {
      rep_.notes.push_back("kioskd stopped at " + when(rep_.last_seal_time) +
                           " and sealed everything before");
    } else if (through + 2 < e_now) {
      std::int64_t since = opt_.key->t0 + (through + 1) * opt_.key->epoch_seconds;
      finding("NOT SEALED since " + when(since) + " (" + std::to_string(opt_.now - since) +
              " s before now): the tail was deleted, the log replaced by an older copy, or "
              "the kiosk lost power and has not run since");
    }
  }
  if (c.last_seq > rep_.sealed_seq)
    rep_.notes.push_back("records " + std::to_string(rep_.sealed_seq + 1) + " to " +
                         std::to_string(c.last_seq) +
                         " are after the last seal (the window: only checkpoints that left the "
                         "box protect them)");
  for (const auto& [kind, n] : repeats_)
    if (n > kShown)
      rep_.findings.push_back("... and " + std::to_string(n - kShown) + " more " + kind +
                              " finding(s) like those above");
  return std::move(rep_);
}

Result<VerifyReport, AuditError> verify_log(AuditLog& log, VerifyOptions options) {
  Verifier v(std::move(options));
  auto s = log.for_each_seal([&](const StoredSeal& row) { v.feed_seal(row); });
  if (!s) return Unexpected{s.error()};
  auto r = log.for_each(0, [&](const StoredRecord& rec) { v.feed_record(rec); });
  if (!r) return Unexpected{r.error()};
  return v.finish();
}

std::vector<SealLine> parse_held_lines(std::string_view text, std::size_t* malformed) {
  std::vector<SealLine> out;
  std::size_t bad = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    auto brace = line.find("{\"audit_seal\"");
    if (brace == std::string_view::npos) continue;
    auto l = parse_seal_line(line.substr(brace));
    if (l) {
      out.push_back(std::move(*l));
    } else {
      ++bad;
    }
  }
  if (malformed) *malformed = bad;
  return out;
}

}  // namespace kiosk::audit
