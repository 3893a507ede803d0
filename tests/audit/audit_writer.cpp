// A test helper: appends verdict records to DIR/audit.db as fast as it can and prints each
// committed seq on stdout (after the commit returned). Usage: audit_writer DIR COUNT [STEP [EPOCH
// [T0]]]. Record i is dated T0 + i * STEP (STEP 1, T0 1796000000 unless given), so with a short
// epoch the records span many sealed epochs; at the end (a count was given) it writes kioskd's stop
// seal. The crash tests SIGKILL it at random points; every printed seq must survive. Exit 3 with
// the message on stderr when a write fails.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/crypto.h"
#include "firmware/audit/audit_log.h"

int main(int argc, char** argv) {
  if (argc < 3 || !kiosk::crypto_init()) return 2;
  std::string dir = argv[1];
  long count = std::strtol(argv[2], nullptr, 10);
  long step = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 1;
  kiosk::audit::SealOptions seal;
  if (argc > 4) seal.epoch_seconds = std::strtol(argv[4], nullptr, 10);
  long t0 = argc > 5 ? std::strtol(argv[5], nullptr, 10) : 1796000000;
  kiosk::audit::OpenReport rep;
  auto log = kiosk::audit::AuditLog::open(dir + "/audit.db", "WRITER", t0, &rep, seal);
  for (const auto& n : rep.notices)
    std::fprintf(stderr, "notice: %s\n", n.c_str());
  if (!rep.new_verify_key.empty()) std::fprintf(stderr, "key: %s\n", rep.new_verify_key.c_str());
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().message.c_str());
    return 3;
  }
  for (long i = 0; count < 0 || i < count; ++i) {
    kiosk::audit::Record r;
    r.time = t0 + i * step;
    r.channel = "camera";
    r.document = "WPNL";
    r.outcome = i % 3 ? "ACCEPT" : "REJECT";
    r.reasons = i % 3 ? std::vector<std::string>{} : std::vector<std::string>{"BAD_SIGNATURE"};
    r.cti_hash = std::string(64, static_cast<char>('a' + i % 6));
    auto stored = (*log)->append(std::move(r));
    if (!stored) {
      std::fprintf(stderr, "append: %s\n", stored.error().message.c_str());
      return stored.error().kind == kiosk::audit::AuditError::Kind::kFull ? 3 : 4;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(stored->seq));
    std::fflush(stdout);
  }
  auto stop = (*log)->seal_due(t0 + count * step, true);
  if (!stop) {
    std::fprintf(stderr, "stop seal: %s\n", stop.error().message.c_str());
    return 3;
  }
  return 0;
}
