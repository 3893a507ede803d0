// The trust store on real SQLite files: persistence, corrupt files set aside, and a crash test
// that kills an installing process at every file operation.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include <filesystem>

#include "keys/store.h"
#include "tests/support/crash_vfs.h"
#include "tests/support/tempdir.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kInstallNow = 1795956800;

Bytes vector_file(const std::string& rel) {
  std::string s = read_text(data_path("vectors/" + rel));
  return Bytes(s.begin(), s.end());
}

keys::Anchors anchors() {
  return *keys::load_anchors(data_path("vectors/anchors"));
}

/// The whole installed state, for comparing stores.
std::string state_of(const std::string& path) {
  auto store = keys::TrustStore::open(path);
  REQUIRE(store);
  auto snap = (*store)->snapshot();
  REQUIRE(snap);
  std::string s = snap->keyset ? "keyset " + std::to_string(snap->keyset->seq) : "no keyset";
  for (const auto& [iss, l] : snap->status)
    s += "; " + iss + " " + std::to_string(l.seq) + " " + to_hex(l.bits);
  s += "; floor " + std::to_string(snap->time_floor);
  return s;
}

void install_ok(const std::string& db, const std::string& rel) {
  auto store = keys::TrustStore::open(db);
  REQUIRE(store);
  auto r = (*store)->install(vector_file(rel), anchors(), kInstallNow);
  REQUIRE(r);
  REQUIRE(keys::accepted(*r));
}

}  // namespace

TEST_CASE("store: installs persist across reopening") {
  TempDir d;
  std::string db = d / "t.db";
  CHECK(state_of(db) == "no keyset; floor 0");
  install_ok(db, "trust/keyset.cose");
  install_ok(db, "trust/status/CN-310000.cose");
  std::string s = state_of(db);
  CHECK(s.starts_with("keyset 7; CN-310000 "));
  {
    auto store = keys::TrustStore::open(db);
    REQUIRE(store);
    REQUIRE((*store)->raise_time_floor(1900000000));
    REQUIRE((*store)->raise_time_floor(1800000000));  // never lowers
  }
  CHECK(state_of(db).ends_with("floor 1900000000"));
}

TEST_CASE("store: a file that is not a trust store is set aside, never overwritten") {
  TempDir d;
  std::string db = d / "t.db";
  SUBCASE("garbage") {
    std::ofstream(db) << "this is not an SQLite database, just some bytes that someone put here";
  }
  SUBCASE("another application's database") {
    std::ofstream(db).close();
    REQUIRE(std::system(("sqlite3 '" + db + "' 'CREATE TABLE foo(x); INSERT INTO foo VALUES (1);'")
                            .c_str()) == 0);
  }
  SUBCASE("a truncated trust store") {
    install_ok(db, "trust/keyset.cose");
    install_ok(db, "trust/status/CN-310000.cose");
    auto size = fs::file_size(db);
    fs::resize_file(db, size / 2 + 100);
  }
  std::string before = read_text(db);
  std::string notice;
  auto store = keys::TrustStore::open(db, &notice);
  REQUIRE(store);
  CHECK(notice.find("set aside") != std::string::npos);
  MESSAGE(notice);
  int aside = 0;
  for (const auto& e : fs::directory_iterator(d.path())) {
    if (e.path().filename().string().starts_with("t.db.corrupt-")) {
      ++aside;
      CHECK(read_text(e.path()) == before);
    }
  }
  CHECK(aside == 1);
  auto snap = (*store)->snapshot();
  REQUIRE(snap);
  CHECK_FALSE(snap->keyset);
}

TEST_CASE("store: an unusable path is an error, not a crash") {
  std::string notice;
  auto store = keys::TrustStore::open("/nonexistent-dir/sub/t.db", &notice);
  CHECK_FALSE(store);
}

namespace {

/// Installs `rel` into a copy of `base` in a child that dies at file operation `n`; returns true
/// when the child finished without dying.
bool install_with_crash(const std::string& base, const std::string& db, const std::string& rel,
                        int n) {
  fs::copy_file(base, db, fs::copy_options::overwrite_existing);
  Bytes file = vector_file(rel);
  keys::Anchors a = anchors();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    install_crash_vfs(n);
    auto store = keys::TrustStore::open(db);
    if (!store) _exit(3);
    auto r = (*store)->install(file, a, kInstallNow);
    _exit(r && *r == keys::InstallResult::kInstalled ? 0 : 4);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  if (WIFEXITED(status)) {
    REQUIRE(WEXITSTATUS(status) == 0);
    return true;
  }
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  return false;
}

}  // namespace

TEST_CASE("store: SIGKILL at any file operation of an install leaves the old or the new state") {
  for (const char* rel : {"install/keyset-seq8.cose", "trust/status/CN-310000.cose"}) {
    CAPTURE(rel);
    TempDir d;
    std::string base = d / "base.db";
    install_ok(base, "install/keyset-seq7.cose");
    if (std::string(rel).find("status") != std::string::npos)
      install_ok(base, "trust/status/CN-MOHRSS.cose");
    std::string old_state = state_of(base);
    std::string db = d / "crash.db";
    fs::copy_file(base, d / "expected.db");
    install_ok(d / "expected.db", rel);
    std::string new_state = state_of(d / "expected.db");
    REQUIRE(old_state != new_state);

    int crashes = 0, saw_old = 0, saw_new = 0;
    for (int n = 1; n < 200; ++n) {
      fs::remove(db + "-journal");
      bool finished = install_with_crash(base, db, rel, n);
      std::string s = state_of(db);  // opening rolls a hot journal back
      CHECK((s == old_state || s == new_state));
      if (finished) {
        CHECK(s == new_state);
        break;
      }
      ++crashes;
      (s == old_state ? saw_old : saw_new)++;
    }
    MESSAGE(std::string(rel) << ": killed at " << crashes << " points; old state " << saw_old
                             << ", new state " << saw_new);
    CHECK(crashes >= 5);
    CHECK(saw_old > 0);
  }
}

TEST_CASE("store: a full disk fails the install cleanly and keeps the old state") {
  TempDir d;
  std::string db = d / "t.db";
  install_ok(db, "install/keyset-seq7.cose");
  std::string old_state = state_of(db);
  Bytes file = vector_file("trust/status/CN-310000.cose");
  keys::Anchors a = anchors();
  // Small enough that the rollback journal cannot take even one page.
  const rlim_t limit = 2048;
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // No file may grow past the limit: such a write fails with EFBIG, as on a full disk.
    signal(SIGXFSZ, SIG_IGN);
    rlimit rl{limit, limit};
    setrlimit(RLIMIT_FSIZE, &rl);
    auto store = keys::TrustStore::open(db);
    if (!store) _exit(3);
    auto r = (*store)->install(file, a, kInstallNow);
    if (r) _exit(4);  // it cannot have succeeded
    _exit(r.error().message.empty() ? 5 : 0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(state_of(db) == old_state);
}

// Spec version 1.1, section 7: a status list signed by a revoked (st = 1) key is KEY_SCOPE, even
// when everything else about it holds; the same list under the same key while active installs.
TEST_CASE("store: spec 1.1: a status list signed by a revoked key is KEY_SCOPE") {
  Bytes bundle = vector_file("trust/keyset.cose");
  auto msg = cose::parse_sign1(bundle);
  REQUIRE(msg);
  keys::InstalledTrust cur;
  cur.keyset = parse_keyset_payload(msg->payload);
  REQUIRE(cur.keyset);
  cur.keyset_cose = bundle;
  Bytes list = vector_file("trust/status/CN-310000.cose");
  auto list_msg = cose::parse_sign1(list);
  REQUIRE(list_msg);
  REQUIRE(list_msg->kid);
  auto key = std::find_if(cur.keyset->keys.begin(), cur.keyset->keys.end(),
                          [&](const IssuerKey& k) { return k.kid == *list_msg->kid; });
  REQUIRE(key != cur.keyset->keys.end());
  CHECK(keys::decide_install(list, anchors(), cur, kInstallNow).result ==
        keys::InstallResult::kInstalled);
  key->st = 1;
  CHECK(keys::decide_install(list, anchors(), cur, kInstallNow).result ==
        keys::InstallResult::kKeyScope);
}

namespace {

/// The iat of the status list in `rel`.
std::int64_t list_iat(const std::string& rel) {
  Bytes b = vector_file(rel);
  auto msg = cose::parse_sign1(b);
  REQUIRE(msg);
  auto l = parse_status_payload(msg->payload);
  REQUIRE(l);
  return static_cast<std::int64_t>(l->iat);
}

}  // namespace

// Spec version 1.1, section 8: a status list's iat lifts the time floor no further than the
// kiosk's now at its install, also after reopening the store; a version 1 store whose floor an
// uncapped future list raised is migrated down to the capped value, and other floors stay.
TEST_CASE("store: spec 1.1: the time floor caps a status list's iat at its install time") {
  TempDir d;
  std::string db = d / "t.db";
  const std::string future = "trust-future/status/CN-310000.cose";
  std::int64_t iat = list_iat(future);
  REQUIRE(iat > kInstallNow);
  install_ok(db, "trust-future/keyset.cose");
  install_ok(db, future);
  auto floor_of = [&](const std::string& path) {
    auto store = keys::TrustStore::open(path);
    REQUIRE(store);
    auto snap = (*store)->snapshot();
    REQUIRE(snap);
    REQUIRE(snap->status.size() == 1);
    return snap->time_floor;
  };
  std::int64_t floor = floor_of(db);
  CHECK(floor <= kInstallNow);
  CHECK(floor < iat);

  SUBCASE("a version 1 store raised by the future list migrates down") {
    REQUIRE(std::system(("sqlite3 '" + db + "' \"UPDATE meta SET value = " + std::to_string(iat) +
                         " WHERE key = 'time_floor'; PRAGMA user_version = 1;\"")
                            .c_str()) == 0);
    CHECK(floor_of(db) == floor);
    REQUIRE(std::system(("test \"$(sqlite3 '" + db + "' 'PRAGMA user_version')\" = 2").c_str()) ==
            0);
  }
  SUBCASE("a version 1 store keeps a floor that an audit record raised") {
    REQUIRE(
        std::system(("sqlite3 '" + db + "' \"UPDATE meta SET value = " + std::to_string(iat + 5) +
                     " WHERE key = 'time_floor'; PRAGMA user_version = 1;\"")
                        .c_str()) == 0);
    CHECK(floor_of(db) == iat + 5);
  }
}
