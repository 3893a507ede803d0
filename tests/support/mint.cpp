#include "tests/support/mint.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/base45.h"
#include "app/json.h"
#include "app/zlib_codec.h"

namespace kiosk::test {

Fields& Fields::set(std::int64_t key, Bytes encoded) {
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = std::move(encoded);
      return *this;
    }
  }
  entries.emplace_back(key, std::move(encoded));
  return *this;
}
Fields& Fields::erase(std::int64_t key) {
  std::erase_if(entries, [&](const auto& e) { return e.first == key; });
  return *this;
}
Fields& Fields::add(std::int64_t key, Bytes encoded) {
  entries.emplace_back(key, std::move(encoded));
  return *this;
}
Bytes Fields::encode() const {
  cbor::Writer w;
  w.map(entries.size());
  for (const auto& [k, v] : entries)
    w.integer(k).raw(v);
  return w.take();
}

Bytes uint_(std::uint64_t v) {
  return cbor::Writer().uint(v).take();
}
Bytes int_(std::int64_t v) {
  return cbor::Writer().integer(v).take();
}
Bytes text_(std::string_view s) {
  return cbor::Writer().text(s).take();
}
Bytes bytes_(ByteView b) {
  return cbor::Writer().bytes(b).take();
}

Seed vector_seed(const std::string& name) {
  std::ifstream in(std::string(KIOSK_TEST_DATA) + "/vectors/test-keys.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::parse(ss.str());
  const json::Value* seed = doc ? doc->get("keys") : nullptr;
  seed = seed ? seed->get(name) : nullptr;
  seed = seed ? seed->get("seed") : nullptr;
  if (!seed) throw std::runtime_error("no test seed " + name);
  return *to_array<32>(*from_hex(seed->string));
}

Fields wp_record(Document doc) {
  Fields wp;
  wp.set(0, uint_(1)).set(1, uint_(static_cast<std::uint64_t>(doc)));
  wp.set(2, text_("310000202412345678"));
  if (doc == Document::kESsc || doc == Document::kSscChip) wp.set(3, text_("310115198702150099"));
  wp.set(4, text_("MUELLER, Anna Katharina")).set(5, text_("DEU")).set(6, text_("1987-02-15"));
  wp.set(7, text_("C01X00T47")).set(8, text_("B")).set(9, text_("91310115MA1H7X8Y2K"));
  wp.set(10, text_("310115")).set(11, uint_(7)).set(12, text_("上海示例科技有限公司"));
  return wp;
}

Fields claims(Document doc, const PublicKey& holder) {
  Fields c;
  c.set(1, text_("CN-310000")).set(4, uint_(kNow + 365 * 86400)).set(5, uint_(kNow - 30 * 86400));
  c.set(6, uint_(kNow - 30 * 86400));
  Bytes cti{1, 2, 3, 4, 5, 6, 7, 8};
  c.set(7, bytes_(cti));
  if (doc == Document::kESsc || doc == Document::kSscChip) {
    cbor::Writer k;
    k.map(1).uint(1).map(3).uint(1).uint(1).integer(-1).uint(6).integer(-2).bytes(holder);
    c.set(8, k.take());
  }
  c.set(-65537, wp_record(doc).encode());
  return c;
}

Bytes sign_credential(const Fields& claims, const KeyPair& signer,
                      std::optional<Bytes> protected_map) {
  Bytes prot = protected_map
                   ? *protected_map
                   : cbor::Writer().map(2).uint(1).integer(-8).uint(4).bytes(signer.kid()).take();
  return cose::sign1(prot, claims.encode(), signer);
}

Bytes present(ByteView credential, std::uint64_t t, const KeyPair& holder) {
  cbor::Writer p;
  p.map(3).uint(1).bytes(credential).uint(2).uint(t).uint(3).bytes(Bytes(16, 0xAB));
  Bytes prot = cbor::Writer().map(1).uint(1).integer(-8).take();
  return cose::sign1(prot, p.data(), holder);
}

std::string qr(std::string_view prefix, ByteView cose) {
  return std::string(prefix) + base45::encode(zlib::deflate(cose));
}

TrustBuilder::TrustBuilder() {
  keyset.seq = 7;
  keyset.iat = kNow - 10 * 86400;
  keyset.exp = kNow + 90 * 86400;
  for (const char* name : {"issuer-shanghai", "issuer-national"}) {
    KeyPair kp(vector_seed(name));
    IssuerKey k;
    k.kid = kp.kid();
    k.pub = VerifyKey::ed25519(kp.public_key());
    k.iss = std::string(name) == "issuer-shanghai" ? "CN-310000" : "CN-MOHRSS";
    k.docs = {1, 2, 3, 4};
    k.reg = std::string(name) == "issuer-shanghai" ? "31" : "";
    k.nbf = kNow - 400 * 86400;
    k.exp = kNow + 400 * 86400;
    keyset.keys.push_back(k);
  }
}

IssuerKey& TrustBuilder::key(const std::string& seed_name) {
  KeyPair kp(vector_seed(seed_name));
  for (auto& k : keyset.keys) {
    if (k.kid == kp.kid()) return k;
  }
  throw std::runtime_error("no key " + seed_name);
}

TrustSnapshot TrustBuilder::build() const {
  TrustSnapshot s;
  KeySet ks = keyset;
  std::sort(ks.keys.begin(), ks.keys.end(),
            [](const auto& a, const auto& b) { return a.kid < b.kid; });
  s.keyset = ks;
  s.time_floor = static_cast<std::int64_t>(ks.iat);
  StatusList list;
  list.iss = "CN-310000";
  list.seq = 1;
  list.iat = kNow - 86400;
  list.exp = kNow + 7 * 86400;
  list.size = 128;
  list.bits.assign(16, 0);
  list.bits[99 / 8] |= static_cast<std::uint8_t>(0x80u >> (99 % 8));  // entry 99 revoked
  s.status.emplace(list.iss, list);
  return s;
}

}  // namespace kiosk::test
