// The simulator's test PKI: a trust anchor, scoped issuer keys (national, provincial, one revoked,
// one retired) and per-issuer status lists, derived deterministically from a seed and a time.
// Everything here is TEST MATERIAL: the secrets are derived from a public seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/crypto.h"
#include "app/sign/sign.h"

namespace kiosk::sim {

/// One issuer key and its scope, as the key set bundle lists it (spec section 6).
struct TestKey {
  std::string role;  ///< the simulator's name for it, e.g. "national-ssc", "province-31"
  Seed seed{};
  std::string iss;
  std::vector<std::uint64_t> docs;
  std::string reg;  ///< GB/T 2260 prefix; "" = anywhere
  std::uint64_t nbf = 0, exp = 0;
  std::uint64_t st = 0;  ///< 1 = revoked
  SigAlg alg = SigAlg::kEd25519;
  SigningKey signer() const { return SigningKey::from_seed(alg, seed); }
  VerifyKey pub() const { return signer().public_key(); }
};

/// One issuer's status list (spec section 7).
struct TestStatusList {
  std::string iss;
  std::string signer;  ///< role of the key that signs it
  std::uint64_t seq = 0, iat = 0, exp = 0;
  std::uint64_t size = 0;
  std::vector<std::uint64_t> revoked;  ///< sorted entry indices whose bit is set

  bool is_revoked(std::uint64_t i) const;
};

struct TestPki {
  std::uint64_t seed = 0;
  std::int64_t now = 0;           ///< the time the material was made for
  Seed root{};                    ///< the trust anchor's seed
  SigAlg alg = SigAlg::kEd25519;  ///< of every key: anchor, issuers, holders and chips
  SigningKey root_signer() const { return SigningKey::from_seed(alg, root); }
  VerifyKey root_key() const { return root_signer().public_key(); }
  std::uint64_t keyset_seq = 0, keyset_iat = 0, keyset_exp = 0;
  std::vector<TestKey> keys;
  std::vector<TestStatusList> status;

  const TestKey* key(std::string_view role) const;
  const TestStatusList* status_for(std::string_view iss) const;
};

/// Role names of the keys `make_test_pki` makes (issuing relies on them).
namespace role {
inline constexpr std::string_view kNationalSsc = "national-ssc";          ///< CN-MOHRSS, docs 1,4
inline constexpr std::string_view kNationalWp = "national-wp";            ///< CN-MOHRSS, docs 2,3
inline constexpr std::string_view kNationalRevoked = "national-revoked";  ///< st = 1
inline constexpr std::string_view kNationalRetired = "national-retired";  ///< period ended
/// "province-PP" with PP the 2-digit province prefix, e.g. "province-31".
std::string province(std::string_view prefix2);
/// "city-CCCC" with CCCC the 4-digit city prefix, e.g. "city-4403".
std::string city(std::string_view prefix4);
}  // namespace role

/// The simulator's PKI for `seed` at time `now`:
/// - national keys (iss "CN-MOHRSS", reg ""): national-ssc (docs 1, 4), national-wp (docs 2, 3),
///   national-revoked (all docs, st = 1), national-retired (all docs, signing period ended a
///   year before `now`);
/// - provincial keys for Shanghai "31", Beijing "11", Guangdong "44", Zhejiang "33", Sichuan
///   "51" (iss "CN-PP0000", reg "PP", all docs);
/// - a city key for Shenzhen (iss "CN-440300", reg "4403", docs 2, 3: the city's own foreign
///   expert bureau signs its letters and cards);
/// - one status list per iss (8192 entries, about 1 % revoked);
/// - key set bundle seq = `now`, iat = `now` - 1 h, exp = `now` + 180 days; status lists iat =
///   `now` - 1 h, exp = `now` + 30 days; active keys signing from `now` - 3 years to `now` + 2
///   years.
/// With `alg` SM2 every key is an SM2 key derived from the same seeds (spec section 9); Ed25519
/// material is the same bytes as before SM2 existed.
TestPki make_test_pki(std::uint64_t seed, std::int64_t now, SigAlg alg = SigAlg::kEd25519);

/// The signed key set bundle (COSE_Sign1, protected {1: -8, 3: "wp-keyset", 4: anchor kid}).
Bytes build_keyset(const TestPki& pki);

/// The signed status list of `list` (protected {1: -8, 3: "wp-status", 4: signer kid}), bits
/// zlib-compressed. Empty when the signer role is unknown.
Bytes build_status_list(const TestPki& pki, const TestStatusList& list);

}  // namespace kiosk::sim
