// What the audit tests do to a log behind the writer's back, as root with sqlite3 would.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

#include "firmware/audit/seal.h"

namespace kiosk::test {

/// Runs `statement` on the database at `path`; the test fails when SQLite refuses it.
inline void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  CAPTURE(err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

/// Inserts a seal or checkpoint row MACed with `key` (whatever key the attacker holds).
inline void insert_seal_row(const std::string& path, const audit::Seal& s,
                            const audit::SealKey& key) {
  std::string body = audit::seal_body(s);
  audit::Hash mac = audit::seal_mac(key, body);
  std::string kind(audit::name(s.kind));
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO seals(kind, first, last, seq, body, mac) VALUES(?,?,?,?,?,?)",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(s.first));
  sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(s.last));
  sqlite3_bind_int64(st, 4, static_cast<sqlite3_int64>(s.seq));
  sqlite3_bind_text(st, 5, body.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 6, mac.data(), static_cast<int>(mac.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_DONE);
}

}  // namespace kiosk::test
