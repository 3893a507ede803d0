#include "firmware/kioskd/replay_memory.h"

#include <sodium.h>

namespace kiosk::kioskd {
namespace {

std::string keyed_hash(const std::array<std::uint8_t, 32>& key, const std::uint8_t* data,
                       std::size_t size) {
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), data, size, key.data(), key.size());
  return to_hex(h);
}

}  // namespace

PresentationMemory::PresentationMemory(std::int64_t window) : window_(window) {
  randombytes_buf(key_.data(), key_.size());
}

PresentationMemory::~PresentationMemory() {
  sodium_memzero(key_.data(), key_.size());
}

bool PresentationMemory::seen_elsewhere(std::string_view text, std::uint64_t session,
                                        std::int64_t now) {
  for (auto it = seen_.begin(); it != seen_.end();) {
    if (now - it->second.time > window_ || it->second.time > now)
      it = seen_.erase(it);
    else
      ++it;
  }
  std::string h = keyed_hash(key_, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  auto it = seen_.find(h);
  if (it != seen_.end()) return it->second.session != session;
  if (seen_.size() >= kMaxEntries) {
    auto oldest = seen_.begin();
    for (auto j = seen_.begin(); j != seen_.end(); ++j)
      if (j->second.time < oldest->second.time) oldest = j;
    seen_.erase(oldest);
  }
  seen_.emplace(std::move(h), Seen{now, session});
  return false;
}

CredentialDayMemory::CredentialDayMemory(const std::array<std::uint8_t, 32>& key,
                                         std::vector<DayRow> rows)
    : key_(key) {
  for (auto& r : rows) {
    if (seen_.size() >= kMaxEntries) break;
    std::string h = r.cti_hash;
    seen_.emplace(std::move(h), std::move(r));
  }
}

CredentialDayMemory::~CredentialDayMemory() {
  sodium_memzero(key_.data(), key_.size());
}

bool CredentialDayMemory::seen_elsewhere(ByteView cti, std::string_view session, std::int64_t day,
                                         std::optional<DayRow>* fresh) {
  fresh->reset();
  if (cti.empty()) return false;
  if (day != day_) {
    for (auto it = seen_.begin(); it != seen_.end();)
      it = it->second.day < day ? seen_.erase(it) : std::next(it);
    day_ = day;
  }
  std::string h = keyed_hash(key_, cti.data(), cti.size());
  auto it = seen_.find(h);
  if (it != seen_.end() && it->second.day == day) return it->second.session != session;
  if (it != seen_.end()) seen_.erase(it);  // a later day's row, after the clock went back
  if (seen_.size() >= kMaxEntries) return false;
  DayRow row{day, h, std::string(session)};
  *fresh = row;
  seen_.emplace(std::move(h), std::move(row));
  return false;
}

Result<std::unique_ptr<CredentialDayTable>, std::string> CredentialDayTable::open(
    const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string e = path + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return Unexpected{e};
  }
  sqlite3_busy_timeout(db, 5000);
  const char* sql =
      "CREATE TABLE IF NOT EXISTS replay_day (day INTEGER NOT NULL, cti_hash TEXT NOT NULL, "
      "session TEXT NOT NULL, PRIMARY KEY (day, cti_hash))";
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string e = path + ": replay_day: " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return Unexpected{e};
  }
  return std::unique_ptr<CredentialDayTable>(new CredentialDayTable(db));
}

CredentialDayTable::~CredentialDayTable() {
  sqlite3_close(db_);
}

Result<std::vector<DayRow>, std::string> CredentialDayTable::load() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT day, cti_hash, session FROM replay_day ORDER BY day DESC LIMIT ?",
                         -1, &st, nullptr) != SQLITE_OK)
    return Unexpected{std::string("replay_day read: ") + sqlite3_errmsg(db_)};
  sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(CredentialDayMemory::kMaxEntries));
  std::vector<DayRow> rows;
  int rc;
  auto text = [&](int col) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, col)),
                       static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
  };
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    rows.push_back(DayRow{sqlite3_column_int64(st, 0), text(1), text(2)});
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Unexpected{std::string("replay_day read: ") + sqlite3_errmsg(db_)};
  return rows;
}

Result<bool, std::string> CredentialDayTable::store(const DayRow& row) {
  auto fail = [&](const char* what) {
    return Unexpected{std::string("replay_day ") + what + ": " + sqlite3_errmsg(db_)};
  };
  // One transaction: one commit (one fsync) for the purge and the row.
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("begin");
  auto rollback = [&](const char* what) {
    auto e = fail(what);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e;
  };
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM replay_day WHERE day < ?", -1, &st, nullptr) !=
      SQLITE_OK)
    return rollback("purge");
  sqlite3_bind_int64(st, 1, row.day);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return rollback("purge");
  if (sqlite3_prepare_v2(
          db_, "INSERT OR IGNORE INTO replay_day (day, cti_hash, session) VALUES (?, ?, ?)", -1,
          &st, nullptr) != SQLITE_OK)
    return rollback("write");
  sqlite3_bind_int64(st, 1, row.day);
  sqlite3_bind_text(st, 2, row.cti_hash.data(), static_cast<int>(row.cti_hash.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, row.session.data(), static_cast<int>(row.session.size()),
                    SQLITE_TRANSIENT);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return rollback("write");
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return rollback("commit");
  return true;
}

}  // namespace kiosk::kioskd
