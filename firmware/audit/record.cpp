#include "firmware/audit/record.h"

#include <sodium.h>

#include "app/bytes.h"
#include "app/json.h"

namespace kiosk::audit {
namespace {

constexpr std::string_view kDomain = "onecard-kiosk-audit-v1\n";

std::optional<std::uint64_t> as_uint(const json::Value* v) {
  if (!v || !v->is_number() || v->number < 0 || v->number > 9007199254740992.0) return std::nullopt;
  auto n = static_cast<std::uint64_t>(v->number);
  if (static_cast<double>(n) != v->number) return std::nullopt;
  return n;
}

std::optional<std::string> as_string(const json::Value* v) {
  if (!v || !v->is_string()) return std::nullopt;
  return v->string;
}

}  // namespace

std::string_view name(RecordKind k) {
  switch (k) {
    case RecordKind::kVerdict:
      return "verdict";
    case RecordKind::kSegment:
      return "segment";
    case RecordKind::kPurge:
      return "purge";
    case RecordKind::kAccess:
      return "access";
  }
  return "verdict";
}

std::string body(const Record& r) {
  json::Writer w;
  w.begin_object();
  w.key("seq").number(static_cast<std::int64_t>(r.seq));
  w.key("time").number(r.time);
  w.key("kind").string(name(r.kind));
  w.key("kiosk").string(r.kiosk);
  switch (r.kind) {
    case RecordKind::kVerdict:
      w.key("channel").string(r.channel);
      w.key("document").string(r.document);
      w.key("outcome").string(r.outcome);
      w.key("reasons").begin_array();
      for (const auto& reason : r.reasons)
        w.string(reason);
      w.end_array();
      w.key("issuer_kid").string(r.issuer_kid);
      w.key("cti_hash").string(r.cti_hash);
      break;
    case RecordKind::kSegment:
      w.key("break_at").number(static_cast<std::int64_t>(r.break_at));
      w.key("note").string(r.note);
      break;
    case RecordKind::kPurge:
      w.key("purged_through").number(static_cast<std::int64_t>(r.purged_through));
      w.key("purged_hash").string(r.purged_hash);
      if (r.cutoff) w.key("cutoff").number(*r.cutoff);
      if (r.purged_epochs)
        w.key("purged_epochs").number(static_cast<std::int64_t>(*r.purged_epochs));
      break;
    case RecordKind::kAccess:
      w.key("event").string(r.event);
      w.key("officer").string(r.officer);
      w.key("client").string(r.client);
      break;
  }
  w.key("prev").string(r.prev);
  w.end_object();
  return w.take();
}

std::optional<Record> parse_body(std::string_view text) {
  auto v = json::parse(text);
  if (!v || !v->is_object()) return std::nullopt;
  Record r;
  auto seq = as_uint(v->get("seq"));
  auto time = as_uint(v->get("time"));
  auto kind = as_string(v->get("kind"));
  auto kiosk = as_string(v->get("kiosk"));
  auto prev = as_string(v->get("prev"));
  if (!seq || !time || !kind || !kiosk || !prev) return std::nullopt;
  r.seq = *seq;
  r.time = static_cast<std::int64_t>(*time);
  r.kiosk = *kiosk;
  r.prev = *prev;
  if (*kind == "verdict") {
    r.kind = RecordKind::kVerdict;
    auto channel = as_string(v->get("channel"));
    auto document = as_string(v->get("document"));
    auto outcome = as_string(v->get("outcome"));
    auto kid = as_string(v->get("issuer_kid"));
    auto cti = as_string(v->get("cti_hash"));
    const json::Value* reasons = v->get("reasons");
    if (!channel || !document || !outcome || !kid || !cti || !reasons || !reasons->is_array())
      return std::nullopt;
    r.channel = *channel;
    r.document = *document;
    r.outcome = *outcome;
    r.issuer_kid = *kid;
    r.cti_hash = *cti;
    for (const auto& e : reasons->array) {
      if (!e.is_string()) return std::nullopt;
      r.reasons.push_back(e.string);
    }
  } else if (*kind == "segment") {
    r.kind = RecordKind::kSegment;
    auto at = as_uint(v->get("break_at"));
    auto note = as_string(v->get("note"));
    if (!at || !note) return std::nullopt;
    r.break_at = *at;
    r.note = *note;
  } else if (*kind == "purge") {
    r.kind = RecordKind::kPurge;
    auto through = as_uint(v->get("purged_through"));
    auto hash = as_string(v->get("purged_hash"));
    if (!through || !hash) return std::nullopt;
    r.purged_through = *through;
    r.purged_hash = *hash;
    if (const json::Value* c = v->get("cutoff")) {
      auto cutoff = as_uint(c);
      if (!cutoff) return std::nullopt;
      r.cutoff = static_cast<std::int64_t>(*cutoff);
    }
    if (const json::Value* e = v->get("purged_epochs")) {
      auto epochs = as_uint(e);
      if (!epochs) return std::nullopt;
      r.purged_epochs = *epochs;
    }
  } else if (*kind == "access") {
    r.kind = RecordKind::kAccess;
    auto event = as_string(v->get("event"));
    auto officer = as_string(v->get("officer"));
    auto client = as_string(v->get("client"));
    if (!event || !officer || !client) return std::nullopt;
    r.event = *event;
    r.officer = *officer;
    r.client = *client;
  } else {
    return std::nullopt;
  }
  return r;
}

Hash record_hash(std::string_view body_text) {
  Hash h{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, h.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()),
                            kDomain.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(body_text.data()),
                            body_text.size());
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

std::string genesis_prev() {
  return std::string(64, '0');
}

}  // namespace kiosk::audit
