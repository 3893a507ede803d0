// Power cuts and full disks: a writer process SIGKILLed at many points, kioskd SIGKILLed while
// verdicts stream in, and writes past RLIMIT_FSIZE. Every record acknowledged before the cut must
// be there and the chain must check.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "firmware/audit/audit_log.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::string writer_path() {
  return std::string(KIOSK_BUILD_DIR) + "/tests/audit_writer";
}

std::uint64_t last_printed(const std::string& file) {
  std::istringstream in(read_text(file));
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last.empty() ? 0 : std::stoull(last);
}

audit::ChainReport check_dir(const std::string& dir) {
  auto log = audit::AuditLog::open_read_only(dir + "/audit.db");
  REQUIRE(log);
  auto c = (*log)->check();
  REQUIRE(c);
  return *c;
}

}  // namespace

TEST_CASE("SIGKILL of a writer at many points loses no acknowledged record") {
  TempDir dir("crash-writer");
  std::mt19937 rng(12345);
  std::uint64_t acknowledged = 0;
  int kills = 0;
  for (int round = 0; round < 25; ++round) {
    ProcessOptions opt;
    opt.stdout_file = dir.path + "/out" + std::to_string(round);
    opt.stderr_file = dir.path + "/err" + std::to_string(round);
    Process p({writer_path(), dir.path, "-1"}, opt);
    // Let it write a random number of records, then cut the power.
    std::uint64_t target = acknowledged + 1 + rng() % 40;
    wait_until([&] { return last_printed(opt.stdout_file) >= target; });
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    p.signal(SIGKILL);
    CHECK(p.wait() == 128 + SIGKILL);
    ++kills;
    std::uint64_t printed = last_printed(opt.stdout_file);
    auto c = check_dir(dir.path);
    CAPTURE(round);
    CHECK(c.intact());
    CHECK(c.last_seq >= printed);  // every acknowledged record is there (one more may be)
    CHECK(c.last_seq >= acknowledged);
    CHECK(c.records == c.last_seq);
    acknowledged = c.last_seq;
  }
  MESSAGE("writer killed " << kills << " times; " << acknowledged << " records, chain intact");
}

TEST_CASE("SIGKILL of kioskd while verdicts stream in leaves a whole chain") {
  TempDir dir("crash-kioskd");
  install_vector_trust(dir.path + "/data");
  // Many distinct presentations, no delay: each is a verdict and an audit record.
  std::string feed;
  for (int i = 0; i < 400; ++i) {
    feed += "0 scanner WPC1:NOT-A-CODE-" + std::to_string(i) + "\n";
    if (i % 50 == 0) feed += "0 camera " + case_payload("wpnl-valid") + "\n";
  }
  write_text(dir.path + "/f.feed", feed);
  std::mt19937 rng(777);
  std::uint64_t last = 0;
  for (int round = 0; round < 6; ++round) {
    std::string conf = base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n");
    Kioskd k(dir.path, conf);
    REQUIRE(k.ready);
    // Wait until it has written some records past the last round, then kill it mid-stream.
    std::uint64_t target = last + 1 + rng() % 60;
    wait_until([&] {
      auto log = audit::AuditLog::open_read_only(dir.path + "/data/audit.db");
      if (!log) return false;
      auto c = (*log)->check();
      return c && c->last_seq >= target;
    });
    k.proc->signal(SIGKILL);
    k.proc->wait();
    auto c = check_dir(dir.path + "/data");
    CAPTURE(round);
    CHECK(c.intact());
    CHECK(c.last_seq > last);
    last = c.last_seq;
  }
  std::string out;
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data"}, &out) == 0);
  MESSAGE("kioskd killed 6 times; " << last << " records; " << out.substr(0, out.find('\n')));
}

TEST_CASE("a full disk gives a clear message and loses nothing recorded") {
  TempDir dir("full");
  ProcessOptions opt;
  opt.stdout_file = dir.path + "/out";
  opt.stderr_file = dir.path + "/err";
  opt.fsize_limit = 48 * 1024;  // the log file may not grow past 48 KiB
  Process p({writer_path(), dir.path, "100000"}, opt);
  auto st = p.wait(std::chrono::seconds(60));
  REQUIRE(st);
  CHECK(*st == 3);
  std::string err = read_text(opt.stderr_file);
  CHECK(err.find("disk full") != std::string::npos);
  std::uint64_t printed = last_printed(opt.stdout_file);
  CHECK(printed > 10);
  auto c = check_dir(dir.path);
  CHECK(c.intact());
  CHECK(c.last_seq == printed);  // the failed append left nothing behind
  // With room again, appending goes on on the same chain.
  ProcessOptions opt2;
  opt2.stdout_file = dir.path + "/out2";
  Process p2({writer_path(), dir.path, "3"}, opt2);
  CHECK(p2.wait() == 0);
  auto c2 = check_dir(dir.path);
  CHECK(c2.intact());
  CHECK(c2.last_seq == printed + 3);
}

TEST_CASE("kioskd with a full disk keeps serving and says the verdict was not recorded") {
  TempDir dir("full-kioskd");
  install_vector_trust(dir.path + "/data");
  std::string feed;
  for (int i = 0; i < 300; ++i)
    feed += "5 scanner WPC1:NOT-A-CODE-" + std::to_string(i) + "\n";
  write_text(dir.path + "/f.feed", feed);
  ProcessOptions opt;
  opt.fsize_limit = 64 * 1024;
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"), {}, opt);
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  auto s =
      ws.read_until([](const json::Value& v) { return !v.get("audit")->get("writable")->boolean; },
                    std::chrono::seconds(30));
  REQUIRE(s);
  CHECK(s->get("audit")->get("message")->string.find("disk full") != std::string::npos);
  // Still serving.
  CHECK(http_get(k.port, "/healthz").first == 200);
  CHECK(k.stop() == 0);
  CHECK(read_text(k.stderr_path).find("disk full") != std::string::npos);
  auto c = check_dir(dir.path + "/data");
  CHECK(c.intact());
  CHECK(c.records > 0);
}

TEST_CASE("a real full file system (tmpfs) gives the same clear message") {
  TempDir dir("tmpfs");
  std::string mnt = dir.path + "/mnt";
  fs::create_directories(mnt);
  if (run({"/bin/mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", mnt}) != 0) {
    MESSAGE("SKIPPED: cannot mount a tmpfs here (not root?); RLIMIT_FSIZE case covers it");
    return;
  }
  ProcessOptions opt;
  opt.stdout_file = dir.path + "/out";
  opt.stderr_file = dir.path + "/err";
  Process p({writer_path(), mnt, "100000"}, opt);
  auto st = p.wait(std::chrono::seconds(60));
  std::string err = read_text(opt.stderr_file);
  std::uint64_t printed = last_printed(opt.stdout_file);
  auto c = check_dir(mnt);
  run({"/bin/umount", mnt});
  REQUIRE(st);
  CHECK(*st == 3);
  CHECK(err.find("disk full") != std::string::npos);
  CHECK(c.intact());
  CHECK(c.last_seq == printed);
  MESSAGE(err);
}
