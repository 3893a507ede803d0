// The audit log's sealing costs and window, as figures (no pass/fail):
//   build/bench/audit_bench [RECORDS=300] [EPOCH_SECONDS=2] [RUN_SECONDS=8] [DIR=/tmp]
// 1. CPU: one checkpoint (canonical body + keyed BLAKE2b) and one key evolution.
// 2. Disk: one append (record + its checkpoint, one transaction, synchronous=FULL) and one epoch
//    seal (a transaction, then the key file overwritten and fsynced), on DIR's file system.
// 3. The window, on the real clock as kioskd runs: a record every 100 ms, a seal just after each
//    epoch ends; for every record, the seconds until a seal covered it (its checkpoint line is out
//    when append() returns: that lag is the append time above).
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/crypto.h"
#include "firmware/audit/audit_log.h"

using namespace kiosk;
using namespace kiosk::audit;
using Clock = std::chrono::steady_clock;

namespace {

double us_since(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

std::int64_t wall() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Record verdict(std::int64_t t) {
  Record r;
  r.time = t;
  r.channel = "scanner";
  r.document = "E_SSC";
  r.outcome = "ACCEPT";
  r.cti_hash = std::string(64, 'c');
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (!crypto_init()) return 2;
  int records = argc > 1 ? std::atoi(argv[1]) : 300;
  std::int64_t epoch = argc > 2 ? std::atoll(argv[2]) : 2;
  int run_seconds = argc > 3 ? std::atoi(argv[3]) : 8;
  std::string base = argc > 4 ? argv[4] : "/tmp";
  std::string dir = base + "/audit-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);

  // 1. CPU.
  SealKey k{};
  randombytes_buf(k.data(), k.size());
  const int n = 100000;
  auto t = Clock::now();
  std::size_t sink = 0;
  for (int i = 0; i < n; ++i) {
    Seal s{SealKind::kCheckpoint,         "SH-PD-EXIT-03",      12345,         12345,
           static_cast<std::uint64_t>(i), std::string(64, 'a'), 1796000000 + i};
    sink += seal_mac(k, seal_body(s))[0];
  }
  double cp_us = us_since(t) / n;
  t = Clock::now();
  for (int i = 0; i < n; ++i)
    k = evolve(k);
  double ev_us = us_since(t) / n;
  std::printf("cpu: checkpoint (body + MAC) %.2f us, key evolution %.3f us (sink %zu)\n", cp_us,
              ev_us, sink % 2);

  // 2. Disk.
  {
    SealOptions opt;
    opt.epoch_seconds = 1;
    OpenReport rep;
    std::filesystem::create_directories(dir + "/disk");
    auto log = AuditLog::open(dir + "/disk/audit.db", "BENCH", 1796000000, &rep, opt);
    if (!log) {
      std::fprintf(stderr, "%s\n", log.error().message.c_str());
      return 1;
    }
    // Every record in the same epoch: appends only.
    std::vector<double> append_us;
    for (int i = 0; i < records; ++i) {
      t = Clock::now();
      if (!(*log)->append(verdict(1796000000))) return 1;
      append_us.push_back(us_since(t));
    }
    // One epoch apart each: a seal each.
    std::vector<double> seal_us;
    for (int i = 1; i <= 50; ++i) {
      t = Clock::now();
      auto s = (*log)->seal_due(1796000000 + i);
      if (!s || s->empty()) return 1;
      seal_us.push_back(us_since(t));
    }
    std::sort(append_us.begin(), append_us.end());
    std::sort(seal_us.begin(), seal_us.end());
    std::printf(
        "disk (%s): append with checkpoint median %.2f ms, p95 %.2f ms (%d records); "
        "epoch seal median %.2f ms, p95 %.2f ms (50 seals)\n",
        base.c_str(), append_us[append_us.size() / 2] / 1000,
        append_us[append_us.size() * 95 / 100] / 1000, records, seal_us[seal_us.size() / 2] / 1000,
        seal_us[seal_us.size() * 95 / 100] / 1000);
  }

  // 3. The window on the real clock.
  {
    SealOptions opt;
    opt.epoch_seconds = epoch;
    OpenReport rep;
    std::int64_t start = wall();
    std::filesystem::create_directories(dir + "/window");
    auto log = AuditLog::open(dir + "/window/audit.db", "BENCH", start, &rep, opt);
    if (!log) return 1;
    const SealKeyFile* key = (*log)->seal_key();
    std::vector<std::pair<std::uint64_t, double>> written;  // seq, steady time (s)
    std::vector<std::pair<std::uint64_t, double>> sealed;   // sealed-through seq, steady time
    auto t0 = Clock::now();
    auto secs = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    // The next epoch boundary on the wall clock, as kioskd's timer computes it (+50 ms).
    auto next_boundary = [&] {
      std::int64_t now = wall();
      return key->t0() + (key->epoch_of(now) + 1) * key->epoch_seconds();
    };
    std::int64_t boundary = next_boundary();
    std::string last_seal;
    // A seal comes from the timer, or from an append in a new epoch (it seals the ended ones).
    auto note_seal = [&] {
      const std::string& line = (*log)->last_line();
      auto l = parse_seal_line(line);
      if (l && l->seal.kind != SealKind::kCheckpoint && line != last_seal) {
        sealed.emplace_back(l->seal.seq, secs());
        last_seal = line;
      }
    };
    while (secs() < run_seconds) {
      auto r = (*log)->append(verdict(wall()));
      if (!r) return 1;
      note_seal();
      written.emplace_back(r->seq, secs());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (wall() >= boundary) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!(*log)->seal_due(wall())) return 1;
        note_seal();
        boundary = next_boundary();
      }
    }
    double worst = 0, sum = 0;
    int covered = 0;
    for (const auto& [seq, at] : written) {
      for (const auto& [through, when] : sealed) {
        if (through >= seq) {
          worst = std::max(worst, when - at);
          sum += when - at;
          ++covered;
          break;
        }
      }
    }
    std::printf(
        "window (epoch %lld s, a record every 100 ms for %d s): %d of %zu records sealed, record "
        "to "
        "seal mean %.2f s, worst %.2f s; the rest are the open window (checkpoint lines out at "
        "once)\n",
        static_cast<long long>(epoch), run_seconds, covered, written.size(),
        covered ? sum / covered : 0.0, worst);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
