// A real kioskd on a slow disk: every fsync of the audit log's files takes 300 ms (an LD_PRELOAD
// shim, tests/support/slow_sync.cpp; SQLite and the kernel are the real ones). The audit writer
// commits off the event loop, so the screens and /healthz never wait for the disk; a verdict
// reaches the screen only once its record is durable; presentations that come meanwhile wait
// their turn; a stop commits every record already verified before its seal.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "app/json.h"
#include "firmware/audit/audit_log.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

constexpr int kSyncMs = 300;  // each audit fsync in the first case

/// A kioskd whose audit fsyncs take `ms` while the file `when` exists (created once kioskd is
/// ready: a new log's first commits at start-up would take seconds each).
ProcessOptions slow_disk(int ms, const std::string& when) {
  ProcessOptions opt;
  opt.env["LD_PRELOAD"] = KIOSK_SLOW_SYNC;
  opt.env["SLOW_SYNC_MATCH"] = "/audit.db";  // the log and its journal, not the trust store
  opt.env["SLOW_SYNC_MS"] = std::to_string(ms);
  opt.env["SLOW_SYNC_WHEN"] = when;
  // Under the sanitizer build ASan must come first in the library list; the shim comes first.
  const char* asan = std::getenv("ASAN_OPTIONS");
  opt.env["ASAN_OPTIONS"] =
      std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "verify_asan_link_order=0";
  return opt;
}

}  // namespace

TEST_CASE("a slow disk: the screens never wait for an audit commit, nor show a verdict before it") {
  TempDir dir("slow-disk");
  install_vector_trust(dir.path + "/data");
  // A letter, then a code every 250 ms (faster than the disk commits them), then a burst.
  std::string feed = "1500 camera " + case_payload("wpnl-valid") + "\n";
  for (int i = 0; i < 10; ++i)
    feed += "250 camera not-a-credential-" + std::to_string(i) + "\n";
  for (int i = 0; i < 4; ++i)
    feed += "10 scanner burst-" + std::to_string(i) + "\n";
  write_text(dir.path + "/f.feed", feed);
  const std::string slow = dir.path + "/slow";
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"), {},
           slow_disk(kSyncMs, slow));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  (void)k.cookie();  // signed in before the disk slows
  write_text(slow, "");

  using clock = std::chrono::steady_clock;
  std::vector<std::chrono::microseconds> health;
  std::chrono::microseconds commit{0};  // the longest commit of a shown entry (kioskd's stamps)
  std::size_t shown = 0, unrecorded = 0;
  auto until = clock::now() + std::chrono::seconds(7);
  while (clock::now() < until) {
    auto t0 = clock::now();
    auto h = http_get(k.port, "/healthz");
    auto t1 = clock::now();
    REQUIRE(h.first == 200);
    health.push_back(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0));
    auto s = http_get(k.port, "/api/state", k.cookie());
    REQUIRE(s.first == 200);
    if (auto v = json::parse(s.second); v && entry_count(*v) > 0) {
      shown = std::max(shown, entry_count(*v));
      commit = std::max(commit, longest_audit_commit(*v));
      // Shown only once recorded: every entry on the officer's screen has its record.
      for (const auto& e : v->get("session")->get("entries")->array) {
        const json::Value* seq = e.get("audit_seq");
        if (!seq || !seq->is_number()) ++unrecorded;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(health.size() >= 50);
  std::sort(health.begin(), health.end());
  auto p99 = health[health.size() * 99 / 100];
  MESSAGE("slow disk (fsync " << kSyncMs << " ms): " << health.size() << " probes; /healthz p99 "
                              << p99.count() << " us, worst " << health.back().count()
                              << " us; longest audit commit " << commit.count() << " us; " << shown
                              << " entries shown");
  // The disk really was slow while the probes ran (a commit is at least the journal's and the
  // file's fsync), and the loop did not wait for it.
  CHECK(commit >= std::chrono::milliseconds(2 * kSyncMs));
  CHECK(shown >= 3);
  CHECK(unrecorded == 0);
  CHECK(p99 < std::chrono::milliseconds(100));
  CHECK(health.back() < std::chrono::milliseconds(250));

  // A stop while presentations wait: those verified are recorded before the stop seal, the chain
  // is intact, and every verdict kioskd showed has its record.
  CHECK(k.stop() == 0);
  std::string err = read_text(k.stderr_path);
  std::size_t verdict_lines = 0, recorded_lines = 0;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("kioskd: verdict ", 0) != 0) continue;
    ++verdict_lines;
    if (line.find(" audit #") != std::string::npos) ++recorded_lines;
  }
  CHECK(verdict_lines >= 3);
  CHECK(recorded_lines == verdict_lines);
  auto log = audit::AuditLog::open_read_only(dir.path + "/data/audit.db");
  REQUIRE(log);
  std::size_t verdict_records = 0;
  REQUIRE((*log)->for_each(1, [&](const audit::StoredRecord& r) {
    if (r.kind == "verdict") ++verdict_records;
  }));
  CHECK(verdict_records >= verdict_lines);
  std::string out;
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data"}, &out) == 0);
  CHECK(out.find("chain: intact") != std::string::npos);
}

TEST_CASE(
    "a stuck disk: the officer's screen says so after audit_stall_seconds; the verdict shows once "
    "recorded") {
  TempDir dir("stuck-disk");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "6000 camera " + case_payload("wpnl-valid") + "\n");
  const std::string stuck = dir.path + "/stuck";  // the disk sticks while this file exists
  // The alarm's delay is configured (default 5 s): 3 s here, and the message says so.
  Kioskd k(dir.path,
           base_config(dir.path, "[devices]\nfeed = " + dir.path +
                                     "/f.feed\n[data]\n"
                                     "audit_stall_seconds = 3\n"),
           {}, slow_disk(8000, stuck));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  const std::string cookie = k.cookie();  // signed in (its access record) before the disk sticks
  write_text(stuck, "");
  auto state = [&] { return json::parse(http_get(k.port, "/api/state", cookie).second); };
  // The letter is read at 6 s; its commit's first fsync takes 8 s. From 3 s into it the screen
  // says the log is stalled, and shows no verdict.
  std::optional<json::Value> stalled;
  REQUIRE(wait_until(
      [&] {
        auto v = state();
        if (v && v->get("audit") && !v->get("audit")->get("writable")->boolean) stalled = v;
        return stalled.has_value();
      },
      std::chrono::seconds(30)));
  CHECK(stalled->get("audit")->get("message")->string.find("has not finished a write for 3 s") !=
        std::string::npos);
  CHECK(entry_count(*stalled) == 0);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(http_get(k.port, "/healthz").first == 200);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(250));
  // The disk answers: the verdict is shown, recorded, and the alarm is gone.
  fs::remove(stuck);
  std::optional<json::Value> after;
  REQUIRE(wait_until(
      [&] {
        auto v = state();
        if (v && entry_count(*v) == 1) after = v;
        return after.has_value();
      },
      std::chrono::seconds(20)));
  const json::Value& e = after->get("session")->get("entries")->array[0];
  CHECK(e.get("outcome")->string == "ACCEPT");
  CHECK(e.get("audit_seq")->is_number());
  CHECK(after->get("audit")->get("writable")->boolean);
  CHECK(after->get("audit")->get("message")->string.empty());
  CHECK(read_text(k.stderr_path).find("audit: writable again") != std::string::npos);
  CHECK(k.stop() == 0);
}
