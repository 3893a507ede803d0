// The most important promise of kiosk-sim: every variant it issues gets, from the real verifier
// over a real trust store file, exactly the verdict the listing promises.
#include <doctest/doctest.h>

#include <set>

#include "app/base45.h"
#include "app/credential.h"
#include "app/verifier.h"
#include "app/zlib_codec.h"
#include "sim/issuer/issuer.h"
#include "sim/issuer/keys_dir.h"
#include "sim/issuer/records.h"
#include "tests/sim/sim_test_util.h"

using namespace kiosk;
using namespace kiosk::sim;

namespace {

std::string describe(Outcome o, Document d, const std::vector<Reason>& rs) {
  std::string s = std::string(name(o)) + " " + std::string(name(d));
  for (Reason r : rs)
    s += " " + std::string(name(r));
  return s;
}

// Verifies `issued` as the kiosk would: the QR text, or the card answering a fresh challenge.
Verdict verify_issued(const Issued& issued, const TrustSnapshot& trust, std::int64_t now) {
  VerifySettings settings;
  settings.jurisdiction = issued.jurisdiction;
  if (issued.card) {
    ChipInput in;
    in.ef = issued.card->ef();
    in.challenge = random_bytes(kChallengeSize);
    auto sig = issued.card->internal_authenticate(in.challenge);
    in.signature.assign(sig.begin(), sig.end());
    return verify_chip(in, trust, settings, now);
  }
  return verify_qr(issued.qr, trust, settings, now);
}

void check_all_variants(std::uint64_t pki_seed, std::int64_t now, const std::string& city,
                        std::uint64_t issue_seed) {
  test::TempDir dir;
  TestPki made = make_test_pki(pki_seed, now);
  // Through the keys directory, as the command line does.
  REQUIRE(write_keys_dir(made, dir / "keys").ok());
  auto pki = load_keys_dir(dir / "keys");
  REQUIRE(pki.ok());
  auto store = test::store_with(*pki, dir / "trust.db");
  auto snap = store->snapshot();
  REQUIRE(snap.ok());

  for (const VariantInfo& v : variants()) {
    IssueRequest req{v.doc, std::string(v.name), now, issue_seed, city};
    CAPTURE(city);
    CAPTURE(issue_seed);
    std::string label = std::string(name(v.doc)) + "/" + std::string(v.name);
    CAPTURE(label);
    auto issued = issue(*pki, req);
    REQUIRE_MESSAGE(issued.ok(), (issued.ok() ? "" : issued.error()));
    CHECK(issued->info == &v);

    Verdict got = verify_issued(*issued, *snap, now);
    CHECK(describe(got.outcome, got.document, got.reasons) ==
          describe(v.expected.outcome, v.expected.document, v.expected.reasons));
    if (issued->chip) {
      // The chip file the command line prints (the tool's own challenge) gets the same verdict.
      VerifySettings s;
      s.jurisdiction = issued->jurisdiction;
      Verdict again = verify_chip(*issued->chip, *snap, s, now);
      CHECK(describe(again.outcome, again.document, again.reasons) ==
            describe(v.expected.outcome, v.expected.document, v.expected.reasons));
    } else {
      CHECK(issued->qr.size() <= kMaxQrText);
    }
  }
}

}  // namespace

TEST_CASE("every variant verifies to exactly the listed verdict") {
  check_all_variants(1, 1796000000, "shanghai", 1);
}

TEST_CASE("the promise holds for every city, other seeds and another time") {
  std::uint64_t seed = 11;
  for (const City& c : cities()) {
    check_all_variants(seed, 1796000000, std::string(c.key), seed * 7);
    ++seed;
  }
  check_all_variants(99, 1700000000, "shenzhen", 3);
}

TEST_CASE("the catalogue covers every failure the spec names, per document") {
  const std::set<std::string> common = {"valid",
                                        "expired",
                                        "not-yet-valid",
                                        "revoked",
                                        "status-unknown",
                                        "tampered",
                                        "unknown-key",
                                        "bad-signature",
                                        "key-revoked",
                                        "key-not-valid-at-issue",
                                        "key-scope-region",
                                        "key-scope-doc",
                                        "key-scope-iss",
                                        "jurisdiction-mismatch",
                                        "duplicate-key",
                                        "missing-field",
                                        "bad-date",
                                        "negative-integer",
                                        "crit-header",
                                        "alg-es256",
                                        "version-2",
                                        "unknown-doc",
                                        "wrong-carrier"};
  for (DocKind d : {DocKind::kEcard, DocKind::kWpnl, DocKind::kWpcard, DocKind::kChip}) {
    for (const std::string& n : common) {
      CAPTURE(n);
      CHECK(find_variant(d, n) != nullptr);
    }
  }
  for (const char* n : {"bad-base45", "truncated-zlib", "zip-bomb"}) {
    CHECK(find_variant(DocKind::kWpnl, n));
    CHECK(find_variant(DocKind::kEcard, n));
    CHECK_FALSE(find_variant(DocKind::kChip, n));
  }
  for (const char* n : {"stale", "future", "other-holder"}) {
    CHECK(find_variant(DocKind::kEcard, n));
    CHECK_FALSE(find_variant(DocKind::kWpnl, n));
  }
  CHECK(find_variant(DocKind::kChip, "clone"));
  CHECK(find_variant(DocKind::kChip, "truncated-ef"));
  // Every reason a credential can cause appears in some variant's promise.
  std::set<Reason> seen;
  for (const VariantInfo& v : variants())
    seen.insert(v.expected.reasons.begin(), v.expected.reasons.end());
  for (Reason r :
       {Reason::kMalformed, Reason::kUnsupported, Reason::kWrongCarrier, Reason::kUnknownKey,
        Reason::kBadSignature, Reason::kKeyRevoked, Reason::kKeyNotValidAtIssue, Reason::kKeyScope,
        Reason::kHolderBindingFailed, Reason::kPresentationExpired,
        Reason::kPresentationNotYetValid, Reason::kCredentialExpired,
        Reason::kCredentialNotYetValid, Reason::kCredentialRevoked, Reason::kStatusUnknown,
        Reason::kJurisdictionMismatch}) {
    CHECK_MESSAGE(seen.count(r), name(r));
  }
}

TEST_CASE("valid credentials follow the spec's field rules, checked apart from the verifier") {
  TestPki pki = make_test_pki(5, 1796000000);
  for (DocKind d : {DocKind::kEcard, DocKind::kWpnl, DocKind::kWpcard, DocKind::kChip}) {
    auto issued = issue(pki, {d, "valid", 1796000000, 5, "hangzhou"});
    REQUIRE(issued.ok());
    auto cred = parse_credential(issued->credential);
    REQUIRE(cred.ok());
    CHECK(cred->wp.doc == document_of(d));
    CHECK(cred->wp.loc == "330106");
    CHECK(cred->cti.size() == 16);
    CHECK(cred->nbf <= cred->exp);
    CHECK(cred->iat <= 1796000000u);
    CHECK(format::uscc(cred->wp.uscc));
    CHECK(cred->wp.uscc[17] == uscc_check_char(std::string_view(cred->wp.uscc).substr(0, 17)));
    CHECK(format::dob(cred->wp.dob));
    CHECK(format::nat(cred->wp.nat));
    CHECK(cred->wp.empn.has_value());
    CHECK(cred->wp.sti.has_value());
    bool bound = d == DocKind::kEcard || d == DocKind::kChip;
    CHECK(cred->cnf.has_value() == bound);
    CHECK(cred->wp.ssn.has_value() == bound);
    if (d == DocKind::kChip) {
      REQUIRE(issued->chip);
      CHECK(issued->chip->challenge.size() == 32);
      CHECK(issued->chip->ef.size() == issued->credential.size() + 2);
    } else {
      std::string_view prefix = d == DocKind::kEcard ? "WPP1:" : "WPC1:";
      CHECK(std::string_view(issued->qr).starts_with(prefix));
      auto z = base45::decode(std::string_view(issued->qr).substr(5));
      REQUIRE(z);
      auto cose = zlib::inflate(*z, kMaxCoseBytes);
      REQUIRE(cose.ok());
      if (d == DocKind::kEcard) {
        auto p = parse_presentation(*cose);
        REQUIRE(p.ok());
        CHECK(p->t == 1796000000u);
        CHECK(equal(p->credential, issued->credential));
      } else {
        CHECK(equal(*cose, issued->credential));
      }
    }
  }
}

TEST_CASE("records are realistic: check digits, cities, many nationalities") {
  Rng rng(3);
  std::set<std::string> nats;
  for (int i = 0; i < 200; ++i) {
    const City& c = cities()[static_cast<std::size_t>(i) % cities().size()];
    PermitRecord r = make_record(rng, c, 2026);
    nats.insert(r.nat);
    CHECK(format::uscc(r.uscc));
    CHECK(r.uscc[17] == uscc_check_char(std::string_view(r.uscc).substr(0, 17)));
    CHECK(r.ssn.size() == 18);
    CHECK(r.ssn[17] == id_check_char(std::string_view(r.ssn).substr(0, 17)));
    CHECK(format::wpn(r.wpn));
    CHECK(r.loc == c.loc);
    CHECK(std::string_view(c.loc).starts_with(c.prefix));
    CHECK(format::dob(r.dob));
    CHECK(!r.empn.empty());
  }
  CHECK(nats.size() >= 10);
  // A known USCC (GB 32100 example shape): the check character of a published code.
  CHECK(uscc_check_char("91350100M000100Y4") == '3');
}

TEST_CASE("issue refuses what it cannot promise") {
  TestPki pki = make_test_pki(1, 1796000000);
  CHECK_FALSE(issue(pki, {DocKind::kWpnl, "stale", 1796000000, 1, "shanghai"}).ok());
  CHECK_FALSE(issue(pki, {DocKind::kChip, "bad-base45", 1796000000, 1, "shanghai"}).ok());
  CHECK_FALSE(issue(pki, {DocKind::kWpnl, "valid", 1796000000, 1, "atlantis"}).ok());
  // A --now outside the key set's life (keys made for another time).
  CHECK_FALSE(issue(pki, {DocKind::kWpnl, "valid", 1796000000 + 200 * 86400, 1, "shanghai"}).ok());
  CHECK_FALSE(issue(pki, {DocKind::kWpnl, "valid", 1796000000 - 7200, 1, "shanghai"}).ok());
}
