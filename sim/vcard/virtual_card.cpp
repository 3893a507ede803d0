#include "sim/vcard/virtual_card.h"

#include <algorithm>

#include "app/chip/apdu.h"

namespace kiosk::sim {

namespace {

Bytes sw_only(std::uint16_t sw) {
  return {static_cast<std::uint8_t>(sw >> 8), static_cast<std::uint8_t>(sw & 0xFF)};
}
void append_sw(Bytes& b, std::uint16_t sw) {
  b.push_back(static_cast<std::uint8_t>(sw >> 8));
  b.push_back(static_cast<std::uint8_t>(sw & 0xFF));
}
bool from(const std::optional<std::uint32_t>& after, std::uint32_t n) {
  return after && n >= *after;
}

// Le of a short APDU: case 2 (header + Le) or case 4 (header + Lc + data + Le).
std::optional<std::size_t> le_of(ByteView apdu) {
  if (apdu.size() == 5) return chip::le_value(apdu[4]);
  if (apdu.size() > 5 && apdu.size() == std::size_t{6} + apdu[4])
    return chip::le_value(apdu.back());
  return std::nullopt;
}

}  // namespace

VirtualCard::VirtualCard(VcardConfig config)
    : config_(std::move(config)),
      file_(config_.ef),
      key_(std::make_unique<SigningKey>(
          SigningKey::from_seed(config_.holder_alg, config_.holder_seed))) {
  if (config_.length_override && file_.size() >= 2) {
    file_[0] = static_cast<std::uint8_t>(*config_.length_override >> 8);
    file_[1] = static_cast<std::uint8_t>(*config_.length_override & 0xFF);
  }
}

void VirtualCard::reset() {
  selected_ = false;
  pending_.clear();
}

VcardAction VirtualCard::on_apdu(ByteView apdu) {
  std::uint32_t n = seen_++;
  if (from(config_.pull_after, n)) return {VcardAction::Kind::kLeave, {}};
  if (from(config_.silent_after, n)) return {VcardAction::Kind::kSilent, {}};
  if (from(config_.garbage_after, n)) {
    Bytes g = rng_.bytes(1 + static_cast<std::size_t>(rng_.below(12)));
    return {VcardAction::Kind::kAnswer, std::move(g)};
  }
  if (from(config_.oversize_after, n)) {
    Bytes big = rng_.bytes(config_.oversize_data);
    append_sw(big, 0x9000);
    return {VcardAction::Kind::kAnswer, std::move(big)};
  }
  return {VcardAction::Kind::kAnswer, respond(apdu)};
}

// The data of a command's answer: through 6Cxx when the card wants another Le, through 61xx when
// it chains; else directly.
Bytes VirtualCard::data_answer(Bytes data, std::uint16_t sw, std::size_t le) {
  if (config_.wrong_le_chunk > 0 && le != data.size())
    return sw_only(static_cast<std::uint16_t>(0x6C00 | chip::le_byte(data.size())));
  if (config_.endless_61xx) return sw_only(0x6110);
  if (config_.chain_piece > 0 && !data.empty()) {
    pending_ = std::move(data);
    pending_sw_ = sw;
    std::size_t piece = std::min(config_.chain_piece, pending_.size());
    return sw_only(static_cast<std::uint16_t>(0x6100 | chip::le_byte(piece)));
  }
  append_sw(data, sw);
  return data;
}

Bytes VirtualCard::respond(ByteView apdu) {
  if (apdu.size() < 4) return sw_only(0x6700);
  std::uint8_t cla = apdu[0], ins = apdu[1], p1 = apdu[2], p2 = apdu[3];
  if (cla != 0x00) return sw_only(0x6E00);
  auto le = le_of(apdu);
  if (config_.wrong_le_loop) {
    std::size_t sent = le.value_or(0);
    return sw_only(static_cast<std::uint16_t>(0x6C00 | (sent == 16 ? 17 : 16)));
  }
  switch (ins) {
    case 0xA4: {  // SELECT by AID
      if (p1 != 0x04 || apdu.size() < 5 || apdu.size() < std::size_t{5} + apdu[4])
        return sw_only(0x6A86);
      ByteView aid = apdu.subspan(5, apdu[4]);
      if (config_.not_wp || !equal(aid, ByteView(chip::kAid))) {
        selected_ = false;
        return sw_only(0x6A82);
      }
      selected_ = true;
      pending_.clear();
      if (config_.endless_61xx) return sw_only(0x6110);
      return sw_only(0x9000);
    }
    case 0xB0: {  // READ BINARY
      if (!selected_) return sw_only(0x6986);
      if (!le || apdu.size() != 5) return sw_only(0x6700);
      if (p1 & 0x80) return sw_only(0x6A86);  // short EF identifiers: not on this card
      std::size_t offset = std::size_t{p1} << 8 | p2;
      if (offset >= file_.size()) return sw_only(0x6B00);
      std::size_t avail = file_.size() - offset;
      std::size_t give = std::min(*le, avail);
      if (config_.wrong_le_chunk > 0) give = std::min(config_.wrong_le_chunk, avail);
      Bytes data(file_.begin() + static_cast<std::ptrdiff_t>(offset),
                 file_.begin() + static_cast<std::ptrdiff_t>(offset + give));
      return data_answer(std::move(data), give < *le ? 0x6282 : 0x9000, *le);
    }
    case 0x88: {  // INTERNAL AUTHENTICATE
      if (!selected_) return sw_only(0x6986);
      if (apdu.size() < 5 || apdu[4] != 32 || apdu.size() < 5 + std::size_t{32})
        return sw_only(0x6700);
      Bytes msg(chip::kAuthContext, chip::kAuthContext + sizeof chip::kAuthContext - 1);
      msg.insert(msg.end(), apdu.begin() + 5, apdu.begin() + 5 + 32);
      auto sig = key_->sign(msg);
      return data_answer(Bytes(sig.begin(), sig.end()), 0x9000, le.value_or(0));
    }
    case 0xC0: {  // GET RESPONSE
      if (config_.endless_61xx) return sw_only(0x6110);
      if (pending_.empty() || !le) return sw_only(0x6985);
      std::size_t give = std::min(*le, pending_.size());
      Bytes out(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(give));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(give));
      if (pending_.empty()) {
        append_sw(out, pending_sw_);
      } else {
        std::size_t piece = std::min(config_.chain_piece, pending_.size());
        append_sw(out, static_cast<std::uint16_t>(0x6100 | chip::le_byte(piece)));
      }
      return out;
    }
    default:
      return sw_only(0x6D00);
  }
}

}  // namespace kiosk::sim
