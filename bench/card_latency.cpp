// Card present to verdict through a real pcscd (started here, private configuration) with the
// virtual One-Card SSC on vpcd: median and p99 over N insertions. Also the APDU and byte counts of
// one read, and from them an estimate for a real contactless card at 106 kbit/s (assumptions
// printed with it).
//   card_latency [ITERATIONS]     (default 50)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/chip/chip_protocol.h"
#include "app/crypto.h"
#include "app/verifier.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "keys/anchors.h"
#include "keys/store.h"
#include "sim/vcard/pcscd_sandbox.h"
#include "sim/vcard/vector_card.h"
#include "sim/vcard/vpcd_card.h"

using namespace kiosk;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

const std::string kVectors = std::string(KIOSK_SOURCE_DIR) + "/tests/data/vectors";

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  return Bytes(t.begin(), t.end());
}

std::optional<TrustSnapshot> vector_trust(const std::string& db) {
  auto anchors = keys::load_anchors(kVectors + "/anchors");
  auto store = keys::TrustStore::open(db);
  if (!anchors || !store) return std::nullopt;
  std::vector<std::string> files = {kVectors + "/trust/keyset.cose"};
  for (const auto& e : std::filesystem::directory_iterator(kVectors + "/trust/status"))
    files.push_back(e.path().string());
  for (const auto& f : files)
    if (!(*store)->install(slurp(f), *anchors, 1795956800)) return std::nullopt;
  auto snap = (*store)->snapshot();
  if (!snap) return std::nullopt;
  return std::move(*snap);
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 50;
  if (n < 1 || n > 100000 || !crypto_init()) {
    std::fprintf(stderr, "usage: card_latency [ITERATIONS]\n");
    return 2;
  }
  auto db = std::filesystem::temp_directory_path() / "kiosk-card-latency.db";
  std::filesystem::remove(db);
  auto trust = vector_trust(db.string());
  std::filesystem::remove(db);
  if (!trust) {
    std::fprintf(stderr, "card_latency: cannot install the vectors' trust package\n");
    return 1;
  }
  auto pcscd = sim::PcscdSandbox::start(1);
  if (!pcscd) {
    std::fprintf(stderr, "card_latency: %s\n", pcscd.error().c_str());
    return 1;
  }
  auto cfg = sim::vector_card(kVectors);
  if (!cfg) return 1;
  sim::VpcdCard card(*cfg, (*pcscd)->port(0));
  card.set_inserted(false);
  card.start();
  drivers::PcscCardReader reader;
  VerifySettings settings;
  settings.jurisdiction = {"3101"};

  std::vector<double> to_verdict, connect_only, read_only, verify_only, disconnect_only;
  chip::ChipStats stats;
  int failures = 0;
  for (int i = 0; i < n; ++i) {
    if (!sim::wait_no_card(reader, 20s)) return 1;
    auto t0 = Clock::now();
    card.set_inserted(true);  // the card enters the field
    auto found = reader.wait_for_card("", 20s);
    if (!found) return 1;
    auto t1 = Clock::now();
    auto ch = reader.connect(*found);
    auto tc = Clock::now();
    if (!ch) {
      ++failures;
      card.set_inserted(false);
      continue;
    }
    auto read = chip::read_chip(**ch);
    auto t2 = Clock::now();
    (*ch)->disconnect();
    disconnect_only.push_back(ms(Clock::now() - t2));
    if (!read) {
      ++failures;
      card.set_inserted(false);
      continue;
    }
    auto tv = Clock::now();
    Verdict v = verify_chip(read->input, *trust, settings, 1796000000);
    auto t3 = Clock::now();
    if (v.outcome != Outcome::kAccept) ++failures;
    to_verdict.push_back(ms(t3 - t0) - ms(tv - t2));  // the reset after the read is not on the path
    read_only.push_back(ms(t2 - tc));
    connect_only.push_back(ms(tc - t1));
    verify_only.push_back(ms(t3 - tv));
    stats = read->stats;
    card.set_inserted(false);  // the card leaves
  }
  if (to_verdict.empty()) return 1;
  std::printf("card_latency: %zu reads through pcscd %s + vpcd + virtual card, %d failed\n",
              to_verdict.size(), (*pcscd)->isolated() ? "(private namespace)" : "(fixed socket)",
              failures);
  std::printf("  card present -> verdict : median %8.2f ms   p99 %8.2f ms\n",
              percentile(to_verdict, 0.5), percentile(to_verdict, 0.99));
  std::printf("    of which connect     : median %8.2f ms   p99 %8.2f ms\n",
              percentile(connect_only, 0.5), percentile(connect_only, 0.99));
  std::printf("    of which read (APDUs): median %8.2f ms   p99 %8.2f ms\n",
              percentile(read_only, 0.5), percentile(read_only, 0.99));
  std::printf("    of which verify      : median %8.3f ms   p99 %8.3f ms\n",
              percentile(verify_only, 0.5), percentile(verify_only, 0.99));
  std::printf("    (after the verdict, disconnect with reset: median %.2f ms)\n",
              percentile(disconnect_only, 0.5));
  std::printf("    (the rest is pcscd noticing the card: it polls vpcd every 400 ms)\n");
  std::printf("  one read: %zu APDUs, %zu bytes to the card, %zu bytes from it (SW included)\n",
              stats.apdus, stats.bytes_out, stats.bytes_in);

  // Estimate for a real ISO 14443-4 contactless card at 106 kbit/s. Assumptions:
  const double byte_us = 9.0 / 106.0e3 * 1e6;  // 8 bits + parity at 106 kbit/s: 84.9 us
  const double frame_overhead_bytes = 3 + 1;   // PCB + CRC_A (2), SOF/EOF and guard ~1 byte
  const double fdt_us = 2 * 90.0;              // frame delay time, each direction (~86 us)
  const double host_per_apdu_us = 1000.0;      // PC/SC + CCID (USB) round trip per APDU
  const double card_cmd_us = 2000.0;           // card: SELECT / READ BINARY / GET RESPONSE each
  const double card_sign_us = 80000.0;         // card: one Ed25519 signature (30..150 ms seen)
  const double activation_us = 5000.0;         // anticollision, RATS/ATS, PPS
  double air_us = (static_cast<double>(stats.bytes_out + stats.bytes_in) +
                   frame_overhead_bytes * 2 * static_cast<double>(stats.apdus)) *
                  byte_us;
  double turn_us = static_cast<double>(stats.apdus) * (fdt_us + host_per_apdu_us);
  double card_us = static_cast<double>(stats.apdus - 1) * card_cmd_us + card_sign_us;
  double verify_us = percentile(verify_only, 0.5) * 1000.0;
  double total_us = activation_us + air_us + turn_us + card_us + verify_us;
  std::printf(
      "  estimate, real contactless card at 106 kbit/s (no frame chaining, FSC = FSD = 256):\n");
  std::printf("    activation %.1f ms + air %.1f ms (%.1f us/byte, %g bytes/frame overhead)\n",
              activation_us / 1000, air_us / 1000, byte_us, frame_overhead_bytes);
  std::printf("    + turnarounds %.1f ms (FDT %g us, host/CCID %g us per APDU)\n", turn_us / 1000,
              fdt_us, host_per_apdu_us);
  std::printf(
      "    + card processing %.1f ms (%g ms per command, %g ms for the Ed25519 signature)\n",
      card_us / 1000, card_cmd_us / 1000, card_sign_us / 1000);
  std::printf("    + verify %.2f ms = %.0f ms from card in the field to verdict\n",
              verify_us / 1000, total_us / 1000);
  std::printf("    (plus the reader's card-detection polling, typically 100..300 ms)\n");
  card.stop();
  return failures == 0 ? 0 : 1;
}
