#include "firmware/audit/seal.h"

#include <sodium.h>

#include <charconv>

#include "app/bytes.h"
#include "app/crypto.h"
#include "app/json.h"

namespace kiosk::audit {
namespace {

constexpr std::string_view kEvolveTag = "onecard-audit-evolve-v1";
constexpr std::string_view kKeyPrefix = "kaudit1-";
constexpr double kMaxExact = 9007199254740992.0;  // 2^53

std::optional<std::uint64_t> as_uint(const json::Value* v) {
  if (!v || !v->is_number() || v->number < 0 || v->number > kMaxExact) return std::nullopt;
  auto n = static_cast<std::uint64_t>(v->number);
  if (static_cast<double>(n) != v->number) return std::nullopt;
  return n;
}

std::optional<std::int64_t> parse_i64(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty() || s.size() > 19) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

SealKey evolve(const SealKey& k) {
  SealKey out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kEvolveTag.data()),
                            kEvolveTag.size());
  crypto_generichash_update(&st, k.data(), k.size());
  crypto_generichash_final(&st, out.data(), out.size());
  sodium_memzero(&st, sizeof st);
  return out;
}

std::string format_verify_key(const AuditorKey& k) {
  return std::string(kKeyPrefix) + std::to_string(k.t0) + "-" + std::to_string(k.epoch_seconds) +
         "-" + to_hex(k.k0);
}

std::optional<AuditorKey> parse_verify_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  if (text.substr(0, kKeyPrefix.size()) != kKeyPrefix) return std::nullopt;
  text.remove_prefix(kKeyPrefix.size());
  auto d1 = text.find('-');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = text.find('-', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  auto t0 = parse_i64(text.substr(0, d1));
  auto l = parse_i64(text.substr(d1 + 1, d2 - d1 - 1));
  auto hex = text.substr(d2 + 1);
  if (!t0 || !l || *t0 < 0 || *l < 1 || *l > 86400 || !is_hex64(hex)) return std::nullopt;
  auto bytes = from_hex(hex);
  auto k0 = bytes ? to_array<32>(*bytes) : std::nullopt;
  if (!k0) return std::nullopt;
  return AuditorKey{*t0, *l, *k0};
}

std::int64_t epoch_of(std::int64_t t, std::int64_t t0, std::int64_t epoch_seconds) {
  if (epoch_seconds <= 0) return 0;
  std::int64_t d = t - t0;
  return d >= 0 ? d / epoch_seconds : -((-d + epoch_seconds - 1) / epoch_seconds);
}

std::string_view name(SealKind k) {
  switch (k) {
    case SealKind::kSeal:
      return "seal";
    case SealKind::kStop:
      return "stop";
    case SealKind::kCheckpoint:
      return "checkpoint";
  }
  return "seal";
}

std::string seal_body(const Seal& s) {
  return json::Writer()
      .begin_object()
      .key("kind")
      .string(name(s.kind))
      .key("kiosk")
      .string(s.kiosk)
      .key("first")
      .number(static_cast<std::int64_t>(s.first))
      .key("last")
      .number(static_cast<std::int64_t>(s.last))
      .key("seq")
      .number(static_cast<std::int64_t>(s.seq))
      .key("head")
      .string(s.head)
      .key("time")
      .number(s.time)
      .end_object()
      .take();
}

std::optional<Seal> parse_seal_body(std::string_view text) {
  if (text.size() > 4096) return std::nullopt;
  auto v = json::parse(text);
  if (!v || !v->is_object()) return std::nullopt;
  const json::Value* kind = v->get("kind");
  const json::Value* kiosk = v->get("kiosk");
  const json::Value* head = v->get("head");
  const json::Value* time = v->get("time");
  auto first = as_uint(v->get("first"));
  auto last = as_uint(v->get("last"));
  auto seq = as_uint(v->get("seq"));
  if (!kind || !kind->is_string() || !kiosk || !kiosk->is_string() || !head || !head->is_string() ||
      !is_hex64(head->string) || !first || !last || !seq || *last < *first)
    return std::nullopt;
  if (!time || !time->is_number() || time->number < 0 || time->number > kMaxExact ||
      static_cast<double>(static_cast<std::int64_t>(time->number)) != time->number)
    return std::nullopt;
  Seal s;
  if (kind->string == "seal") {
    s.kind = SealKind::kSeal;
  } else if (kind->string == "stop") {
    s.kind = SealKind::kStop;
  } else if (kind->string == "checkpoint") {
    s.kind = SealKind::kCheckpoint;
    if (*first != *last) return std::nullopt;
  } else {
    return std::nullopt;
  }
  s.kiosk = kiosk->string;
  s.first = *first;
  s.last = *last;
  s.seq = *seq;
  s.head = head->string;
  s.time = static_cast<std::int64_t>(time->number);
  return s;
}

Hash seal_mac(const SealKey& k, std::string_view body) {
  Hash h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), k.data(), k.size());
  return h;
}

std::string format_seal_line(const std::string& body, const Hash& mac) {
  return json::Writer()
      .begin_object()
      .key("audit_seal")
      .string(body)
      .key("mac")
      .string(to_hex(mac))
      .end_object()
      .take();
}

std::optional<SealLine> parse_seal_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  if (line.empty() || line.size() > 8192) return std::nullopt;
  auto v = json::parse(line);
  if (!v || !v->is_object()) return std::nullopt;
  const json::Value* body = v->get("audit_seal");
  const json::Value* mac = v->get("mac");
  if (!body || !body->is_string() || !mac || !mac->is_string() || !is_hex64(mac->string))
    return std::nullopt;
  auto seal = parse_seal_body(body->string);
  auto mac_bytes = from_hex(mac->string);
  auto mac_arr = mac_bytes ? to_array<32>(*mac_bytes) : std::nullopt;
  if (!seal || !mac_arr) return std::nullopt;
  return SealLine{body->string, *mac_arr, std::move(*seal)};
}

KeyWalker::~KeyWalker() {
  sodium_memzero(k0_.data(), k0_.size());
  sodium_memzero(k_.data(), k_.size());
}

const SealKey* KeyWalker::at(std::uint64_t e) {
  if (e > limit_) return nullptr;
  if (e < e_) {
    k_ = k0_;
    e_ = 0;
  }
  for (; e_ < e; ++e_)
    k_ = evolve(k_);
  return &k_;
}

}  // namespace kiosk::audit
