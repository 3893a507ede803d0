#include "keys/store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "app/zlib_codec.h"

namespace kiosk::keys {
namespace {

constexpr int kApplicationId = 0x4B545331;  // "KTS1"
// Version 2 (spec 1.1): a status list lifts the time floor no further than its `installed_at`;
// a version 1 store is migrated on opening (see migrate_v1).
constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS keyset (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cose BLOB NOT NULL,
  installed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS status (
  iss TEXT PRIMARY KEY,
  cose BLOB NOT NULL,
  installed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql";

std::string errmsg(sqlite3* db, const std::string& what) {
  return what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

/// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }
  int step() { return sqlite3_step(s_); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

int exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

/// Integer result of a one-row query, or nullopt on any failure.
std::optional<std::int64_t> query_int(sqlite3* db, const char* sql) {
  Stmt s(db, sql);
  if (!s.ok() || s.step() != SQLITE_ROW) return std::nullopt;
  return sqlite3_column_int64(s.get(), 0);
}

/// Why the file at `db` cannot be used as a trust store, or nullopt when it can.
std::optional<std::string> check_store(sqlite3* db) {
  auto app = query_int(db, "PRAGMA application_id");
  auto ver = query_int(db, "PRAGMA user_version");
  auto tables = query_int(db, "SELECT count(*) FROM sqlite_schema");
  if (!app || !ver || !tables)
    return "not an SQLite database (" + std::string(sqlite3_errmsg(db)) + ")";
  bool fresh = *app == 0 && *ver == 0 && *tables == 0;
  if (!fresh && (*app != kApplicationId || *ver < 1 || *ver > kSchemaVersion)) {
    return "not a kiosk trust store (application id or schema version differs)";
  }
  Stmt s(db, "PRAGMA quick_check");
  if (!s.ok() || s.step() != SQLITE_ROW) return "integrity check failed to run";
  auto* res = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
  if (!res || std::string_view(res) != "ok")
    return std::string("integrity check: ") + (res ? res : "?");
  return std::nullopt;
}

bool migrate_v1(sqlite3* db);

Result<sqlite3*, StoreError> open_and_init(const std::string& path, std::string* why_unusable) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string m = errmsg(db, path + ": cannot open the trust store");
    sqlite3_close(db);
    return Unexpected{StoreError{m}};
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  if (auto why = check_store(db)) {
    sqlite3_close(db);
    *why_unusable = *why;
    return Unexpected{StoreError{path + ": " + *why}};
  }
  if (exec(db, "PRAGMA journal_mode=DELETE") != SQLITE_OK ||
      exec(db, "PRAGMA synchronous=FULL") != SQLITE_OK) {
    std::string m = errmsg(db, path + ": cannot prepare the trust store");
    sqlite3_close(db);
    return Unexpected{StoreError{m}};
  }
  // A fresh file gets the schema and its identity in one transaction; an existing store is not
  // written to at all by opening it.
  if (query_int(db, "PRAGMA application_id").value_or(0) != kApplicationId) {
    std::string init = std::string("BEGIN IMMEDIATE;") + kSchema +
                       "PRAGMA application_id=" + std::to_string(kApplicationId) +
                       "; PRAGMA user_version=" + std::to_string(kSchemaVersion) + "; COMMIT;";
    if (exec(db, init.c_str()) != SQLITE_OK) {
      std::string m = errmsg(db, path + ": cannot create the trust store schema");
      exec(db, "ROLLBACK");
      sqlite3_close(db);
      return Unexpected{StoreError{m}};
    }
  } else if (query_int(db, "PRAGMA user_version").value_or(0) == 1 && !migrate_v1(db)) {
    std::string m = errmsg(db, path + ": cannot migrate the trust store to version 2");
    sqlite3_close(db);
    return Unexpected{StoreError{m}};
  }
  return db;
}

/// Ends a transaction on scope exit unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { ok_ = exec(db, "BEGIN IMMEDIATE") == SQLITE_OK; }
  ~Transaction() {
    if (ok_ && !done_) exec(db_, "ROLLBACK");
  }
  bool ok() const { return ok_; }
  bool commit() {
    done_ = true;
    return exec(db_, "COMMIT") == SQLITE_OK;
  }

 private:
  sqlite3* db_;
  bool ok_;
  bool done_ = false;
};

std::int64_t wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Bytes column_blob(sqlite3_stmt* s, int col) {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, col));
  int n = sqlite3_column_bytes(s, col);
  return p ? Bytes(p, p + n) : Bytes{};
}

std::int64_t clamp64(std::uint64_t v) {
  return v > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(v);
}

/// Version 1 raised the stored floor to a status list's `iat` even when it lay in the future. A
/// stored floor that equals such an uncapped `iat` (and no longer agrees with the capped one) is
/// brought down to what the installed material vouches for under version 1.1; any other stored
/// floor (an audit record's time, a bundle's `iat`) stays. One transaction with the version bump.
bool migrate_v1(sqlite3* db) {
  std::string sql = R"sql(
BEGIN IMMEDIATE;
UPDATE meta SET value = max(
    coalesce((SELECT max(min(s.iat, s.installed_at)) FROM v1_status AS s), 0),
    coalesce((SELECT value FROM v1_keyset_iat), 0))
  WHERE key = 'time_floor'
    AND value IN (SELECT iat FROM v1_status WHERE iat > installed_at);
)sql";
  // The iat of each stored list and of the bundle are inside COSE payloads: read them here.
  if (exec(db,
           "CREATE TEMP TABLE v1_status (iat INTEGER, installed_at INTEGER);"
           "CREATE TEMP TABLE v1_keyset_iat (value INTEGER);") != SQLITE_OK)
    return false;
  {
    Stmt s(db, "SELECT cose, installed_at FROM status");
    Stmt ins(db, "INSERT INTO v1_status VALUES (?, ?)");
    if (!s.ok() || !ins.ok()) return false;
    while (s.step() == SQLITE_ROW) {
      Bytes cose_bytes = column_blob(s.get(), 0);
      auto msg = cose::parse_sign1(cose_bytes);
      if (!msg) continue;
      auto list = parse_status_payload(msg->payload);
      if (!list) continue;
      sqlite3_reset(ins.get());
      sqlite3_bind_int64(ins.get(), 1, clamp64(list->iat));
      sqlite3_bind_int64(ins.get(), 2, sqlite3_column_int64(s.get(), 1));
      if (ins.step() != SQLITE_DONE) return false;
    }
  }
  {
    Stmt s(db, "SELECT cose FROM keyset WHERE id = 1");
    Stmt ins(db, "INSERT INTO v1_keyset_iat VALUES (?)");
    if (!s.ok() || !ins.ok()) return false;
    if (s.step() == SQLITE_ROW) {
      Bytes cose_bytes = column_blob(s.get(), 0);
      auto msg = cose::parse_sign1(cose_bytes);
      auto ks = msg ? parse_keyset_payload(msg->payload) : std::nullopt;
      if (ks) {
        sqlite3_bind_int64(ins.get(), 1, clamp64(ks->iat));
        if (ins.step() != SQLITE_DONE) return false;
      }
    }
  }
  sql += "PRAGMA user_version=" + std::to_string(kSchemaVersion) + "; COMMIT;";
  bool ok = exec(db, sql.c_str()) == SQLITE_OK;
  if (!ok) exec(db, "ROLLBACK");
  exec(db, "DROP TABLE temp.v1_status; DROP TABLE temp.v1_keyset_iat;");
  return ok;
}

}  // namespace

Result<std::unique_ptr<TrustStore>, StoreError> TrustStore::open(const std::string& path,
                                                                 std::string* notice) {
  std::string why;
  auto db = open_and_init(path, &why);
  if (db) return std::unique_ptr<TrustStore>(new TrustStore(*db, path));
  if (why.empty()) return Unexpected{db.error()};
  // Unusable contents: set the file aside whole (with its journal) and start a fresh store.
  namespace fs = std::filesystem;
  std::string aside = path + ".corrupt-" + std::to_string(wall_clock());
  for (int n = 1; fs::exists(aside); ++n) {
    aside = path + ".corrupt-" + std::to_string(wall_clock()) + "." + std::to_string(n);
  }
  std::error_code ec;
  fs::rename(path, aside, ec);
  if (ec)
    return Unexpected{StoreError{path + ": " + why + "; cannot set it aside: " + ec.message()}};
  if (fs::exists(path + "-journal")) fs::rename(path + "-journal", aside + "-journal", ec);
  if (notice) *notice = path + ": " + why + "; set aside as " + aside + ", starting an empty store";
  std::string why2;
  auto fresh = open_and_init(path, &why2);
  if (!fresh) return Unexpected{fresh.error()};
  return std::unique_ptr<TrustStore>(new TrustStore(*fresh, path));
}

TrustStore::~TrustStore() {
  sqlite3_close(db_);
}

Result<InstalledTrust, StoreError> TrustStore::load_installed() {
  InstalledTrust cur;
  {
    Stmt s(db_, "SELECT cose FROM keyset WHERE id = 1");
    if (!s.ok()) return Unexpected{StoreError{errmsg(db_, path_ + ": read key set")}};
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      cur.keyset_cose = column_blob(s.get(), 0);
      auto msg = cose::parse_sign1(cur.keyset_cose);
      if (msg) cur.keyset = parse_keyset_payload(msg->payload);
      if (!cur.keyset) return Unexpected{StoreError{path_ + ": stored key set does not parse"}};
    } else if (rc != SQLITE_DONE) {
      return Unexpected{StoreError{errmsg(db_, path_ + ": read key set")}};
    }
  }
  Stmt s(db_, "SELECT iss, cose FROM status");
  if (!s.ok()) return Unexpected{StoreError{errmsg(db_, path_ + ": read status lists")}};
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto* iss = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    Bytes cose_bytes = column_blob(s.get(), 1);
    auto msg = cose::parse_sign1(cose_bytes);
    if (!msg || !iss) continue;
    auto m = cbor::decode_bounded(msg->payload, trust_item_budget(msg->payload.size()));
    const cbor::Item* seq = m ? m->find(2) : nullptr;
    if (!seq || !seq->is_uint()) continue;
    cur.status.emplace(iss, std::make_pair(seq->value, std::move(cose_bytes)));
  }
  if (rc != SQLITE_DONE) return Unexpected{StoreError{errmsg(db_, path_ + ": read status lists")}};
  return cur;
}

Result<InstallResult, StoreError> TrustStore::install(ByteView file, const Anchors& anchors,
                                                      std::int64_t now) {
  Transaction tx(db_);
  if (!tx.ok()) return Unexpected{StoreError{errmsg(db_, path_ + ": begin install")}};
  auto cur = load_installed();
  if (!cur) return Unexpected{cur.error()};
  InstallDecision d = decide_install(file, anchors, *cur, now);
  if (d.result != InstallResult::kInstalled) return d.result;

  std::uint64_t iat;
  if (d.keyset) {
    Stmt s(db_, "INSERT OR REPLACE INTO keyset (id, cose, installed_at) VALUES (1, ?, ?)");
    sqlite3_bind_blob(s.get(), 1, file.data(), static_cast<int>(file.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s.get(), 2, now);
    if (!s.ok() || s.step() != SQLITE_DONE)
      return Unexpected{StoreError{errmsg(db_, path_ + ": write key set")}};
    iat = d.keyset->iat;
  } else {
    Stmt s(db_, "INSERT OR REPLACE INTO status (iss, cose, installed_at) VALUES (?, ?, ?)");
    sqlite3_bind_text(s.get(), 1, d.status->iss.data(), static_cast<int>(d.status->iss.size()),
                      SQLITE_STATIC);
    sqlite3_bind_blob(s.get(), 2, file.data(), static_cast<int>(file.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s.get(), 3, now);
    if (!s.ok() || s.step() != SQLITE_DONE)
      return Unexpected{StoreError{errmsg(db_, path_ + ": write status list")}};
    // Version 1.1: a list dated in the future lifts the floor no further than the install time.
    iat = std::min(d.status->iat, static_cast<std::uint64_t>(std::max<std::int64_t>(now, 0)));
  }
  {
    Stmt s(db_,
           "INSERT INTO meta (key, value) VALUES ('time_floor', ?) "
           "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)");
    sqlite3_bind_int64(s.get(), 1, clamp64(iat));
    if (!s.ok() || s.step() != SQLITE_DONE)
      return Unexpected{StoreError{errmsg(db_, path_ + ": write time floor")}};
  }
  if (!tx.commit()) return Unexpected{StoreError{errmsg(db_, path_ + ": commit install")}};
  return InstallResult::kInstalled;
}

Result<bool, StoreError> TrustStore::raise_time_floor(std::int64_t t) {
  Stmt s(db_,
         "INSERT INTO meta (key, value) VALUES ('time_floor', ?) "
         "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)");
  sqlite3_bind_int64(s.get(), 1, t);
  if (!s.ok() || s.step() != SQLITE_DONE)
    return Unexpected{StoreError{errmsg(db_, path_ + ": write time floor")}};
  return true;
}

Result<TrustSnapshot, StoreError> TrustStore::snapshot() {
  Transaction tx(db_);  // one consistent read
  if (!tx.ok()) return Unexpected{StoreError{errmsg(db_, path_ + ": begin read")}};
  auto cur = load_installed();
  if (!cur) return Unexpected{cur.error()};
  TrustSnapshot snap;
  snap.keyset = std::move(cur->keyset);
  if (snap.keyset) snap.time_floor = clamp64(snap.keyset->iat);
  if (auto floor = query_int(db_, "SELECT value FROM meta WHERE key = 'time_floor'")) {
    snap.time_floor = std::max(snap.time_floor, *floor);
  }
  if (!snap.keyset)
    return snap;  // lists cannot be trusted without the bundle that vouches for them
  std::map<std::string, std::int64_t, std::less<>> installed_at;
  {
    Stmt s(db_, "SELECT iss, installed_at FROM status");
    if (!s.ok()) return Unexpected{StoreError{errmsg(db_, path_ + ": read status lists")}};
    while (s.step() == SQLITE_ROW) {
      auto* iss = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
      if (iss) installed_at[iss] = sqlite3_column_int64(s.get(), 1);
    }
  }
  for (auto& [iss, entry] : cur->status) {
    auto msg = cose::parse_sign1(entry.second);
    if (!msg || !msg->kid) continue;
    const IssuerKey* key = snap.keyset->find(*msg->kid);
    if (!key || key->iss != iss || !cose::verify(*msg, key->pub)) continue;
    auto list = parse_status_payload(msg->payload);
    if (!list) continue;
    // Version 1.1: each list's iat counts capped at the kiosk's now when it was installed.
    auto at = installed_at.find(iss);
    std::int64_t cap = at == installed_at.end() ? 0 : at->second;
    snap.time_floor = std::max(snap.time_floor, std::min(clamp64(list->iat), cap));
    snap.status.emplace(iss, std::move(*list));
  }
  return snap;
}

}  // namespace kiosk::keys
