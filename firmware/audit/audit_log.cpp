#include "firmware/audit/audit_log.h"

#include <sodium.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "app/bytes.h"
#include "firmware/audit/seal.h"

namespace kiosk::audit {
namespace {

constexpr int kApplicationId = 0x4b41554c;  // "KAUL"
constexpr int kSchemaVersion = 2;           // 2: seals and checkpoints (format 1 migrates in place)
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
CREATE TABLE IF NOT EXISTS seals(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  first INTEGER NOT NULL,
  last INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  mac BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS seals_kind ON seals(kind, id);
CREATE TRIGGER IF NOT EXISTS seals_no_update BEFORE UPDATE ON seals
BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;
CREATE TRIGGER IF NOT EXISTS seals_no_delete BEFORE DELETE ON seals
WHEN (SELECT count(*) FROM purge_permit) = 0
BEGIN SELECT RAISE(ABORT, 'audit seals are removed only by a retention purge'); END;
)";

/// A purge may not remove records younger than this (a purge record claiming otherwise is a
/// finding of `audit verify`).
constexpr std::int64_t kMinRetention = 86400;

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
  Stmt uv(db, "PRAGMA user_version");
  if (!uv.ok() || uv.step() != SQLITE_ROW) return std::string(sqlite3_errmsg(db));
  if (sqlite3_column_int(uv.get(), 0) > kSchemaVersion)
    return std::string("written by a newer kiosk (format ") +
           std::to_string(sqlite3_column_int(uv.get(), 0)) + ")";
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

std::string seal_key_path(const std::string& log_path, const std::string& key_dir) {
  if (!key_dir.empty()) return key_dir + "/audit-seal.key";
  auto slash = log_path.rfind('/');
  return (slash == std::string::npos ? std::string(".") : log_path.substr(0, slash)) +
         "/audit-seal.key";
}

namespace {

/// Renames `path` (and its journal) to `path.SUFFIX-TIME[.N]`; returns the new name or the error.
Result<std::string, std::string> set_aside(const std::string& path, const std::string& suffix) {
  namespace fs = std::filesystem;
  std::string aside = path + "." + suffix + "-" + std::to_string(wall_clock());
  for (int n = 1; fs::exists(aside); ++n)
    aside = path + "." + suffix + "-" + std::to_string(wall_clock()) + "." + std::to_string(n);
  std::error_code ec;
  fs::rename(path, aside, ec);
  if (ec) return Unexpected{ec.message()};
  if (fs::exists(path + "-journal")) fs::rename(path + "-journal", aside + "-journal", ec);
  return aside;
}

}  // namespace

Result<std::unique_ptr<AuditLog>, AuditError> AuditLog::open(const std::string& path,
                                                             std::string kiosk_id, std::int64_t now,
                                                             OpenReport* report,
                                                             const SealOptions& options) {
  namespace fs = std::filesystem;
  OpenReport local;
  OpenReport& rep = report ? *report : local;
  // The sealing key first: when it has sealed an epoch, a log must exist.
  std::string key_path = seal_key_path(path, options.key_dir);
  bool key_missing = false;
  auto key = SealKeyFile::open(key_path, &key_missing);
  if (!key && !key_missing) return Unexpected{AuditError{AuditError::Kind::kCorrupt, key.error()}};
  bool log_expected = key && (*key)->next() > 0;
  std::vector<std::string> alarms;
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  bool exists = !ec && fs::exists(status);
  if (log_expected && (!exists || (fs::is_regular_file(status) && fs::file_size(path, ec) == 0))) {
    std::string what = exists ? "audit log is empty (0 bytes)" : "audit log is missing";
    if (exists) {
      auto aside = set_aside(path, "empty");
      if (!aside) return Unexpected{AuditError{AuditError::Kind::kIo, path + ": " + *aside}};
      what += ", set aside as " + *aside;
    }
    alarms.push_back(what + ", yet the sealing key has sealed " + std::to_string((*key)->next()) +
                     " epochs: every earlier record is lost; a new log starts in alarm");
  }
  std::string unusable;
  auto db = open_db(path, false, &unusable);
  if (!db) {
    if (unusable.empty() || unusable.rfind("written by a newer", 0) == 0)
      return Unexpected{db.error()};
    auto aside = set_aside(path, "corrupt");
    if (!aside)
      return Unexpected{
          AuditError{AuditError::Kind::kCorrupt,
                     path + ": " + unusable + "; cannot set it aside: " + aside.error()}};
    alarms.push_back("previous audit log unusable (" + unusable + "), set aside as " + *aside);
    db = open_db(path, false, nullptr);
    if (!db) return Unexpected{db.error()};
  }
  std::unique_ptr<AuditLog> log(new AuditLog(*db, path, std::move(kiosk_id)));
  if (key) log->key_ = std::move(*key);
  auto chain = log->check();
  if (!chain) return Unexpected{chain.error()};
  rep.chain = *chain;
  auto sealing = log->start_sealing(now, options, !alarms.empty(), rep, alarms);
  if (!sealing) return Unexpected{sealing.error()};
  for (const auto& a : alarms) {
    auto r = log->alarm(now, a, rep);
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
  auto sealed = log->seal_due(now);
  if (!sealed) return Unexpected{sealed.error()};
  return log;
}

Result<bool, AuditError> AuditLog::alarm(std::int64_t now, const std::string& what,
                                         OpenReport& rep) {
  Record seg;
  seg.kind = RecordKind::kSegment;
  seg.time = now;
  seg.break_at = 0;
  seg.note = "ALARM: " + what;
  auto r = append(std::move(seg));
  if (!r) return Unexpected{r.error()};
  rep.alarms.push_back(what);
  rep.notices.push_back(path_ + ": ALARM: " + what);
  return true;
}

Result<bool, AuditError> AuditLog::start_sealing(std::int64_t now, const SealOptions& options,
                                                 bool alarmed, OpenReport& rep,
                                                 std::vector<std::string>& alarms) {
  // The last closing seal in the log, if any.
  std::optional<std::uint64_t> sealed_through;
  {
    Stmt s(db_, "SELECT last FROM seals WHERE kind IN ('seal','stop') ORDER BY id DESC LIMIT 1");
    if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the seals")};
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      sealed_through = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    } else if (rc != SQLITE_DONE) {
      return Unexpected{error(db_, path_, path_ + ": cannot read the seals")};
    }
  }
  if (!key_) {
    if (sealed_through)
      alarms.push_back("the sealing key is missing though the log holds seals through epoch " +
                       std::to_string(*sealed_through) +
                       ": a new key is made; the old seals verify only with the old key");
    std::string key_path = seal_key_path(path_, options.key_dir);
    AuditorKey vk;
    auto made = SealKeyFile::create(key_path, now < 0 ? 0 : now, options.epoch_seconds, &vk);
    if (!made) return Unexpected{AuditError{AuditError::Kind::kIo, made.error()}};
    key_ = std::move(*made);
    rep.new_verify_key = format_verify_key(vk);
    sodium_memzero(vk.k0.data(), vk.k0.size());
    auto h = head();
    if (!h) return Unexpected{h.error()};
    if (h->first > 0)
      rep.notices.push_back(path_ + ": sealing starts; records 1 to " + std::to_string(h->first) +
                            ", written before it, are covered from the first seal on");
  } else if (sealed_through && *sealed_through + 1 > key_->next()) {
    // A stop between a seal's commit and the key's advance: move the key on (forward only).
    auto adv = key_->advance_to(*sealed_through + 1);
    if (!adv) return Unexpected{AuditError{AuditError::Kind::kIo, adv.error()}};
  } else if (!alarmed && key_->next() > 0 &&
             (!sealed_through || *sealed_through + 1 < key_->next())) {
    std::string found = sealed_through ? "its seals end at epoch " + std::to_string(*sealed_through)
                                       : "it holds no seal";
    alarms.push_back("audit log replaced (an older copy?) or its tail deleted: " + found +
                     " but the sealing key has sealed through epoch " +
                     std::to_string(key_->next() - 1));
  }
  return true;
}

Result<std::pair<std::uint64_t, std::string>, AuditError> AuditLog::head() {
  Stmt s(db_, "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the last record")};
  int rc = s.step();
  if (rc == SQLITE_ROW)
    return std::make_pair(static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0)),
                          to_hex(column_hash(s.get(), 1)));
  if (rc != SQLITE_DONE)
    return Unexpected{error(db_, path_, path_ + ": cannot read the last record")};
  return std::make_pair(std::uint64_t{0}, genesis_prev());
}

Result<std::string, AuditError> AuditLog::insert_seal(const Seal& seal, const SealKey& key) {
  std::string text = seal_body(seal);
  Hash mac = seal_mac(key, text);
  Stmt ins(db_, "INSERT INTO seals(kind, first, last, seq, body, mac) VALUES(?,?,?,?,?,?)");
  if (!ins.ok()) return Unexpected{error(db_, path_, path_ + ": cannot prepare a seal")};
  std::string kind(name(seal.kind));
  sqlite3_bind_text(ins.get(), 1, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(ins.get(), 2, static_cast<sqlite3_int64>(seal.first));
  sqlite3_bind_int64(ins.get(), 3, static_cast<sqlite3_int64>(seal.last));
  sqlite3_bind_int64(ins.get(), 4, static_cast<sqlite3_int64>(seal.seq));
  sqlite3_bind_text(ins.get(), 5, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(ins.get(), 6, mac.data(), static_cast<int>(mac.size()), SQLITE_TRANSIENT);
  if (ins.step() != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot seal")};
  return format_seal_line(text, mac);
}

Result<std::string, AuditError> AuditLog::seal_due(std::int64_t now, bool stop) {
  if (!key_) return std::string();
  std::int64_t e = key_->epoch_of(now);
  std::int64_t through = stop ? e : e - 1;
  if (through < 0 || static_cast<std::uint64_t>(through) < key_->next()) return std::string();
  {
    Transaction tx(db_, path_);
    if (!tx.ok()) return Unexpected{error(db_, path_, path_ + ": cannot start a seal")};
    auto h = head();
    if (!h) return Unexpected{h.error()};
    Seal seal{stop ? SealKind::kStop : SealKind::kSeal,
              kiosk_,
              key_->next(),
              static_cast<std::uint64_t>(through),
              h->first,
              h->second,
              now};
    auto line = insert_seal(seal, key_->key());
    if (!line) return Unexpected{line.error()};
    AuditError err;
    if (!tx.commit(path_ + ": cannot commit a seal", &err)) return Unexpected{err};
    last_line_ = std::move(*line);
  }
  // Only once the seal is durable does the key move on (and the old one is overwritten).
  auto adv = key_->advance_to(static_cast<std::uint64_t>(through) + 1);
  if (!adv) return Unexpected{AuditError{AuditError::Kind::kIo, adv.error()}};
  return last_line_;
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
  auto sealed = seal_due(r.time);
  if (!sealed) return Unexpected{sealed.error()};
  Transaction tx(db_, path_);
  if (!tx.ok()) return Unexpected{error(db_, path_, path_ + ": cannot start an append")};
  auto stored = append_locked(std::move(r));
  if (!stored) return stored;
  std::string line;
  if (key_) {
    // The checkpoint of the new head, in the same transaction: no extra fsync.
    auto h = head();
    if (!h) return Unexpected{h.error()};
    Seal cp{SealKind::kCheckpoint, kiosk_,    key_->next(), key_->next(),
            stored->seq,           h->second, stored->time};
    auto l = insert_seal(cp, key_->key());
    if (!l) return Unexpected{l.error()};
    line = std::move(*l);
  }
  AuditError err;
  if (!tx.commit(path_ + ": cannot commit the record", &err)) return Unexpected{err};
  if (!line.empty()) last_line_ = std::move(line);
  return stored;
}

Result<Record, AuditError> AuditLog::append_locked(Record r) {
  std::uint64_t last_seq = 0;
  std::string prev = genesis_prev();
  if (r.kind == RecordKind::kPurge) {
    // The purge may have removed every record: its anchor follows the last one removed.
    last_seq = r.purged_through;
    prev = r.purged_hash;
  }
  {
    Stmt s(db_, "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1");
    if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the last record")};
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      auto seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
      if (seq >= last_seq) {
        last_seq = seq;
        prev = to_hex(column_hash(s.get(), 1));
      }
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
  if (cutoff > now - kMinRetention)
    return Unexpected{AuditError{AuditError::Kind::kIo,
                                 path_ + ": a purge keeps at least the last day of records"}};
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
  // Seals and checkpoints of the purged records go too, but no seal of an epoch that began at or
  // after the cutoff: the seals that remain stay contiguous from `purged_epochs` on.
  std::string seal_cond = "seq <= " + std::to_string(through);
  if (key_) {
    std::int64_t keep_from = key_->epoch_of(cutoff);
    seal_cond += " AND (kind = 'checkpoint' OR last < " + std::to_string(keep_from) + ")";
  }
  std::string del = "INSERT INTO purge_permit VALUES(1); DELETE FROM records WHERE seq <= " +
                    std::to_string(through) + "; DELETE FROM seals WHERE " + seal_cond +
                    "; DELETE FROM purge_permit;";
  if (exec(db_, del.c_str()) != SQLITE_OK) return Unexpected{error(db_, path_, path_ + ": purge")};
  std::uint64_t purged_epochs = 0;
  {
    Stmt s(db_, "SELECT min(first) FROM seals WHERE kind IN ('seal','stop')");
    if (!s.ok() || s.step() != SQLITE_ROW) return Unexpected{error(db_, path_, path_ + ": purge")};
    if (sqlite3_column_type(s.get(), 0) != SQLITE_NULL)
      purged_epochs = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    else if (key_)
      purged_epochs = key_->next();
  }
  Record anchor;
  anchor.cutoff = cutoff;
  anchor.purged_epochs = purged_epochs;
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
  Stmt s(db_,
         "SELECT seq, body, hash, time, kind, outcome FROM records WHERE seq >= ? ORDER BY seq");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the records")};
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(from_seq));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredRecord r;
    r.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    r.body = column_text(s.get(), 1);
    r.hash = column_hash(s.get(), 2);
    r.has_columns = true;
    r.time = sqlite3_column_int64(s.get(), 3);
    r.kind = column_text(s.get(), 4);
    r.outcome = column_text(s.get(), 5);
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

Result<bool, AuditError> AuditLog::for_each_seal(const std::function<void(const StoredSeal&)>& fn) {
  auto rows = seals_after(-1, 0);
  if (!rows) return Unexpected{rows.error()};
  for (const auto& r : *rows)
    fn(r);
  return true;
}

Result<std::vector<StoredSeal>, AuditError> AuditLog::seals_after(std::int64_t after_id,
                                                                  std::size_t limit) {
  Stmt s(db_,
         "SELECT id, kind, first, last, seq, body, mac FROM seals WHERE id > ? ORDER BY id "
         "LIMIT ?");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the seals")};
  sqlite3_bind_int64(s.get(), 1, after_id);
  sqlite3_bind_int64(s.get(), 2, limit ? static_cast<sqlite3_int64>(limit) : -1);
  std::vector<StoredSeal> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredSeal r;
    r.id = sqlite3_column_int64(s.get(), 0);
    r.kind = column_text(s.get(), 1);
    r.first = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 2));
    r.last = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 3));
    r.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 4));
    r.body = column_text(s.get(), 5);
    r.mac = column_hash(s.get(), 6);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot read the seals")};
  return out;
}

Result<std::vector<StoredRecord>, AuditError> AuditLog::records_after(std::uint64_t after_seq,
                                                                      std::size_t limit) {
  std::vector<StoredRecord> out;
  Stmt s(db_, "SELECT seq, body, hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!s.ok()) return Unexpected{error(db_, path_, path_ + ": cannot read the records")};
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(after_seq));
  sqlite3_bind_int64(s.get(), 2, limit ? static_cast<sqlite3_int64>(limit) : -1);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredRecord r;
    r.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    r.body = column_text(s.get(), 1);
    r.hash = column_hash(s.get(), 2);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Unexpected{error(db_, path_, path_ + ": cannot read the records")};
  return out;
}

Result<std::map<std::string, std::uint64_t>, AuditError> AuditLog::outcome_counts(
    std::int64_t since) {
  // The time column only narrows the scan (through its index); what is counted is read from the
  // hashed body, which `check()` ties to the chain.
  Stmt s(db_,
         "SELECT json_extract(body, '$.outcome'), count(*) FROM records WHERE time >= ?1 "
         "AND json_extract(body, '$.kind') = 'verdict' AND json_extract(body, '$.time') >= ?1 "
         "GROUP BY 1");
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
