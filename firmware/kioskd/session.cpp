#include "firmware/kioskd/session.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace kiosk::kioskd {

bool Session::repeat(const std::string& key) {
  if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) return false;
  for (auto& e : entries_)
    if (e.key == key) ++e.reads;
  return true;
}

const SessionEntry& Session::add(SessionEntry e) {
  if (entries_.empty()) ++number_;
  keys_.push_back(e.key);
  if (keys_.size() > max_keys_) keys_.pop_front();
  // Same credential, same document: a redrawn presentation of the same e-card replaces its entry.
  if (!e.verdict.cti.empty()) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Verdict& old = entries_[i].verdict;
      if (old.cti == e.verdict.cti && old.document == e.verdict.document &&
          old.issuer_kid == e.verdict.issuer_kid) {
        e.reads += entries_[i].reads;
        entries_[i] = std::move(e);
        focus_ = i;
        return entries_[i];
      }
    }
  }
  if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
  entries_.push_back(std::move(e));
  focus_ = entries_.size() - 1;
  return entries_.back();
}

void Session::clear() {
  passport_.reset();
  entries_.clear();
  keys_.clear();
  focus_ = 0;
}

std::string holder_identity(const Verdict& v) {
  if (!v.holder || !v.issuer_kid || v.document == Document::kUnknown) return "";
  return v.holder->ppn + "|" + v.holder->nat + "|" + v.holder->dob;
}

bool Session::other_holder(const Verdict& v) const {
  std::string who = holder_identity(v);
  if (who.empty()) return false;
  for (const auto& e : entries_) {
    std::string was = holder_identity(e.verdict);
    if (!was.empty() && was != who) return true;
  }
  return false;
}

void Session::focus_next() {
  if (!entries_.empty()) focus_ = (focus_ + 1) % entries_.size();
}

std::string qr_key(std::string_view text) {
  // A digest, so that an enormous text costs the session no more than a short one.
  std::array<std::uint8_t, 16> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  return "qr:" + to_hex(h);
}

std::string chip_key(const ChipInput& chip) {
  std::array<std::uint8_t, 16> h{};
  crypto_generichash(h.data(), h.size(), chip.ef.data(), chip.ef.size(), nullptr, 0);
  return "chip:" + to_hex(h);
}

}  // namespace kiosk::kioskd
