// The console's sign-in parts: officer accounts in a real SQLite store, sessions, throttling and
// the request checks, each reason at least once.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>
#include <iostream>

#include "firmware/auth/officer_store.h"
#include "firmware/auth/password.h"
#include "firmware/auth/request_guard.h"
#include "firmware/auth/sessions.h"
#include "firmware/auth/throttle.h"
#include "keys/store.h"
#include "tests/support/tempdir.h"

using namespace kiosk::auth;
using kiosk::test::TempDir;

TEST_CASE("passwords: Argon2id strings, policy, decoy") {
  CHECK(password_problem("12345"));
  CHECK_FALSE(password_problem("123456"));
  CHECK(password_problem(std::string(129, 'a')));
  CHECK(password_problem("abc\ndefg"));
  auto h = hash_password("correct horse");
  REQUIRE(h);
  CHECK(h->rfind("$argon2id$", 0) == 0);
  CHECK(h->find("correct") == std::string::npos);
  CHECK(verify_password(*h, "correct horse"));
  CHECK_FALSE(verify_password(*h, "correct horsE"));
  CHECK_FALSE(verify_password("", "correct horse"));
  CHECK_FALSE(verify_password("$argon2id$garbage", "correct horse"));
  CHECK_FALSE(decoy_hash().empty());
  CHECK(hash_password("correct horse") != h);  // salted

  // The verify time a sign-in costs (printed for the report).
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i)
    CHECK(verify_password(*h, "correct horse"));
  auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 5;
  std::cout << "argon2id verify (t=" << kPwOpsLimit << ", m=" << (kPwMemLimit >> 20)
            << " MiB): " << ms << " ms\n";
}

TEST_CASE("officer store: add, check, passwd, disable, list, errors") {
  TempDir dir;
  std::string db = dir / "trust.db";
  auto s = OfficerStore::open(db);
  REQUIRE(s);
  auto& store = **s;
  REQUIRE(store.add("alice", Role::kSupervisor, "alice-pin-1", 100));
  auto again = store.add("alice", Role::kOfficer, "other-pin", 101);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == OfficerError::Kind::kExists);
  auto bad_name = store.add("al ice", Role::kOfficer, "other-pin", 101);
  REQUIRE_FALSE(bad_name);
  CHECK(bad_name.error().kind == OfficerError::Kind::kInvalid);
  auto bad_pw = store.add("bob", Role::kOfficer, "123", 101);
  REQUIRE_FALSE(bad_pw);
  CHECK(bad_pw.error().kind == OfficerError::Kind::kInvalid);

  auto ok = store.check("alice", "alice-pin-1", 200);
  REQUIRE(ok);
  REQUIRE(*ok);
  CHECK((*ok)->role == Role::kSupervisor);
  CHECK((*ok)->last_signin == 200);
  auto wrong = store.check("alice", "alice-pin-2", 201);
  REQUIRE(wrong);
  CHECK_FALSE(*wrong);
  auto nobody = store.check("nobody", "alice-pin-1", 201);
  REQUIRE(nobody);
  CHECK_FALSE(*nobody);
  auto hostile = store.check(std::string(1000, 'x'), std::string(100000, 'y'), 201);
  REQUIRE(hostile);
  CHECK_FALSE(*hostile);

  REQUIRE(store.disable("alice"));
  CHECK_FALSE(*store.check("alice", "alice-pin-1", 202));
  auto unknown = store.disable("carol");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == OfficerError::Kind::kUnknown);
  REQUIRE(store.set_password("alice", "new-pin-22"));
  CHECK_FALSE(*store.check("alice", "alice-pin-1", 203));
  CHECK(*store.check("alice", "new-pin-22", 203));
  CHECK(store.set_password("carol", "new-pin-22").error().kind == OfficerError::Kind::kUnknown);

  auto list = store.list();
  REQUIRE(list);
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].name == "alice");
  CHECK((*list)[0].enabled);
  CHECK((*list)[0].created == 100);

  // The file is still the kiosk's trust store (the officers table was added in place).
  std::string notice;
  auto trust = kiosk::keys::TrustStore::open(db, &notice);
  REQUIRE(trust);
  CHECK(notice.empty());
}

TEST_CASE("officer store: an existing trust store gets the table in place") {
  TempDir dir;
  std::string db = dir / "trust.db";
  { REQUIRE(kiosk::keys::TrustStore::open(db)); }
  auto s = OfficerStore::open(db);
  REQUIRE(s);
  CHECK((*s)->list()->empty());
  // A file that cannot be opened is a storage error, not a crash.
  auto none = OfficerStore::open(dir / "no/such/dir/trust.db");
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == OfficerError::Kind::kStorage);
}

TEST_CASE("sessions: token, hash only, idle timeout, lifetime, sign-out") {
  SessionTable t(SessionLimits{60, 600, 3});
  Officer alice{"alice", Role::kOfficer, true, 0, std::nullopt};
  std::string tok = t.create(alice, "127.0.0.1", 1000);
  CHECK(tok.size() == 64);
  CHECK(t.check(tok, 1010)->officer == "alice");
  CHECK(t.check(tok, 1069));            // 59 s after the last use
  CHECK_FALSE(t.check(tok, 1129 + 1));  // idle 61 s: gone
  CHECK_FALSE(t.check(tok, 1070));      // and stays gone

  std::string t2 = t.create(alice, "c", 2000);
  std::string forged = t2;
  forged[0] = forged[0] == 'a' ? 'b' : 'a';
  CHECK_FALSE(t.check(forged, 2001));
  CHECK_FALSE(t.check("", 2001));
  CHECK_FALSE(t.check(std::string(64, 'Z'), 2001));
  CHECK_FALSE(t.check(t2 + "0", 2001));
  for (std::int64_t now = 2000; now < 2600; now += 50)
    REQUIRE(t.check(t2, now));
  CHECK_FALSE(t.check(t2, 2600));  // the lifetime ends it whatever the activity

  std::string t3 = t.create(alice, "c", 3000);
  CHECK(t.end(t3)->officer == "alice");
  CHECK_FALSE(t.check(t3, 3001));  // replayed after sign-out
  CHECK_FALSE(t.end(t3));

  // Bounded: the least recently used session goes.
  std::string a = t.create(alice, "c", 4000), b = t.create(alice, "c", 4001),
              c = t.create(alice, "c", 4002);
  REQUIRE(t.check(a, 4003));
  std::string d = t.create(alice, "c", 4004);
  CHECK(t.size() == 3);
  CHECK_FALSE(t.check(b, 4005));
  CHECK(t.check(a, 4005));
  t.end_officer("alice");
  CHECK(t.size() == 0);
  std::string e = t.create(alice, "c", 5000);
  CHECK(t.expire(5059).empty());
  CHECK(t.expire(5061).size() == 1);
  CHECK_FALSE(t.check(e, 5001));
}

TEST_CASE("throttle: backoff after free failures, lock, success clears") {
  using std::chrono::seconds;
  using Ms = Throttle::Millis;
  const auto s = [](std::int64_t n) { return Ms{n * 1000}; };
  Throttle th(ThrottleLimits{3, seconds{60}, 6, seconds{900}, 4});
  CHECK(th.wait("alice", s(0)) == s(0));
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(th.failure("alice", s(10)));
  CHECK(th.wait("alice", s(10)) == s(1));
  CHECK(th.wait("alice", s(11)) == s(0));
  CHECK_FALSE(th.failure("alice", s(11)));
  CHECK(th.wait("alice", s(11)) == s(2));
  CHECK_FALSE(th.failure("alice", s(13)));
  CHECK(th.wait("alice", s(13)) == s(4));
  CHECK(th.failure("alice", s(17)));  // the sixth: locked
  CHECK(th.locked("alice", s(17)));
  CHECK(th.wait("alice", s(17)) == s(900));
  CHECK(th.wait("alice", s(917)) == s(0));
  CHECK_FALSE(th.locked("alice", s(917)));
  CHECK_FALSE(th.failure("alice", s(918)));  // the count starts again after a lock
  CHECK(th.wait("alice", s(918)) == s(0));
  th.success("alice");
  CHECK(th.wait("alice", s(918)) == s(0));
  // Bounded memory: many keys, at most max_keys kept, locked ones kept first.
  for (int i = 0; i < 6; ++i)
    th.failure("x", s(1000));
  for (int i = 0; i < 100; ++i)
    th.failure("k" + std::to_string(i), s(1000 + i));
  CHECK(th.locked("x", s(1200)));
}

TEST_CASE("throttle: a wait is whole, whatever the fraction of the second a failure fell in") {
  Throttle th;
  using Ms = Throttle::Millis;
  for (int i = 0; i < 3; ++i)
    th.failure("bob", Ms{10'900});
  // In whole seconds the failure was at 10 and the next attempt at 11 went through at once.
  CHECK(th.wait("bob", Ms{11'000}) == Ms{900});
  CHECK(th.wait("bob", Ms{11'899}) == Ms{1});
  CHECK(th.wait("bob", Ms{11'900}) == Ms{0});
}

TEST_CASE("request guard: Host, Origin, cookies") {
  std::vector<std::string> allowed = {"kiosk-07.psb.example", "192.0.2.7", "[::1]", "127.0.0.1"};
  CHECK(host_allowed("kiosk-07.psb.example", allowed));
  CHECK(host_allowed("KIOSK-07.psb.example:8443", allowed));
  CHECK(host_allowed("192.0.2.7:443", allowed));
  CHECK(host_allowed("[::1]:8080", allowed));
  CHECK(host_allowed("127.0.0.1:8080", allowed));
  CHECK_FALSE(host_allowed("evil.example", allowed));
  CHECK_FALSE(host_allowed("kiosk-07.psb.example.evil.example", allowed));
  CHECK_FALSE(host_allowed("", allowed));
  CHECK_FALSE(host_allowed("127.0.0.1:80x", allowed));
  CHECK_FALSE(host_allowed("127.0.0.1@evil", allowed));
  CHECK_FALSE(host_allowed("[::1", allowed));
  CHECK_FALSE(host_allowed(std::string(300, 'a'), allowed));

  CHECK(origin_same("https://kiosk-07.psb.example:8443", "kiosk-07.psb.example:8443", true));
  CHECK(origin_same("https://kiosk-07.psb.example", "kiosk-07.psb.example:443", true));
  CHECK(origin_same("http://127.0.0.1:8080", "127.0.0.1:8080", false));
  CHECK(origin_same("http://[::1]:8080", "[::1]:8080", false));
  CHECK_FALSE(origin_same("http://127.0.0.1:8080", "127.0.0.1:8080", true));
  CHECK_FALSE(origin_same("http://127.0.0.1:9999", "127.0.0.1:8080", false));
  CHECK_FALSE(origin_same("http://evil.example:8080", "127.0.0.1:8080", false));
  CHECK_FALSE(origin_same("null", "127.0.0.1:8080", false));
  CHECK_FALSE(origin_same("", "127.0.0.1:8080", false));

  CHECK(cookie_value("a=1; kiosk_session=abc; b=2", "kiosk_session") == "abc");
  CHECK(cookie_value("kiosk_session=abc", "kiosk_session") == "abc");
  CHECK_FALSE(cookie_value("a=1", "kiosk_session"));
  CHECK_FALSE(cookie_value("kiosk_session=a; kiosk_session=b", "kiosk_session"));
  CHECK_FALSE(cookie_value("xkiosk_session=a", "kiosk_session"));
  CHECK(session_cookie("t", true).find("Secure") != std::string::npos);
  CHECK(session_cookie("t", false).find("HttpOnly; SameSite=Strict") != std::string::npos);
  CHECK(clear_session_cookie(false).find("Max-Age=0") != std::string::npos);
}
