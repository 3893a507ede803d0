#include "app/cose.h"

namespace kiosk::cose {

constexpr std::uint64_t kTagSign1 = 18;

Result<Sign1, Error> parse_sign1(ByteView in) {
  auto top = cbor::decode_bounded(in, kMaxEnvelopeItems);
  if (!top) return Unexpected{Error::kMalformed};
  const cbor::Item* arr = &*top;
  if (arr->type == cbor::Type::kTag) {
    if (arr->value != kTagSign1) return Unexpected{Error::kMalformed};
    arr = &arr->items[0];
  }
  if (!arr->is_array() || arr->items.size() != 4) return Unexpected{Error::kMalformed};
  const auto& prot = arr->items[0];
  const auto& unprot = arr->items[1];
  const auto& payload = arr->items[2];
  const auto& sig = arr->items[3];
  if (!prot.is_bytes() || !unprot.is_map() || !payload.is_bytes() || !sig.is_bytes() ||
      sig.bytes.size() != kSignatureSize) {
    return Unexpected{Error::kMalformed};
  }
  auto pmap = cbor::decode_bounded(prot.bytes, kMaxEnvelopeItems);
  if (!pmap || !pmap->is_map()) return Unexpected{Error::kMalformed};
  if (pmap->find(2)) return Unexpected{Error::kUnsupported};
  const cbor::Item* alg = pmap->find(1);
  if (!alg) return Unexpected{Error::kMalformed};
  auto alg_value = alg->as_int64();
  auto sig_alg = alg_value ? sign::from_cose(*alg_value) : std::nullopt;
  if (!sig_alg) return Unexpected{Error::kUnsupported};

  Sign1 out;
  out.protected_bytes = prot.bytes;
  out.payload = payload.bytes;
  out.signature = sig.bytes;
  out.alg = *sig_alg;
  out.protected_map = std::move(*pmap);
  if (const cbor::Item* kid = out.protected_map.find(4)) {
    out.kid_present = true;
    if (kid->is_bytes()) out.kid = to_array<8>(kid->bytes);
  }
  return out;
}

Bytes sig_structure(ByteView protected_bytes, ByteView payload) {
  cbor::Writer w;
  w.array(4).text("Signature1").bytes(protected_bytes).bytes({}).bytes(payload);
  return w.take();
}

bool verify(const Sign1& msg, const VerifyKey& key) {
  if (msg.alg != key.alg()) return false;  // before building the Sig_structure
  Bytes tbs = sig_structure(msg.protected_bytes, msg.payload);
  return sign::verify(msg.alg, key, tbs, msg.signature);
}

bool verify(const Sign1& msg, const PublicKey& pub) {
  return verify(msg, VerifyKey::ed25519(pub));
}

namespace {
Bytes assemble(ByteView protected_map, ByteView payload, ByteView sig, bool tagged) {
  cbor::Writer w;
  if (tagged) w.tag(kTagSign1);
  w.array(4).bytes(protected_map).map(0).bytes(payload).bytes(sig);
  return w.take();
}
}  // namespace

Bytes sign1(ByteView protected_map, ByteView payload, const SigningKey& key, bool tagged) {
  return assemble(protected_map, payload, key.sign(sig_structure(protected_map, payload)), tagged);
}

Bytes sign1(ByteView protected_map, ByteView payload, const KeyPair& key, bool tagged) {
  return assemble(protected_map, payload, key.sign(sig_structure(protected_map, payload)), tagged);
}

}  // namespace kiosk::cose
