#include "firmware/auth/officer_store.h"

#include <sqlite3.h>

#include "firmware/auth/password.h"
#include "keys/store.h"

namespace kiosk::auth {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS officers (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
  hash TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created INTEGER NOT NULL,
  last_signin INTEGER
);
)sql";

/// A prepared statement with its parameters bound in order, finalized on scope exit.
class Query {
 public:
  Query(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == 0; }
  ~Query() { sqlite3_finalize(s_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& bind(std::string_view v) {
    if (ok_)
      ok_ = sqlite3_bind_text(s_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) ==
            SQLITE_OK;
    return *this;
  }
  Query& bind(std::int64_t v) {
    if (ok_) ok_ = sqlite3_bind_int64(s_, ++n_, v) == SQLITE_OK;
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code (SQLITE_ERROR when preparing or binding failed).
  int step() { return ok_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  std::string text(int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? p : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(s_, col); }
  bool null(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
  int n_ = 0;
};

Unexpected<OfficerError> storage(sqlite3* db, const std::string& what) {
  return Unexpected{OfficerError{OfficerError::Kind::kStorage,
                                 what + ": " + (db ? sqlite3_errmsg(db) : "out of memory")}};
}

Unexpected<OfficerError> invalid(const std::string& why) {
  return Unexpected{OfficerError{OfficerError::Kind::kInvalid, why}};
}

Unexpected<OfficerError> unknown(std::string_view name) {
  return Unexpected{
      OfficerError{OfficerError::Kind::kUnknown, "no officer '" + std::string(name) + "'"}};
}

Officer row_officer(Query& q) {
  Officer o;
  o.name = q.text(0);
  o.role = parse_role(q.text(1)).value_or(Role::kOfficer);
  o.enabled = q.integer(2) != 0;
  o.created = q.integer(3);
  if (!q.null(4)) o.last_signin = q.integer(4);
  return o;
}

}  // namespace

std::string_view name(Role r) {
  return r == Role::kSupervisor ? "supervisor" : "officer";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "officer") return Role::kOfficer;
  if (s == "supervisor") return Role::kSupervisor;
  return std::nullopt;
}

bool valid_officer_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::unique_ptr<OfficerStore>, OfficerError> OfficerStore::open(const std::string& path) {
  // The trust store owns the file's identity (application id, schema version, set-aside of a
  // corrupt file); opening it first means a fresh file becomes a kiosk store, not a foreign one.
  {
    auto trust = keys::TrustStore::open(path);
    if (!trust)
      return Unexpected{OfficerError{OfficerError::Kind::kStorage, trust.error().message}};
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    auto e = storage(db, path + ": cannot open");
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto e = storage(db, path + ": cannot create the officers table");
    sqlite3_close(db);
    return e;
  }
  return std::unique_ptr<OfficerStore>(new OfficerStore(db, path));
}

OfficerStore::~OfficerStore() {
  sqlite3_close(db_);
}

Result<Officer, OfficerError> OfficerStore::add(std::string_view name, Role role,
                                                std::string_view password, std::int64_t now) {
  if (!valid_officer_name(name)) return invalid("a name is 1 to 32 of A-Z a-z 0-9 . _ -");
  if (auto why = password_problem(password)) return invalid("password " + *why);
  auto hash = hash_password(password);
  if (!hash) return invalid("cannot hash the password (out of memory)");
  Query q(db_,
          "INSERT INTO officers(name, role, hash, enabled, created) VALUES (?, ?, ?, 1, ?) "
          "ON CONFLICT(name) DO NOTHING");
  q.bind(name).bind(auth::name(role)).bind(*hash).bind(now);
  if (q.step() != SQLITE_DONE) return storage(db_, path_ + ": add officer");
  if (sqlite3_changes(db_) == 0)
    return Unexpected{OfficerError{OfficerError::Kind::kExists,
                                   "officer '" + std::string(name) + "' already exists"}};
  return Officer{std::string(name), role, true, now, std::nullopt};
}

Result<bool, OfficerError> OfficerStore::set_password(std::string_view name,
                                                      std::string_view password) {
  if (auto why = password_problem(password)) return invalid("password " + *why);
  auto hash = hash_password(password);
  if (!hash) return invalid("cannot hash the password (out of memory)");
  Query q(db_, "UPDATE officers SET hash = ?, enabled = 1 WHERE name = ?");
  q.bind(*hash).bind(name);
  if (q.step() != SQLITE_DONE) return storage(db_, path_ + ": set password");
  if (sqlite3_changes(db_) == 0) return unknown(name);
  return true;
}

Result<bool, OfficerError> OfficerStore::disable(std::string_view name) {
  Query q(db_, "UPDATE officers SET enabled = 0 WHERE name = ?");
  q.bind(name);
  if (q.step() != SQLITE_DONE) return storage(db_, path_ + ": disable officer");
  if (sqlite3_changes(db_) == 0) return unknown(name);
  return true;
}

Result<std::vector<Officer>, OfficerError> OfficerStore::list() {
  Query q(db_, "SELECT name, role, enabled, created, last_signin FROM officers ORDER BY name");
  std::vector<Officer> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(row_officer(q));
  if (rc != SQLITE_DONE) return storage(db_, path_ + ": list officers");
  return out;
}

Result<std::optional<std::pair<Officer, std::string>>, OfficerError> OfficerStore::find(
    std::string_view name) {
  Query q(db_,
          "SELECT name, role, enabled, created, last_signin, hash FROM officers WHERE name = ?");
  q.bind(name);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<std::pair<Officer, std::string>>{};
  if (rc != SQLITE_ROW) return storage(db_, path_ + ": find officer");
  return std::optional{std::pair{row_officer(q), q.text(5)}};
}

Result<std::optional<Officer>, OfficerError> OfficerStore::check(std::string_view name,
                                                                 std::string_view password,
                                                                 std::int64_t now) {
  std::optional<std::pair<Officer, std::string>> found;
  if (valid_officer_name(name) && password.size() <= kPasswordMax) {
    auto f = find(name);
    if (!f) return Unexpected{f.error()};
    found = std::move(*f);
  }
  // Always one Argon2id verification, so that timing does not tell which names exist.
  bool match = verify_password(found ? found->second : decoy_hash(), password);
  if (!found || !match || !found->first.enabled) return std::optional<Officer>{};
  Query q(db_, "UPDATE officers SET last_signin = ? WHERE name = ?");
  q.bind(now).bind(name);
  if (q.step() != SQLITE_DONE) return storage(db_, path_ + ": record sign-in");
  found->first.last_signin = now;
  return std::optional<Officer>{found->first};
}

}  // namespace kiosk::auth
