// Same seed, same bytes: keys, trust files and every issued variant. Live e-card presentations
// differ only by their time (and the nonce the caller passes).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "app/base45.h"
#include "app/credential.h"
#include "app/verifier.h"
#include "app/zlib_codec.h"
#include "sim/issuer/issuer.h"
#include "sim/issuer/keys_dir.h"
#include "tests/sim/sim_test_util.h"

using namespace kiosk;
using namespace kiosk::sim;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string issued_bytes(const Issued& i) {
  return i.qr + "|" + to_hex(i.credential) + "|" +
         (i.chip ? to_hex(i.chip->ef) + to_hex(i.chip->challenge) + to_hex(i.chip->signature)
                 : std::string());
}

}  // namespace

TEST_CASE("the keys directory is the same for the same seed and time") {
  test::TempDir a, b, c;
  REQUIRE(write_keys_dir(make_test_pki(42, 1796000000), a.path()).ok());
  REQUIRE(write_keys_dir(make_test_pki(42, 1796000000), b.path()).ok());
  REQUIRE(write_keys_dir(make_test_pki(43, 1796000000), c.path()).ok());
  for (const char* f :
       {"test-keys.json", "anchors/test-root.pub", "trust/keyset.cose",
        "trust/status/CN-MOHRSS.cose", "trust/status/CN-310000.cose", "README.txt"}) {
    CAPTURE(f);
    std::string x = slurp(a / f);
    CHECK(!x.empty());
    CHECK(x == slurp(b / f));
  }
  CHECK(slurp(a / "trust/keyset.cose") != slurp(c / "trust/keyset.cose"));
  CHECK(slurp(a / "anchors/test-root.pub") != slurp(c / "anchors/test-root.pub"));
  // The JSON round trip gives back the same PKI.
  auto back = load_keys_dir(a.path());
  REQUIRE(back.ok());
  CHECK(pki_to_json(*back) == slurp(a / "test-keys.json"));
  CHECK(build_keyset(*back) == build_keyset(make_test_pki(42, 1796000000)));
}

TEST_CASE("every variant is the same bytes for the same seed, and differs for another") {
  TestPki pki = make_test_pki(8, 1796000000);
  int differing = 0, total = 0;
  for (const VariantInfo& v : variants()) {
    std::string label = std::string(name(v.doc)) + "/" + std::string(v.name);
    CAPTURE(label);
    auto x = issue(pki, {v.doc, std::string(v.name), 1796000000, 77, "chengdu"});
    auto y = issue(pki, {v.doc, std::string(v.name), 1796000000, 77, "chengdu"});
    auto z = issue(pki, {v.doc, std::string(v.name), 1796000000, 78, "chengdu"});
    REQUIRE(x.ok());
    REQUIRE(y.ok());
    REQUIRE(z.ok());
    CHECK(issued_bytes(*x) == issued_bytes(*y));
    ++total;
    differing += issued_bytes(*x) != issued_bytes(*z);
  }
  // The zip bomb does not depend on the seed; everything else carries the holder's record.
  CHECK(differing >= total - 3);
}

TEST_CASE("live presentations: a new frame per time, same credential, still valid") {
  TestPki pki = make_test_pki(8, 1796000000);
  test::TempDir dir;
  auto store = test::store_with(pki, dir / "t.db");
  auto snap = store->snapshot();
  REQUIRE(snap.ok());
  auto e = issue(pki, {DocKind::kEcard, "valid", 1796000000, 9, "shanghai"});
  REQUIRE(e.ok());
  Bytes nonce(16, 7);
  std::string f1 = present(*e, 1796000060, nonce);
  std::string f2 = present(*e, 1796000120, nonce);
  CHECK(f1 != f2);
  CHECK(f1 == present(*e, 1796000060, nonce));
  VerifySettings s;
  s.jurisdiction = e->jurisdiction;
  for (auto [frame, t] : {std::pair{f1, 1796000060}, std::pair{f2, 1796000120}}) {
    Verdict v = verify_qr(frame, *snap, s, t);
    CHECK(v.outcome == Outcome::kAccept);
    REQUIRE(v.presented_at);
    CHECK(*v.presented_at == static_cast<std::uint64_t>(t));
  }
  // The frame drawn at 60 s is a stale screenshot 200 s later.
  Verdict old = verify_qr(f1, *snap, s, 1796000260);
  CHECK(old.reasons == std::vector<Reason>{Reason::kPresentationExpired});
  // A WPNL is static: present() gives the same text.
  auto w = issue(pki, {DocKind::kWpnl, "valid", 1796000000, 9, "shanghai"});
  REQUIRE(w.ok());
  CHECK(present(*w, 1796000999, nonce) == w->qr);
}

TEST_CASE("a damaged test-keys.json is refused with a reason") {
  std::string good = pki_to_json(make_test_pki(4, 1796000000));
  REQUIRE(pki_from_json(good).ok());
  CHECK_FALSE(pki_from_json("").ok());
  CHECK_FALSE(pki_from_json("[]").ok());
  CHECK_FALSE(pki_from_json(good.substr(0, good.size() / 2)).ok());
  // A seed that does not give the listed public key.
  std::string bad = good;
  auto pos = bad.find("\"seed\": \"", bad.find("\"keys\""));
  REQUIRE(pos != std::string::npos);
  pos += 9;
  bad[pos] = bad[pos] == '0' ? '1' : '0';
  auto r = pki_from_json(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("does not match") != std::string::npos);
  test::TempDir d;
  auto missing = load_keys_dir(d.path());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("test-keys.json") != std::string::npos);
}
