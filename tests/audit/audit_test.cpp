// The audit log: chain checks, tampering, purge anchors, signed exports, corrupt files.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "firmware/audit/audit_log.h"
#include "firmware/audit/export.h"
#include "firmware/audit/kiosk_secrets.h"
#include "tests/audit/audit_support.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::audit;
using kiosk::test::sql;
using kiosk::test::TempDir;
namespace fs = std::filesystem;

namespace {

Record verdict(std::int64_t t, std::string outcome = "ACCEPT") {
  Record r;
  r.time = t;
  r.channel = "scanner";
  r.document = "E_SSC";
  r.outcome = std::move(outcome);
  r.cti_hash = std::string(64, 'c');
  r.issuer_kid = "0011223344556677";
  return r;
}

std::unique_ptr<AuditLog> open_log(const std::string& path, OpenReport* rep = nullptr) {
  auto log = AuditLog::open(path, "K1", 1796000000, rep);
  REQUIRE(log);
  return std::move(*log);
}

int sql_rc(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

}  // namespace

TEST_CASE("records chain, survive reopening and check as intact") {
  TempDir dir("audit-chain");
  std::string path = dir.path + "/audit.db";
  {
    auto log = open_log(path);
    for (int i = 0; i < 5; ++i)
      REQUIRE(log->append(verdict(1796000000 + i)));
  }
  OpenReport rep;
  auto log = open_log(path, &rep);
  CHECK(rep.chain.intact());
  CHECK(rep.notices.empty());
  CHECK(rep.chain.records == 5);
  auto r = log->append(verdict(1796000010));
  REQUIRE(r);
  CHECK(r->seq == 6);
  auto c = log->check();
  REQUIRE(c);
  CHECK(c->intact());
  CHECK(c->last_seq == 6);
  CHECK(c->newest_time == 1796000010);
  CHECK(*log->newest_time() == 1796000010);
  auto counts = log->outcome_counts(1796000003);
  REQUIRE(counts);
  CHECK((*counts)["ACCEPT"] == 3);  // times ...03, ...04 and ...10
}

TEST_CASE("the body holds no personal data, only the keyed hash of the credential id") {
  Verdict v;
  v.outcome = Outcome::kAccept;
  v.document = Document::kWpnl;
  v.cti = {1, 2, 3, 4};
  v.holder = HolderRecord{};
  v.holder->name = "MUELLER, ANNA";
  v.holder->ppn = "C01X00T47";
  v.holder->wpn = "WP3101";
  HashKey k1{}, k2{};
  k2[0] = 1;
  Record r = verdict_record(v, "camera", 5, k1);
  std::string b = body(r);
  CHECK(b.find("MUELLER") == std::string::npos);
  CHECK(b.find("C01X00T47") == std::string::npos);
  CHECK(b.find("WP3101") == std::string::npos);
  CHECK(r.cti_hash.size() == 64);
  CHECK(r.cti_hash != to_hex(v.cti));
  CHECK(r.cti_hash != verdict_record(v, "camera", 5, k2).cti_hash);  // keyed
  auto parsed = parse_body(b);
  REQUIRE(parsed);
  CHECK(body(*parsed) == b);
}

TEST_CASE("tampering is found at start-up, reported, and recorded by a new segment") {
  TempDir dir("audit-tamper");
  std::string path = dir.path + "/audit.db";
  {
    auto log = open_log(path);
    for (int i = 0; i < 5; ++i)
      REQUIRE(log->append(verdict(1796000000 + i)));
  }
  // The triggers refuse edits and deletes...
  CHECK(sql_rc(path, "UPDATE records SET body = 'x' WHERE seq = 3") != SQLITE_OK);
  CHECK(sql_rc(path, "DELETE FROM records WHERE seq = 3") != SQLITE_OK);

  SUBCASE("a record altered behind the triggers' back") {
    sql(path,
        "DROP TRIGGER records_no_update; UPDATE records SET body = replace(body, "
        "'\"ACCEPT\"', '\"REJECT\"') WHERE seq = 3");
    OpenReport rep;
    auto log = open_log(path, &rep);
    REQUIRE(rep.chain.breaks.size() == 1);
    CHECK(rep.chain.breaks[0].seq == 3);
    CHECK(rep.chain.breaks[0].reason.find("altered") != std::string::npos);
    REQUIRE(rep.notices.size() == 1);
    CHECK(rep.notices[0].find("new segment") != std::string::npos);
    // The break is recorded, once: appending goes on, reopening adds nothing.
    REQUIRE(log->append(verdict(1796000100)));
    auto c = log->check();
    REQUIRE(c);
    CHECK(c->segments == 1);
    CHECK(c->unacknowledged().empty());
    CHECK(!c->intact());  // the break stays visible to every audit
    log.reset();
    OpenReport rep2;
    auto log2 = open_log(path, &rep2);
    CHECK(rep2.notices.empty());
    CHECK(rep2.chain.segments == 1);
  }
  SUBCASE("a record removed") {
    sql(path,
        "INSERT INTO purge_permit VALUES(1); DELETE FROM records WHERE seq = 2; "
        "DELETE FROM purge_permit");
    OpenReport rep;
    auto log = open_log(path, &rep);
    REQUIRE(!rep.chain.breaks.empty());
    CHECK(rep.chain.breaks[0].seq == 3);
    CHECK(rep.chain.breaks[0].reason.find("missing") != std::string::npos);
  }
  SUBCASE("the first records removed") {
    sql(path,
        "INSERT INTO purge_permit VALUES(1); DELETE FROM records WHERE seq <= 2; "
        "DELETE FROM purge_permit");
    OpenReport rep;
    auto log = open_log(path, &rep);
    REQUIRE(!rep.chain.breaks.empty());
    CHECK(rep.chain.breaks[0].seq == 3);
  }
  SUBCASE("a record re-linked to hide a change") {
    // Rewrite record 5 consistently (new body, new hash) but leave 4's hash: 5's prev no longer
    // matches only if 4 changed; so change 4 and rehash it: 5 then breaks.
    sql(path,
        "DROP TRIGGER records_no_update; UPDATE records SET hash = zeroblob(32) WHERE seq = 4");
    OpenReport rep;
    auto log = open_log(path, &rep);
    REQUIRE(rep.chain.breaks.size() == 2);
    CHECK(rep.chain.breaks[0].seq == 4);
    CHECK(rep.chain.breaks[1].seq == 5);
  }
}

TEST_CASE("a file that is no audit log is set aside and a new log records it") {
  TempDir dir("audit-corrupt");
  std::string path = dir.path + "/audit.db";
  kiosk::test::write_text(path, std::string(5000, 'z'));
  OpenReport rep;
  auto log = open_log(path, &rep);
  REQUIRE(rep.notices.size() == 1);
  CHECK(rep.notices[0].find("set aside as") != std::string::npos);
  auto c = log->check();
  REQUIRE(c);
  CHECK(c->records == 1);
  CHECK(c->segments == 1);
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir.path))
    aside += e.path().filename().string().find("audit.db.corrupt-") == 0;
  CHECK(aside == 1);
}

TEST_CASE("purge keeps the chain checkable with an anchor record") {
  TempDir dir("audit-purge");
  std::string path = dir.path + "/audit.db";
  auto log = open_log(path);
  for (int i = 0; i < 10; ++i)
    REQUIRE(log->append(verdict(1000 + i * 100)));
  auto n = log->purge_before(1450, 100000);
  CHECK(!log->purge_before(99000, 100000));  // a purge keeps at least the last day
  REQUIRE(n);
  CHECK(*n == 5);  // times 1000..1400
  auto c = log->check();
  REQUIRE(c);
  CHECK(c->intact());
  CHECK(c->first_seq == 6);
  CHECK(c->purges == 1);
  // Purging again later, across the first anchor, still checks.
  REQUIRE(log->append(verdict(2000)));
  auto n2 = log->purge_before(1950, 100000);
  REQUIRE(n2);
  CHECK(*n2 == 5);  // 1500..1900; the first anchor (time 100000) comes after them and stays
  c = log->check();
  REQUIRE(c);
  CHECK(c->intact());
  // Nothing older: nothing purged, no anchor added.
  auto before = c->records;
  REQUIRE(log->purge_before(0, 100000));
  CHECK(log->check()->records == before);
  // Removing the anchor makes the start unanchored.
  sql(path,
      "INSERT INTO purge_permit VALUES(1); DELETE FROM records WHERE kind = 'purge'; "
      "DELETE FROM purge_permit");
  c = log->check();
  REQUIRE(c);
  CHECK(!c->intact());
}

TEST_CASE("a signed export checks elsewhere and any change to it is found") {
  TempDir dir("audit-export");
  auto secrets = load_or_create_secrets(dir.path);
  REQUIRE(secrets);
  auto again = load_or_create_secrets(dir.path);
  REQUIRE(again);
  CHECK((*again)->sign_seed == (*secrets)->sign_seed);  // created once, then reused
  auto log = open_log(dir.path + "/audit.db");
  for (int i = 0; i < 4; ++i)
    REQUIRE(log->append(verdict(1796000000 + i, i == 2 ? "REJECT" : "ACCEPT")));
  auto text = export_signed(*log, **secrets, "K1", 1796000100);
  REQUIRE(text);
  auto pub = load_sign_public(dir.path, SigAlg::kEd25519);
  REQUIRE(pub);
  auto ok = check_export(*text, *pub);
  REQUIRE(ok);
  CHECK(ok->report.chain.intact());
  CHECK(ok->report.chain.records == 4);
  CHECK(ok->kiosk == "K1");

  std::string changed = *text;
  changed.replace(changed.find("REJECT"), 6, "ACCEPT");
  auto bad = check_export(changed, *pub);
  REQUIRE(!bad);
  CHECK(bad.error().find("signature") != std::string::npos);
  CHECK(!check_export(*text, Bytes(32, 0)));
  CHECK(!check_export(text->substr(0, text->size() / 2), std::nullopt));
  CHECK(!check_export("", std::nullopt));
  CHECK(!check_export("garbage\n{\"signature\": \"00\"}\n", std::nullopt));

  // The same export signed with SM2 (SM3), from the same seed: checks with the SM2 point only.
  auto sm2_text = export_signed(*log, **secrets, "K1", 1796000100, SigAlg::kSm2);
  REQUIRE(sm2_text);
  CHECK(sm2_text->find("\"alg\": \"SM2\"") != std::string::npos);
  auto sm2_pub = load_sign_public(dir.path, SigAlg::kSm2);
  REQUIRE(sm2_pub);
  CHECK(sm2_pub->size() == 65);
  auto sm2_ok = check_export(*sm2_text, *sm2_pub);
  REQUIRE(sm2_ok);
  CHECK(sm2_ok->alg == SigAlg::kSm2);
  CHECK(sm2_ok->report.chain.records == 4);
  CHECK(!check_export(*sm2_text, *pub));  // the Ed25519 key is another key
  std::string sm2_changed = *sm2_text;
  sm2_changed.replace(sm2_changed.find("REJECT"), 6, "ACCEPT");
  auto sm2_bad = check_export(sm2_changed, std::nullopt);
  REQUIRE(!sm2_bad);
  CHECK(sm2_bad.error().find("signature") != std::string::npos);
  // A header naming SM2 over an Ed25519 key (or the reverse) is not a usable key.
  std::string swapped = *text;
  swapped.replace(swapped.find("\"public_key\""), 0, "\"alg\": \"SM2\", ");
  CHECK(!check_export(swapped, std::nullopt));
}

TEST_CASE("secret files: wrong size is refused, never overwritten") {
  TempDir dir("audit-secrets");
  kiosk::test::write_text(dir.path + "/audit.key", "short");
  auto s = load_or_create_secrets(dir.path);
  REQUIRE(!s);
  CHECK(s.error().find("audit.key") != std::string::npos);
  CHECK(kiosk::test::read_text(dir.path + "/audit.key") == "short");
}
