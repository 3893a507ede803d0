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

Result<std::unique_ptr<CredentialDayMemory>, std::string> CredentialDayMemory::open(
    const std::string& path, const std::array<std::uint8_t, 32>& key) {
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
  return std::unique_ptr<CredentialDayMemory>(new CredentialDayMemory(db, key));
}

CredentialDayMemory::~CredentialDayMemory() {
  sodium_memzero(key_.data(), key_.size());
  sqlite3_close(db_);
}

Result<bool, std::string> CredentialDayMemory::seen_elsewhere(ByteView cti,
                                                              std::string_view session,
                                                              std::int64_t day) {
  if (cti.empty()) return false;
  std::string h = keyed_hash(key_, cti.data(), cti.size());
  auto fail = [&](const char* what) {
    return Unexpected{std::string("replay_day ") + what + ": " + sqlite3_errmsg(db_)};
  };
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM replay_day WHERE day < ?", -1, &st, nullptr) !=
      SQLITE_OK)
    return fail("purge");
  sqlite3_bind_int64(st, 1, day);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail("purge");

  if (sqlite3_prepare_v2(db_, "SELECT session FROM replay_day WHERE day = ? AND cti_hash = ?", -1,
                         &st, nullptr) != SQLITE_OK)
    return fail("read");
  sqlite3_bind_int64(st, 1, day);
  sqlite3_bind_text(st, 2, h.data(), static_cast<int>(h.size()), SQLITE_TRANSIENT);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    std::string first(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                      static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return first != session;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail("read");

  if (sqlite3_prepare_v2(db_, "INSERT INTO replay_day (day, cti_hash, session) VALUES (?, ?, ?)",
                         -1, &st, nullptr) != SQLITE_OK)
    return fail("write");
  sqlite3_bind_int64(st, 1, day);
  sqlite3_bind_text(st, 2, h.data(), static_cast<int>(h.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, session.data(), static_cast<int>(session.size()), SQLITE_TRANSIENT);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail("write");
  return false;
}

}  // namespace kiosk::kioskd
