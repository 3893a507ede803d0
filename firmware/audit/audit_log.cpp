#include "firmware/audit/audit_log.h"

#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "app/bytes.h"

namespace kiosk::audit {
namespace {

constexpr int kApplicationId = 0x4b41554c;  // "KAUL"
constexpr int kSchemaVersion = 1;
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS records_time ON records(time);
CREATE TABLE IF NOT EXISTS purge_permit(x INTEGER);
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
WHEN (SELECT count(*) FROM purge_permit) = 0
BEGIN SELECT RAISE(ABORT, 'audit records are removed only by a retention purge'); END;
)";

int exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

/// Why a write to `path` could not succeed for lack of room ("" when there is room): a full file
/// system or the process's file size limit. SQLite reports both as a plain write error at times.
std::string space_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  auto info = fs::space(p.parent_path().empty() ? fs::path(".") : p.parent_path(), ec);
  if (!ec && info.available < 64 * 1024) return "no space left on the file system";
  rlimit rl{};
  if (::getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    std::uintmax_t biggest = 0;
    for (const char* suffix : {"", "-journal"}) {
      auto size = fs::file_size(path + suffix, ec);
      if (!ec) biggest = std::max<std::uintmax_t>(biggest, size);
    }
    if (biggest + 64 * 1024 > rl.rlim_cur) return "the file size limit is reached";
  }
  return "";
}

AuditError error(sqlite3* db, const std::string& path, const std::string& what) {
  int rc = db ? sqlite3_extended_errcode(db) : SQLITE_CANTOPEN;
  int sys = db ? sqlite3_system_errno(db) : 0;
  AuditError e;
  int primary = rc & 0xff;
  std::string msg = db ? sqlite3_errmsg(db) : "cannot allocate";
  if (sys != 0 && primary == SQLITE_IOERR) msg += " (" + std::string(std::strerror(sys)) + ")";
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    // Nothing reached the disk either way; say plainly when the cause is room.
    std::string room = space_problem(path);
    if (primary == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT || !room.empty()) {
      e.kind = AuditError::Kind::kFull;
      msg = "disk full (" + (room.empty() ? msg : room) + ")";
    }
  } else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    e.kind = AuditError::Kind::kCorrupt;
  }
  e.message = what + ": " + msg;
  return e;
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return s_ != nullptr; }
  sqlite3_stmt* get() { return s_; }
  int step() { return sqlite3_step(s_); }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Transaction {
 public:
  Transaction(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {
    ok_ = exec(db, "BEGIN IMMEDIATE") == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !done_ && !sqlite3_get_autocommit(db_)) exec(db_, "ROLLBACK");
  }
  bool ok() const { return ok_; }
  /// Commits; on failure fills `err` (before rolling back, which would replace SQLite's error).
  bool commit(const std::string& what, AuditError* err) {
    done_ = true;
    if (exec(db_, "COMMIT") == SQLITE_OK) return true;
    *err = error(db_, path_, what);
    if (!sqlite3_get_autocommit(db_)) exec(db_, "ROLLBACK");
    return false;
  }

 private:
  sqlite3* db_;
  std::string path_;
  bool ok_;
  bool done_ = false;
};

std::int64_t wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Empty when the file is usable as an audit log, else why not.
std::optional<std::string> check_file(sqlite3* db) {
  Stmt app(db, "PRAGMA application_id");
  if (!app.ok() || app.step() != SQLITE_ROW) return std::string(sqlite3_errmsg(db));
  int id = sqlite3_column_int(app.get(), 0);
  Stmt tables(db, "SELECT count(*) FROM sqlite_master");
  if (!tables.ok() || tables.step() != SQLITE_ROW) return std::string(sqlite3_errmsg(db));
  int n = sqlite3_column_int(tables.get(), 0);
  if (n == 0 && id == 0) return std::nullopt;  // new, empty file
  if (id != kApplicationId) return std::string("not an audit log (application_id differs)");
  Stmt qc(db, "PRAGMA quick_check");
  if (!qc.ok() || qc.step() != SQLITE_ROW) return std::string(sqlite3_errmsg(db));
  auto* res = reinterpret_cast<const char*>(sqlite3_column_text(qc.get(), 0));
  if (!res || std::string_view(res) != "ok")
    return "fails SQLite's check: " + std::string(res ? res : "?");
  return std::nullopt;
}

Result<sqlite3*, AuditError> open_db(const std::string& path, bool read_only,
                                     std::string* unusable) {
  sqlite3* db = nullptr;
  // Even a reader opens read-write (never creating): after a power cut the file may have a hot
  // journal, which SQLite must roll back before anyone can read a consistent log.
  int flags = read_only ? SQLITE_OPEN_READWRITE : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    AuditError e = error(db, path, path + ": cannot open the audit log");
    sqlite3_close(db);
    return Unexpected{e};
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  if (auto why = check_file(db)) {
    sqlite3_close(db);
    if (unusable) *unusable = *why;
    return Unexpected{AuditError{AuditError::Kind::kCorrupt, path + ": " + *why}};
  }
  if (read_only) return db;
  std::string init = "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; BEGIN IMMEDIATE;" +
                     std::string(kSchema) +
                     "PRAGMA application_id=" + std::to_string(kApplicationId) +
                     "; PRAGMA user_version=" + std::to_string(kSchemaVersion) + "; COMMIT;";
  if (exec(db, init.c_str()) != SQLITE_OK) {
    AuditError e = error(db, path, path + ": cannot create the audit log");
    exec(db, "ROLLBACK");
    sqlite3_close(db);
    return Unexpected{e};
  }
  return db;
}

Hash column_hash(sqlite3_stmt* s, int col) {
  Hash h{};
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, col));
  int n = sqlite3_column_bytes(s, col);
  if (p && n == static_cast<int>(h.size())) std::copy(p, p + n, h.begin());
  return h;
}

std::string column_text(sqlite3_stmt* s, int col) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : "";
}

}  // namespace

Result<std::unique_ptr<AuditLog>, AuditError> AuditLog::open(const std::string& path,
                                                             std::string kiosk_id, std::int64_t now,
                                                             OpenReport* report) {
  OpenReport local;
  OpenReport& rep = report ? *report : local;
  std::string unusable;
  auto db = open_db(path, false, &unusable);
  std::string set_aside;
  if (!db) {
    if (unusable.empty()) return Unexpected{db.error()};
    namespace fs = std::filesystem;
    std::string aside = path + ".corrupt-" + std::to_string(wall_clock());
    for (int n = 1; fs::exists(aside); ++n)
      aside = path + ".corrupt-" + std::to_string(wall_clock()) + "." + std::to_string(n);
    std::error_code ec;
    fs::rename(path, aside, ec);
    if (ec)
      return Unexpected{
          AuditError{AuditError::Kind::kCorrupt,
                     path + ": " + unusable + "; cannot set it aside: " + ec.message()}};
    if (fs::exists(path + "-journal")) fs::rename(path + "-journal", aside + "-journal", ec);
    set_aside = "previous audit log unusable (" + unusable + "), set aside as " + aside;
    rep.notices.push_back(path + ": " + set_aside);
    db = open_db(path, false, nullptr);
    if (!db) return Unexpected{db.error()};
  }
  std::unique_ptr<AuditLog> log(new AuditLog(*db, path, std::move(kiosk_id)));
  auto chain = log->check();
  if (!chain) return Unexpected{chain.error()};
  rep.chain = *chain;
  if (!set_aside.empty()) {
    Record seg;
    seg.kind = RecordKind::kSegment;
    seg.time = now;
    seg.break_at = 0;
    seg.note = set_aside;
    auto r = log->append(std::move(seg));
    if (!r) return Unexpected{r.error()};
  }
  for (const auto& b : chain->unacknowledged()) {
    Record seg;
    seg.kind = RecordKind::kSegment;
    seg.time = now;
    seg.break_at = b.seq;
    seg.note = "chain broken at record " + std::to_string(b.seq) + ": " + b.reason;
    std::string note = seg.note;
    auto r = log->append(std::move(seg));
    if (!r) return Unexpected{r.error()};
    rep.notices.push_back(path + ": " + note + "; a new segment starts at record " +
                          std::to_string(r->seq));
  }
  return log;
}

Result<std::unique_ptr<AuditLog>, AuditError> AuditLog::open_read_only(const std::string& path) {
  if (!std::filesystem::exists(path))
    return Unexpected{AuditError{AuditError::Kind::kIo, path + ": no audit log there"}};
  auto db = open_db(path, true, nullptr);
  if (!db) return Unexpected{db.error()};
  return std::unique_ptr<AuditLog>(new AuditLog(*db, path, ""));
}

AuditLog::~AuditLog() {
  sqlite3_close(db_);
}

Result<Record, AuditError> AuditLog::append(Record r) {
  Transaction tx(db_, path_);
  if (!tx.ok()) return Unexpected{error(db_, path_, path_ + ": cannot start an append")};
  auto stored = append_locked(std::move(r));
  if (!stored) return stored;
  AuditError err;
  if (!tx.commit(path_ + ": cannot commit the record", &err)) return Unexpected{err};
  return stored;
}

Result<Record, AuditError> AuditLog::append_locked(Record r) {
  std::uint64_t last_seq = 0;
  std::string prev = genesis_prev();
  {
    Stmt s(db_, "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1");
    if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the last record")};
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      last_seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
      prev = to_hex(column_hash(s.get(), 1));
    } else if (rc != SQLITE_DONE) {
      return Unexpected{error(db_, path_, path_ + ": cannot read the last record")};
    }
  }
  r.seq = last_seq + 1;
  r.prev = prev;
  if (r.kiosk.empty()) r.kiosk = kiosk_;
  std::string text = body(r);
  Hash h = record_hash(text);
  Stmt ins(db_, "INSERT INTO records(seq, time, kind, outcome, body, hash) VALUES(?,?,?,?,?,?)");
  if (!ins.ok()) return Unexpected{error(db_, path_, path_ + ": cannot prepare the append")};
  sqlite3_bind_int64(ins.get(), 1, static_cast<sqlite3_int64>(r.seq));
  sqlite3_bind_int64(ins.get(), 2, r.time);
  std::string kind(name(r.kind));
  sqlite3_bind_text(ins.get(), 3, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ins.get(), 4, r.outcome.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ins.get(), 5, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(ins.get(), 6, h.data(), static_cast<int>(h.size()), SQLITE_TRANSIENT);
  if (ins.step() != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot append")};
  return r;
}

Result<std::uint64_t, AuditError> AuditLog::purge_before(std::int64_t cutoff, std::int64_t now) {
  Transaction tx(db_, path_);
  if (!tx.ok()) return Unexpected{error(db_, path_, path_ + ": cannot start a purge")};
  // The purged records are a contiguous prefix: up to the first record at or after the cutoff.
  std::uint64_t through = 0;
  {
    Stmt s(db_,
           "SELECT coalesce((SELECT min(seq) - 1 FROM records WHERE time >= ?),"
           " (SELECT max(seq) FROM records), 0)");
    sqlite3_bind_int64(s.get(), 1, cutoff);
    if (!s.ok() || s.step() != SQLITE_ROW) return Unexpected{error(db_, path_, path_ + ": purge")};
    through = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
  }
  Hash last{};
  std::uint64_t removed = 0;
  {
    Stmt s(db_,
           "SELECT hash, (SELECT count(*) FROM records WHERE seq <= ?1) FROM records "
           "WHERE seq = ?1");
    sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(through));
    int rc = s.step();
    if (rc == SQLITE_DONE) return std::uint64_t{0};  // nothing that old
    if (rc != SQLITE_ROW) return Unexpected{error(db_, path_, path_ + ": purge")};
    last = column_hash(s.get(), 0);
    removed = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1));
  }
  std::string del = "INSERT INTO purge_permit VALUES(1); DELETE FROM records WHERE seq <= " +
                    std::to_string(through) + "; DELETE FROM purge_permit;";
  if (exec(db_, del.c_str()) != SQLITE_OK) return Unexpected{error(db_, path_, path_ + ": purge")};
  Record anchor;
  anchor.kind = RecordKind::kPurge;
  anchor.time = now;
  anchor.purged_through = through;
  anchor.purged_hash = to_hex(last);
  auto stored = append_locked(std::move(anchor));
  if (!stored) return Unexpected{stored.error()};
  AuditError err;
  if (!tx.commit(path_ + ": cannot commit the purge", &err)) return Unexpected{err};
  return removed;
}

Result<bool, AuditError> AuditLog::for_each(std::uint64_t from_seq,
                                            const std::function<void(const StoredRecord&)>& fn) {
  Stmt s(db_, "SELECT seq, body, hash FROM records WHERE seq >= ? ORDER BY seq");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the records")};
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(from_seq));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredRecord r;
    r.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    r.body = column_text(s.get(), 1);
    r.hash = column_hash(s.get(), 2);
    fn(r);
  }
  if (rc != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot read the records")};
  return true;
}

Result<ChainReport, AuditError> AuditLog::check() {
  ChainChecker checker;
  auto r = for_each(0, [&](const StoredRecord& rec) { checker.feed(rec); });
  if (!r) return Unexpected{r.error()};
  return checker.finish();
}

Result<std::map<std::string, std::uint64_t>, AuditError> AuditLog::outcome_counts(
    std::int64_t since) {
  Stmt s(db_,
         "SELECT outcome, count(*) FROM records WHERE kind = 'verdict' AND time >= ? "
         "GROUP BY outcome");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot count")};
  sqlite3_bind_int64(s.get(), 1, since);
  std::map<std::string, std::uint64_t> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out[column_text(s.get(), 0)] = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1));
  if (rc != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot count")};
  return out;
}

Result<std::int64_t, AuditError> AuditLog::newest_time() {
  Stmt s(db_, "SELECT coalesce(max(time), 0) FROM records");
  if (!s.ok() || s.step() != SQLITE_ROW)
    return Unexpected{error(db_, path_, path_ + ": newest time")};
  return static_cast<std::int64_t>(sqlite3_column_int64(s.get(), 0));
}

Record verdict_record(const Verdict& v, std::string_view channel, std::int64_t time,
                      const HashKey& key) {
  Record r;
  r.kind = RecordKind::kVerdict;
  r.time = time;
  r.channel = std::string(channel);
  r.document = std::string(name(v.document));
  r.outcome = std::string(name(v.outcome));
  for (Reason reason : v.reasons)
    r.reasons.emplace_back(name(reason));
  if (v.issuer_kid) r.issuer_kid = to_hex(*v.issuer_kid);
  r.cti_hash = cti_hash(key, v.cti);
  return r;
}

}  // namespace kiosk::audit
