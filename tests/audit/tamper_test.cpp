// The tamper harness: a hostile root on the kiosk attacks a real log written by the real writer
// (tests/audit_writer, the AuditLog kioskd uses), each attack on a fresh copy, and the auditor runs
// `kioskctl audit verify` with what the auditor holds: the verification key `audit init` printed
// once, and the seal and checkpoint lines that left the box. Every attack must give a FINDING line
// naming it and a non-zero exit; the untouched log must verify clean.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "firmware/audit/audit_log.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/audit/seal_key_file.h"
#include "tests/audit/audit_support.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::audit;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kT0 = 1796000000;
constexpr std::int64_t kNow = kT0 + 1000;  // the auditor's clock

std::string writer_path() {
  return std::string(KIOSK_BUILD_DIR) + "/tests/audit_writer";
}

/// Writes `count` records dated `start + i * 3` (epochs of 10 s) and stops cleanly.
void write(const std::string& dir, int count, std::int64_t start) {
  std::string out;
  REQUIRE(run({writer_path(), dir, std::to_string(count), "3", "10", std::to_string(start)},
              &out) == 0);
}

struct Check {
  int status;
  std::string out;
  bool says(const std::string& what) const { return out.find(what) != std::string::npos; }
};

/// A kiosk's data directory with 40 records (records 1..40, times T0..T0+117, sealed through
/// epoch 12) and the auditor's material: the key and the lines forwarded off the box.
struct Rig {
  TempDir tmp{"tamper"};
  std::string data = tmp.path + "/pristine";
  std::string key;
  std::string held = tmp.path + "/held.log";
  std::string older = tmp.path + "/audit-after-20.db";
  Rig() {
    fs::create_directories(data);
    std::string err;
    REQUIRE(run({kioskctl_path(), "audit", "init", "--data", data, "--epoch", "10", "--now",
                 std::to_string(kT0)},
                &key, &err) == 0);
    key.erase(key.find_last_not_of('\n') + 1);
    REQUIRE(key.rfind("kaudit1-", 0) == 0);
    CHECK(!fs::exists(data + "/verify.key"));
    REQUIRE(load_or_create_secrets(data));  // the export key, as kioskd makes it
    write(data, 20, kT0);
    fs::copy_file(data + "/audit.db", older);
    write(data, 20, kT0 + 60);
    // The lines the syslog forwarder carried off the box, as rsyslog stored them.
    std::string lines;
    REQUIRE(run({kioskctl_path(), "audit", "seals", "--data", data}, &lines) == 0);
    std::string forwarded;
    std::size_t pos = 0;
    while (pos < lines.size()) {
      auto end = lines.find('\n', pos);
      forwarded +=
          "Dec  2 06:00:00 kiosk kioskd[42]: kioskd: audit seal: " + lines.substr(pos, end - pos) +
          "\n";
      pos = end + 1;
    }
    write_text(held, forwarded);
  }
  /// A fresh copy of the data directory for one attack.
  std::string copy(const std::string& name) {
    std::string dir = tmp.path + "/" + name;
    fs::remove_all(dir);
    fs::copy(data, dir, fs::copy_options::recursive);
    return dir;
  }
  Check verify(const std::string& dir, bool with_held = true, std::string held_file = "") {
    std::vector<std::string> argv = {
        kioskctl_path(),     "audit", "verify", "--data", dir, "--key", key, "--now",
        std::to_string(kNow)};
    if (with_held) {
      argv.push_back("--held");
      argv.push_back(held_file.empty() ? held : held_file);
    }
    Check v;
    v.status = run(argv, &v.out);
    return v;
  }
};

/// What root can do with the key file on the kiosk: seal anything from its epoch on.
void forge_stop_seal(const std::string& dir) {
  auto key = SealKeyFile::open(dir + "/audit-seal.key");
  REQUIRE(key);
  auto log = AuditLog::open_read_only(dir + "/audit.db");
  REQUIRE(log);
  auto c = (*log)->check();
  REQUIRE(c);
  Seal s{SealKind::kStop,
         "WRITER",
         (*key)->next(),
         (*key)->next(),
         c->last_seq,
         c->last_hash,
         kT0 + 10 * static_cast<std::int64_t>((*key)->next())};
  insert_seal_row(dir + "/audit.db", s, (*key)->key());
}

/// Rewrites record `seq`'s outcome and re-chains every record after it (bodies, hashes, prevs),
/// then re-makes every seal and checkpoint with the key root holds: a perfect forgery but for the
/// keys erased long ago.
void rewrite_and_rechain(const std::string& dir, std::uint64_t seq) {
  std::string path = dir + "/audit.db";
  sql(path, "DROP TRIGGER records_no_update; DROP TRIGGER seals_no_delete;");
  std::vector<StoredRecord> recs;
  std::vector<StoredSeal> seals;
  {
    auto log = AuditLog::open_read_only(path);
    REQUIRE(log);
    REQUIRE((*log)->for_each(0, [&](const StoredRecord& r) { recs.push_back(r); }));
    REQUIRE((*log)->for_each_seal([&](const StoredSeal& s) { seals.push_back(s); }));
  }
  std::map<std::uint64_t, std::string> hashes;
  std::string prev = genesis_prev();
  std::string stmts = "BEGIN;";
  for (const auto& r : recs) {
    auto rec = parse_body(r.body);
    REQUIRE(rec);
    if (rec->seq == seq) {
      rec->outcome = rec->outcome == "REJECT" ? "ACCEPT" : "REJECT";
      rec->reasons.clear();
    }
    rec->prev = prev;
    std::string b = body(*rec);
    Hash h = record_hash(b);
    prev = to_hex(h);
    hashes[rec->seq] = prev;
    std::string quoted;
    for (char ch : b)
      quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    stmts += "UPDATE records SET outcome='" + rec->outcome + "', body='" + quoted + "', hash=X'" +
             prev + "' WHERE seq=" + std::to_string(rec->seq) + ";";
  }
  stmts += "DELETE FROM seals; COMMIT;";
  sql(path, stmts);
  auto key = SealKeyFile::open(dir + "/audit-seal.key");
  REQUIRE(key);
  for (const auto& row : seals) {
    auto s = parse_seal_body(row.body);
    REQUIRE(s);
    s->head = s->seq ? hashes[s->seq] : genesis_prev();
    insert_seal_row(path, *s, (*key)->key());  // the only key root has
  }
}

}  // namespace

TEST_CASE("tamper harness: every attack on a real log is a finding of audit verify") {
  static Rig k;  // written once; each attack works on its own copy
  {
    Check v = k.verify(k.data);
    CAPTURE(v.out);
    CHECK(v.status == 0);
    CHECK(v.says("verdict: intact"));
    CHECK(v.says("held lines checked: "));
    CHECK(!v.says("FINDING"));
  }
  SUBCASE("deleting the last records (a checkpoint newer than its records)") {
    std::string d = k.copy("tail");
    sql(d + "/audit.db", "DROP TRIGGER records_no_delete; DELETE FROM records WHERE seq > 35");
    Check v = k.verify(d, false);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: RECORDS MISSING"));
  }
  SUBCASE("deleting the tail with its seals, and a stop seal forged with the kiosk's key") {
    std::string d = k.copy("tail-forged");
    sql(d + "/audit.db",
        "DROP TRIGGER records_no_delete; DROP TRIGGER seals_no_delete;"
        "DELETE FROM records WHERE seq > 30; DELETE FROM seals WHERE seq > 30");
    forge_stop_seal(d);
    Check v = k.verify(d, false);  // even without the held lines
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: SEALS MISSING"));
    CHECK(k.verify(d).says("FINDING: RECORDS MISSING"));  // and the held lines name the rest
  }
  SUBCASE("deleting every record and seal") {
    std::string d = k.copy("all");
    sql(d + "/audit.db",
        "DROP TRIGGER records_no_delete; DROP TRIGGER seals_no_delete;"
        "DELETE FROM records; DELETE FROM seals");
    Check v = k.verify(d);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: RECORDS MISSING"));
    CHECK(v.says("FINDING: SEALS MISSING"));
    // The key file gone too: the held lines and the clock still say so.
    fs::remove(d + "/audit-seal.key");
    Check w = k.verify(d);
    CHECK(w.status == 1);
    CHECK(w.says("FINDING: NOT SEALED since"));
  }
  SUBCASE("REJECT to ACCEPT with the chain recomputed and re-sealed with the key on the box") {
    std::string d = k.copy("rechain");
    rewrite_and_rechain(d, 1);
    {
      auto log = AuditLog::open_read_only(d + "/audit.db");
      REQUIRE(log);
      CHECK((*log)->check()->intact());  // the hash chain alone is fooled...
    }
    Check v = k.verify(d, false);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: FORGED"));  // ...the seals are not
    CHECK(v.says("epoch 0 "));
    Check w = k.verify(d);
    CHECK(w.says("FINDING: REWRITTEN: record 1 is not the record the auditor's checkpoint"));
    // Its export is signed by the export key on the box, and still fails with the auditor's key.
    std::string out;
    REQUIRE(run({kioskctl_path(), "audit", "export", "--data", d, "--out", d + ".audit"}) == 0);
    CHECK(run({kioskctl_path(), "audit", "check-export", d + ".audit"}, &out) == 0);
    CHECK(out.find("seals NOT authenticated") != std::string::npos);
    CHECK(run({kioskctl_path(), "audit", "check-export", d + ".audit", "--key", k.key, "--now",
               std::to_string(kNow)},
              &out) == 1);
    CHECK(out.find("FINDING: FORGED") != std::string::npos);
    // The untouched log's export passes with the key and the held lines.
    REQUIRE(run({kioskctl_path(), "audit", "export", "--data", k.data, "--out", d + ".good"}) == 0);
    CHECK(run({kioskctl_path(), "audit", "check-export", d + ".good", "--key", k.key, "--held",
               k.held, "--now", std::to_string(kNow)},
              &out) == 0);
    CHECK(out.find("verdict: intact") != std::string::npos);
    // ...and so does its SM2-signed export, checked against the kiosk's SM2 export key.
    std::string sm2_pub;
    REQUIRE(run({kioskctl_path(), "audit", "pubkey", "--data", k.data, "--sign-alg", "sm2"},
                &sm2_pub) == 0);
    sm2_pub.erase(sm2_pub.find_last_not_of('\n') + 1);
    CHECK(sm2_pub.size() == 130);
    REQUIRE(run({kioskctl_path(), "audit", "export", "--data", k.data, "--out", d + ".sm2",
                 "--sign-alg", "sm2"}) == 0);
    CHECK(run({kioskctl_path(), "audit", "check-export", d + ".sm2", "--pubkey", sm2_pub, "--key",
               k.key, "--held", k.held, "--now", std::to_string(kNow)},
              &out) == 0);
    CHECK(out.find("signature: valid (SM2 key") != std::string::npos);
  }
  SUBCASE("editing any column behind the chain's back") {
    for (std::string column : {"outcome='ACCEPT'", "kind='segment'", "time=time-86400"}) {
      std::string d = k.copy("column-" + column.substr(0, 4));
      sql(d + "/audit.db", "DROP TRIGGER records_no_update; UPDATE records SET " + column +
                               " WHERE seq = 1");  // record 1 is a REJECT
      Check v = k.verify(d);
      CAPTURE(column);
      CAPTURE(v.out);
      CHECK(v.status == 1);
      CHECK(v.says("FINDING: BROKEN at record 1: record altered: a column"));
    }
    std::string d = k.copy("seal-column");
    sql(d + "/audit.db", "DROP TRIGGER seals_no_update; UPDATE seals SET seq = 1 WHERE id = 3");
    CHECK(k.verify(d).says("differs from its sealed body"));
  }
  SUBCASE("replacing the file by an older copy of itself") {
    std::string d = k.copy("older");
    fs::copy_file(k.older, d + "/audit.db", fs::copy_options::overwrite_existing);
    Check v = k.verify(d, false);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: SEALS MISSING: the kiosk's sealing key has sealed through epoch"));
    CHECK(k.verify(d).says("FINDING: RECORDS MISSING"));
    // Even with the key file rolled back too, the auditor's lines and clock tell.
    fs::remove(d + "/audit-seal.key");
    Check w = k.verify(d);
    CAPTURE(w.out);
    CHECK(w.status == 1);
    CHECK(w.says("FINDING: SEALS MISSING: the log's seals end at epoch"));
  }
  SUBCASE("replacing the file by another kiosk's log, or a zero-length file") {
    std::string d = k.copy("other");
    fs::remove(d + "/audit.db");
    fs::remove(d + "/audit-seal.key");
    write(d, 40, kT0);  // a fresh log with a fresh key, same records
    Check v = k.verify(d);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: FORGED"));
    std::string e = k.copy("empty");
    write_text(e + "/audit.db", "");
    Check w = k.verify(e);
    CHECK(w.status == 1);
    CHECK(w.says("is empty (0 bytes)"));
  }
  SUBCASE("the clock jumps back between records") {
    std::string d = k.copy("clock");
    write(d, 5, kT0 + 30);  // records dated before the last ones
    Check v = k.verify(d);
    CAPTURE(v.out);
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: CLOCK WENT BACK"));
  }
  SUBCASE("a held line from another key is refused, not trusted") {
    std::string d = k.copy("held");
    std::string bad = read_text(k.held);
    auto at = bad.find("\"mac\": \"") + 8;
    bad[at] = bad[at] == '0' ? '1' : '0';
    write_text(d + ".held", bad);
    Check v = k.verify(d, true, d + ".held");
    CHECK(v.status == 1);
    CHECK(v.says("FINDING: HELD LINE INVALID"));
  }
}

TEST_CASE("the writer's side: an emptied, missing or replaced log is an alarm, never silent") {
  TempDir dir("tamper-open");
  std::string path = dir.path + "/audit.db";
  SealOptions opt;
  opt.epoch_seconds = 10;
  std::string vk;
  {
    OpenReport rep;
    auto log = AuditLog::open(path, "K", kT0, &rep, opt);
    REQUIRE(log);
    vk = rep.new_verify_key;
    CHECK(!vk.empty());
    CHECK(rep.alarms.empty());
    Record r;
    r.time = kT0 + 25;
    r.outcome = "ACCEPT";
    REQUIRE((*log)->append(r));
    CHECK((*log)->seal_key()->next() == 2);  // epochs 0 and 1 sealed on the way
  }
  SUBCASE("zero-length") {
    write_text(path, "");
    OpenReport rep;
    auto log = AuditLog::open(path, "K", kT0 + 40, &rep, opt);
    REQUIRE(log);
    REQUIRE(rep.alarms.size() == 1);
    CHECK(rep.alarms[0].find("empty (0 bytes), set aside as") != std::string::npos);
    CHECK(rep.new_verify_key.empty());  // the old key goes on: the gap stays visible
    auto c = (*log)->check();
    REQUIRE(c);
    CHECK(c->segment_notes.size() == 1);
  }
  SUBCASE("missing") {
    fs::remove(path);
    OpenReport rep;
    REQUIRE(AuditLog::open(path, "K", kT0 + 40, &rep, opt));
    REQUIRE(rep.alarms.size() == 1);
    CHECK(rep.alarms[0].find("missing") != std::string::npos);
  }
  SUBCASE("the sealing key removed") {
    fs::remove(dir.path + "/audit-seal.key");
    OpenReport rep;
    REQUIRE(AuditLog::open(path, "K", kT0 + 40, &rep, opt));
    REQUIRE(rep.alarms.size() == 1);
    CHECK(rep.alarms[0].find("sealing key is missing") != std::string::npos);
    CHECK(!rep.new_verify_key.empty());
  }
}

TEST_CASE("a log of format 1 migrates without loss and verifies") {
  TempDir dir("migrate");
  std::string path = dir.path + "/audit.db";
  sql(path, read_text(std::string(KIOSK_TEST_DATA) + "/../audit/data/audit-v1.sql"));
  std::map<std::string, std::uint64_t> before;
  std::uint64_t records = 0;
  {
    auto old = AuditLog::open_read_only(path);
    REQUIRE(old);
    auto c = (*old)->check();
    REQUIRE(c);
    CHECK(c->intact());
    records = c->records;
    before = *(*old)->outcome_counts(0);
  }
  CHECK(records == 26);  // 30 written, 5 purged, 1 purge anchor
  OpenReport rep;
  auto log = AuditLog::open(path, "WRITER", 1796000100, &rep);
  REQUIRE(log);
  CHECK(rep.alarms.empty());
  REQUIRE(!rep.new_verify_key.empty());
  auto after = (*log)->outcome_counts(0);
  REQUIRE(after);
  CHECK(*after == before);
  Record r;
  r.time = 1796000200;
  r.outcome = "REVIEW";
  REQUIRE((*log)->append(r));
  REQUIRE((*log)->seal_due(1796000300, true));
  log->reset();
  std::string out;
  int st = run({kioskctl_path(), "audit", "verify", "--data", dir.path, "--key", rep.new_verify_key,
                "--now", "1796000300"},
               &out);
  CAPTURE(out);
  CHECK(st == 0);
  CHECK(out.find("records: 27") != std::string::npos);
  CHECK(out.find("verdict: intact") != std::string::npos);
}

TEST_CASE("kioskd: an emptied audit log starts in alarm, on the officer's screen and its output") {
  TempDir dir("tamper-kioskd");
  install_vector_trust(dir.path + "/data");
  std::string feed;
  for (int i = 0; i < 3; ++i)
    feed += "0 scanner WPC1:NOT-A-CODE-" + std::to_string(i) + "\n";
  write_text(dir.path + "/f.feed", feed);
  std::string conf = base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n");
  auto officer_audit = [](const json::Value& v) -> const json::Value* {
    const json::Value* a = v.get("audit");
    return a && a->is_object() ? a : nullptr;
  };
  {
    Kioskd k(dir.path, conf);
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    auto s = ws.read_until(
        [&](const json::Value& v) {
          auto* a = officer_audit(v);
          return a && a->get("last_seq")->number >= 3;
        },
        std::chrono::seconds(20));
    REQUIRE(s);
    // The checkpoint shown is the head's: the three verdicts, and the officer's sign-in when its
    // record (committed on the audit writer, beside the sign-in) came first.
    auto head = static_cast<std::int64_t>(officer_audit(*s)->get("last_seq")->number);
    CHECK((head == 3 || head == 4));
    CHECK(officer_audit(*s)
              ->get("checkpoint")
              ->string.find("checkpoint #" + std::to_string(head) + " ") == 0);
    CHECK(officer_audit(*s)->get("alarm")->string.empty());
    CHECK(k.stop() == 0);
    std::string err = read_text(k.stderr_path);
    CHECK(err.find("VERIFICATION KEY") != std::string::npos);
    CHECK(err.find("audit seal: {\"audit_seal\": \"{\\\"kind\\\": \\\"stop\\\"") !=
          std::string::npos);
  }
  write_text(dir.path + "/data/audit.db", "");
  Kioskd k(dir.path, conf);
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  auto s = ws.read_until(
      [&](const json::Value& v) {
        auto* a = officer_audit(v);
        return a && !a->get("alarm")->string.empty();
      },
      std::chrono::seconds(20));
  REQUIRE(s);
  CHECK(officer_audit(*s)->get("alarm")->string.find("empty (0 bytes)") != std::string::npos);
  CHECK(k.stop() == 0);
  std::string err = read_text(k.stderr_path);
  CHECK(err.find("audit: ALARM: audit log is empty (0 bytes)") != std::string::npos);
  CHECK(err.find("VERIFICATION KEY") == std::string::npos);  // no new key: the gap stays visible
}
