#include "app/trust.h"

#include <algorithm>

#include "app/zlib_codec.h"

namespace kiosk {

bool IssuerKey::may_sign(Document d) const {
  auto v = static_cast<std::uint64_t>(d);
  return std::find(docs.begin(), docs.end(), v) != docs.end();
}

const IssuerKey* KeySet::find(const Kid& kid) const {
  auto it = std::lower_bound(keys.begin(), keys.end(), kid,
                             [](const IssuerKey& k, const Kid& id) { return k.kid < id; });
  return it != keys.end() && it->kid == kid ? &*it : nullptr;
}

std::optional<TrustKind> trust_kind(const cose::Sign1& msg) {
  const cbor::Item* ct = msg.content_type();
  if (!ct || !ct->is_text()) return std::nullopt;
  if (ct->text() == "wp-keyset") return TrustKind::kKeySet;
  if (ct->text() == "wp-status") return TrustKind::kStatusList;
  return std::nullopt;
}

namespace {

const cbor::Item* uint_field(const cbor::Item& m, std::int64_t key) {
  const cbor::Item* v = m.find(key);
  return v && v->is_uint() ? v : nullptr;
}

std::optional<IssuerKey> parse_entry(const cbor::Item& e) {
  if (!e.is_map()) return std::nullopt;
  const cbor::Item* kid = e.find(1);
  const cbor::Item* pub = e.find(2);
  const cbor::Item* iss = e.find(3);
  const cbor::Item* docs = e.find(4);
  const cbor::Item* reg = e.find(5);
  const cbor::Item* nbf = uint_field(e, 6);
  const cbor::Item* exp = uint_field(e, 7);
  const cbor::Item* st = uint_field(e, 8);
  const cbor::Item* alg = e.find(9);  // spec 1.1: absent means EdDSA (-8)
  if (!kid || !kid->is_bytes() || !pub || !pub->is_bytes() || !iss || !iss->is_text() || !docs ||
      !docs->is_array() || !reg || !reg->is_text() || !nbf || !exp || !st) {
    return std::nullopt;
  }
  std::optional<SigAlg> sig_alg = SigAlg::kEd25519;
  if (alg) {
    auto v = alg->is_int() ? alg->as_int64() : std::nullopt;
    sig_alg = v ? sign::from_cose(*v) : std::nullopt;
  }
  if (!sig_alg) return std::nullopt;  // an alg neither -8 nor -65600
  auto kid_a = to_array<8>(kid->bytes);
  // The key must fit its alg (32 bytes; an on-curve 65-byte point), checked once, here.
  auto pub_k = VerifyKey::make(*sig_alg, pub->bytes);
  if (!kid_a || !pub_k || *kid_a != pub_k->kid()) return std::nullopt;
  if (st->value > 1) return std::nullopt;
  IssuerKey k;
  k.kid = *kid_a;
  k.pub = std::move(*pub_k);
  k.iss = std::string(iss->text());
  for (const auto& d : docs->items) {
    if (!d.is_uint()) return std::nullopt;
    k.docs.push_back(d.value);
  }
  k.reg = std::string(reg->text());
  k.nbf = nbf->value;
  k.exp = exp->value;
  k.st = st->value;
  return k;
}

}  // namespace

std::optional<KeySet> parse_keyset_payload(ByteView payload) {
  auto m = cbor::decode_bounded(payload, trust_item_budget(payload.size()));
  if (!m || !m->is_map()) return std::nullopt;
  const cbor::Item* seq = uint_field(*m, 1);
  const cbor::Item* iat = uint_field(*m, 2);
  const cbor::Item* exp = uint_field(*m, 3);
  const cbor::Item* keys = m->find(4);
  if (!seq || !iat || !exp || !keys || !keys->is_array()) return std::nullopt;
  KeySet ks;
  ks.seq = seq->value;
  ks.iat = iat->value;
  ks.exp = exp->value;
  ks.keys.reserve(keys->items.size());
  for (const auto& e : keys->items) {
    auto k = parse_entry(e);
    if (!k) return std::nullopt;
    ks.keys.push_back(std::move(*k));
  }
  std::sort(ks.keys.begin(), ks.keys.end(),
            [](const IssuerKey& a, const IssuerKey& b) { return a.kid < b.kid; });
  for (std::size_t i = 1; i < ks.keys.size(); ++i) {
    if (ks.keys[i - 1].kid == ks.keys[i].kid) return std::nullopt;  // duplicate kid
  }
  return ks;
}

std::optional<std::string> status_list_iss(ByteView payload) {
  auto m = cbor::decode_bounded(payload, trust_item_budget(payload.size()));
  if (!m || !m->is_map()) return std::nullopt;
  const cbor::Item* iss = m->find(1);
  if (!iss || !iss->is_text()) return std::nullopt;
  return std::string(iss->text());
}

std::optional<StatusList> parse_status_payload(ByteView payload) {
  auto m = cbor::decode_bounded(payload, trust_item_budget(payload.size()));
  if (!m || !m->is_map()) return std::nullopt;
  const cbor::Item* iss = m->find(1);
  const cbor::Item* seq = uint_field(*m, 2);
  const cbor::Item* iat = uint_field(*m, 3);
  const cbor::Item* exp = uint_field(*m, 4);
  const cbor::Item* bits = m->find(5);
  const cbor::Item* size = uint_field(*m, 6);
  if (!iss || !iss->is_text() || !seq || !iat || !exp || !bits || !bits->is_bytes() || !size) {
    return std::nullopt;
  }
  if (size->value > std::uint64_t{kMaxStatusBits} * 8) return std::nullopt;
  std::size_t want = static_cast<std::size_t>((size->value + 7) / 8);
  // Inflate with a limit of exactly the expected length: a longer stream is refused at once.
  auto inflated = zlib::inflate(bits->bytes, want);
  if (!inflated || inflated->size() != want) return std::nullopt;
  StatusList s;
  s.iss = std::string(iss->text());
  s.seq = seq->value;
  s.iat = iat->value;
  s.exp = exp->value;
  s.size = size->value;
  s.bits = std::move(*inflated);
  return s;
}

}  // namespace kiosk
