#include "sim/issuer/test_pki.h"

#include <algorithm>
#include <array>
#include <limits>

#include "app/cbor.h"
#include "app/cose.h"
#include "app/zlib_codec.h"
#include "sim/rng.h"

namespace kiosk::sim {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kYear = 365 * kDay;
constexpr std::uint64_t kStatusSize = 8192;

std::uint64_t at(std::int64_t now, std::int64_t offset) {
  std::int64_t t = now + offset;
  return t < 0 ? 0 : static_cast<std::uint64_t>(t);
}

Seed seed_from(Rng rng) {
  Seed s{};
  Bytes b = rng.bytes(s.size());
  std::copy(b.begin(), b.end(), s.begin());
  return s;
}

struct Province {
  std::string_view prefix;
  std::string_view iss;
};
constexpr std::array<Province, 5> kProvinces{{{"31", "CN-310000"},
                                              {"11", "CN-110000"},
                                              {"44", "CN-440000"},
                                              {"33", "CN-330000"},
                                              {"51", "CN-510000"}}};

}  // namespace

bool TestStatusList::is_revoked(std::uint64_t i) const {
  return std::binary_search(revoked.begin(), revoked.end(), i);
}

const TestKey* TestPki::key(std::string_view r) const {
  for (const TestKey& k : keys) {
    if (k.role == r) return &k;
  }
  return nullptr;
}

const TestStatusList* TestPki::status_for(std::string_view iss) const {
  for (const TestStatusList& l : status) {
    if (l.iss == iss) return &l;
  }
  return nullptr;
}

std::string role::province(std::string_view prefix2) {
  return "province-" + std::string(prefix2);
}

std::string role::city(std::string_view prefix4) {
  return "city-" + std::string(prefix4);
}

TestPki make_test_pki(std::uint64_t seed, std::int64_t now, SigAlg alg) {
  Rng base(seed);
  Rng rng = base.fork("pki");
  TestPki p;
  p.seed = seed;
  p.now = now;
  p.alg = alg;
  p.root = seed_from(rng.fork("root"));
  p.keyset_seq = at(now, 0);
  p.keyset_iat = at(now, -3600);
  p.keyset_exp = at(now, 180 * kDay);

  const std::uint64_t nbf = at(now, -3 * kYear), exp = at(now, 2 * kYear);
  auto add = [&](std::string r, std::string iss, std::vector<std::uint64_t> docs, std::string reg,
                 std::uint64_t k_nbf, std::uint64_t k_exp, std::uint64_t st) {
    TestKey k;
    k.seed = seed_from(rng.fork("key/" + r));
    k.role = std::move(r);
    k.iss = std::move(iss);
    k.docs = std::move(docs);
    k.reg = std::move(reg);
    k.nbf = k_nbf;
    k.exp = k_exp;
    k.st = st;
    k.alg = alg;
    p.keys.push_back(std::move(k));
  };
  add(std::string(role::kNationalSsc), "CN-MOHRSS", {1, 4}, "", nbf, exp, 0);
  add(std::string(role::kNationalWp), "CN-MOHRSS", {2, 3}, "", nbf, exp, 0);
  add(std::string(role::kNationalRevoked), "CN-MOHRSS", {1, 2, 3, 4}, "", at(now, -2 * kYear),
      at(now, kYear), 1);
  add(std::string(role::kNationalRetired), "CN-MOHRSS", {1, 2, 3, 4}, "", at(now, -6 * kYear),
      at(now, -kYear), 0);
  for (const Province& pr : kProvinces) {
    add(role::province(pr.prefix), std::string(pr.iss), {1, 2, 3, 4}, std::string(pr.prefix), nbf,
        exp, 0);
  }
  add(role::city("4403"), "CN-440300", {2, 3}, "4403", nbf, exp, 0);

  auto list = [&](std::string iss, std::string signer) {
    TestStatusList l;
    Rng lr = rng.fork("status/" + iss);
    l.iss = std::move(iss);
    l.signer = std::move(signer);
    l.seq = at(now, 0);
    l.iat = at(now, -3600);
    l.exp = at(now, 30 * kDay);
    l.size = kStatusSize;
    for (std::uint64_t i = 0; i < l.size; ++i) {
      if (lr.below(100) == 0) l.revoked.push_back(i);
    }
    if (l.revoked.empty()) l.revoked.push_back(lr.below(l.size));
    p.status.push_back(std::move(l));
  };
  list("CN-MOHRSS", std::string(role::kNationalWp));
  for (const Province& pr : kProvinces)
    list(std::string(pr.iss), role::province(pr.prefix));
  list("CN-440300", role::city("4403"));
  return p;
}

Bytes build_keyset(const TestPki& pki) {
  SigningKey root = pki.root_signer();
  // Entries sorted by kid, as a careful issuer would (the kiosk does not require it).
  std::vector<const TestKey*> sorted;
  for (const TestKey& k : pki.keys)
    sorted.push_back(&k);
  std::sort(sorted.begin(), sorted.end(),
            [](const TestKey* a, const TestKey* b) { return a->pub().kid() < b->pub().kid(); });

  cbor::Writer payload;
  payload.map(4)
      .uint(1)
      .uint(pki.keyset_seq)
      .uint(2)
      .uint(pki.keyset_iat)
      .uint(3)
      .uint(pki.keyset_exp);
  payload.uint(4).array(sorted.size());
  for (const TestKey* k : sorted) {
    VerifyKey pub = k->pub();
    const bool sm2 = pub.alg() == SigAlg::kSm2;  // field 9 only for SM2 (absent means -8)
    payload.map(sm2 ? 9 : 8).uint(1).bytes(pub.kid()).uint(2).bytes(pub.raw()).uint(3).text(k->iss);
    payload.uint(4).array(k->docs.size());
    for (auto d : k->docs)
      payload.uint(d);
    payload.uint(5).text(k->reg).uint(6).uint(k->nbf).uint(7).uint(k->exp).uint(8).uint(k->st);
    if (sm2) payload.uint(9).integer(sign::kCoseSm2);
  }
  cbor::Writer prot;
  prot.map(3).uint(1).integer(sign::cose_alg(root.alg())).uint(3).text("wp-keyset");
  prot.uint(4).bytes(root.kid());
  return cose::sign1(prot.data(), payload.data(), root);
}

Bytes build_status_list(const TestPki& pki, const TestStatusList& list) {
  const TestKey* signer = pki.key(list.signer);
  if (!signer) return {};
  SigningKey key = signer->signer();
  if (list.size > std::numeric_limits<std::uint32_t>::max()) return {};  // a test list, not 4 G
  Bytes bits(static_cast<std::size_t>((list.size + 7) / 8), 0);
  for (std::uint64_t i : list.revoked) {
    if (i < list.size)
      bits[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
  }
  cbor::Writer payload;
  payload.map(6).uint(1).text(list.iss).uint(2).uint(list.seq).uint(3).uint(list.iat);
  payload.uint(4).uint(list.exp).uint(5).bytes(zlib::deflate(bits)).uint(6).uint(list.size);
  cbor::Writer prot;
  prot.map(3).uint(1).integer(sign::cose_alg(key.alg())).uint(3).text("wp-status");
  prot.uint(4).bytes(key.kid());
  return cose::sign1(prot.data(), payload.data(), key);
}

}  // namespace kiosk::sim
