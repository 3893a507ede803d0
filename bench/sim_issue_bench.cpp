// kiosk-sim figures: how long minting takes per document, and the verifier's time to verdict for
// what kiosk-sim mints (QR text straight to verify_qr; chip answer to verify_chip). Prints
// figures; asserts nothing.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "app/crypto.h"
#include "app/verifier.h"
#include "keys/store.h"
#include "sim/issuer/issuer.h"
#include "sim/issuer/test_pki.h"

using namespace kiosk;
using namespace kiosk::sim;
using Clock = std::chrono::steady_clock;

int main() {
  if (!crypto_init()) return 1;
  const std::int64_t now = 1796000000;
  TestPki pki = make_test_pki(1, now);

  auto t0 = Clock::now();
  TestPki again = make_test_pki(2, now);
  Bytes ks = build_keyset(again);
  for (const TestStatusList& l : again.status)
    (void)build_status_list(again, l);
  std::printf("keys: PKI with %zu keys and %zu status lists in %.2f ms (bundle %zu bytes)\n",
              again.keys.size(), again.status.size(),
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count(), ks.size());

  std::string db = (std::filesystem::temp_directory_path() / "kiosk-sim-bench.db").string();
  std::filesystem::remove(db);
  auto store = keys::TrustStore::open(db);
  if (!store) return 1;
  keys::Anchors anchors;
  anchors.keys.push_back(pki.root_key());
  if (!(*store)->install(build_keyset(pki), anchors, now)) return 1;
  for (const TestStatusList& l : pki.status) {
    if (!(*store)->install(build_status_list(pki, l), anchors, now)) return 1;
  }
  auto snap = (*store)->snapshot();
  if (!snap) return 1;

  constexpr int kRounds = 300;
  for (DocKind d : {DocKind::kEcard, DocKind::kWpnl, DocKind::kWpcard, DocKind::kChip}) {
    double issue_ms = 0, verify_ms = 0;
    std::size_t size = 0;
    int accepted = 0;
    for (int i = 0; i < kRounds; ++i) {
      auto a = Clock::now();
      auto is = issue(pki, {d, "valid", now, static_cast<std::uint64_t>(i), "shanghai"});
      auto b = Clock::now();
      if (!is) return 1;
      VerifySettings s;
      s.jurisdiction = is->jurisdiction;
      Verdict v =
          is->chip ? verify_chip(*is->chip, *snap, s, now) : verify_qr(is->qr, *snap, s, now);
      auto c = Clock::now();
      issue_ms += std::chrono::duration<double, std::milli>(b - a).count();
      verify_ms += std::chrono::duration<double, std::milli>(c - b).count();
      size += is->chip ? is->chip->ef.size() : is->qr.size();
      accepted += v.outcome == Outcome::kAccept;
    }
    std::printf("%-7s issue %.3f ms, verify %.3f ms (mean of %d), %s %.0f, accepted %d/%d\n",
                std::string(name(d)).c_str(), issue_ms / kRounds, verify_ms / kRounds, kRounds,
                d == DocKind::kChip ? "EF bytes" : "QR chars", static_cast<double>(size) / kRounds,
                accepted, kRounds);
  }
  store->reset();
  std::filesystem::remove(db);
  return 0;
}
