// kiosk-vcard: a virtual One-Card SSC for pcscd's vpcd reader driver, for tests and field demos.
//   kiosk-vcard --port PORT (--vectors DIR [--key NAME] | --ef HEX --seed HEX) [misbehaviour...]
// Runs until SIGINT or SIGTERM. Misbehaviour switches: --not-wp, --chain N (61xx pieces of N
// bytes), --endless-61xx, --wrong-le N (wants chunks of N bytes, answers 6Cxx otherwise),
// --wrong-le-loop, --pull-after N [--reinsert-ms MS], --garbage-after N, --oversize-after N
// [--oversize-data BYTES], --silent-after N, --length L (the file claims L bytes).
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "app/crypto.h"
#include "sim/vcard/vector_card.h"
#include "sim/vcard/vpcd_card.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

int usage(const std::string& why) {
  std::cerr << "kiosk-vcard: " << why << "\n"
            << "usage: kiosk-vcard --port PORT (--vectors DIR [--key NAME] | --ef HEX --seed HEX)\n"
               "  [--not-wp] [--chain N] [--endless-61xx] [--wrong-le N] [--wrong-le-loop]\n"
               "  [--pull-after N [--reinsert-ms MS]] [--garbage-after N]\n"
               "  [--oversize-after N [--oversize-data BYTES]] [--silent-after N] [--length L]\n";
  return 2;
}

std::optional<unsigned long> number(const std::string& s, unsigned long max) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  unsigned long v = std::stoul(s);
  if (v > max) return std::nullopt;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kiosk;
  if (!crypto_init()) return 1;
  std::optional<unsigned long> port;
  std::string vectors, key = "card-1", ef_hex, seed_hex;
  sim::VcardConfig mis;
  long reinsert_ms = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    auto num = [&](unsigned long max) -> std::optional<unsigned long> {
      auto v = value();
      return v ? number(*v, max) : std::nullopt;
    };
    std::optional<unsigned long> n;
    if (a == "--port") {
      if (!(port = num(65535))) return usage("--port takes 1..65535");
    } else if (a == "--vectors") {
      auto v = value();
      if (!v) return usage("--vectors takes a directory");
      vectors = *v;
    } else if (a == "--key") {
      auto v = value();
      if (!v) return usage("--key takes a name");
      key = *v;
    } else if (a == "--ef" || a == "--seed") {
      auto v = value();
      if (!v) return usage(a + " takes hex");
      (a == "--ef" ? ef_hex : seed_hex) = *v;
    } else if (a == "--not-wp") {
      mis.not_wp = true;
    } else if (a == "--endless-61xx") {
      mis.endless_61xx = true;
    } else if (a == "--wrong-le-loop") {
      mis.wrong_le_loop = true;
    } else if (a == "--chain" && (n = num(256))) {
      mis.chain_piece = *n;
    } else if (a == "--wrong-le" && (n = num(256))) {
      mis.wrong_le_chunk = *n;
    } else if (a == "--pull-after" && (n = num(1000000))) {
      mis.pull_after = static_cast<std::uint32_t>(*n);
    } else if (a == "--reinsert-ms" && (n = num(3600000))) {
      reinsert_ms = static_cast<long>(*n);
    } else if (a == "--garbage-after" && (n = num(1000000))) {
      mis.garbage_after = static_cast<std::uint32_t>(*n);
    } else if (a == "--oversize-after" && (n = num(1000000))) {
      mis.oversize_after = static_cast<std::uint32_t>(*n);
    } else if (a == "--oversize-data" && (n = num(65000))) {
      mis.oversize_data = *n;
    } else if (a == "--silent-after" && (n = num(1000000))) {
      mis.silent_after = static_cast<std::uint32_t>(*n);
    } else if (a == "--length" && (n = num(65535))) {
      mis.length_override = static_cast<std::uint16_t>(*n);
    } else {
      return usage("unknown or incomplete option '" + a + "'");
    }
  }
  if (!port || *port == 0) return usage("--port is required");

  sim::VcardConfig cfg = mis;
  if (!vectors.empty()) {
    std::string why;
    auto card = sim::vector_card(vectors, "card-1", &why);
    auto seed = sim::vector_seed(vectors, key, &why);
    if (!card || !seed) {
      std::cerr << "kiosk-vcard: " << why << "\n";
      return 1;
    }
    cfg.ef = std::move(card->ef);
    cfg.holder_seed = *seed;
  } else {
    auto ef = from_hex(ef_hex);
    auto seed = from_hex(seed_hex);
    auto arr = seed ? to_array<crypto_sign_SEEDBYTES>(*seed) : std::nullopt;
    if (!ef || ef->empty() || !arr) return usage("give --vectors DIR, or --ef HEX and --seed HEX");
    cfg.ef = std::move(*ef);
    cfg.holder_seed = *arr;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  sim::VpcdCard card(std::move(cfg), static_cast<std::uint16_t>(*port),
                     std::chrono::milliseconds(reinsert_ms));
  card.start();
  std::cerr << "kiosk-vcard: serving 127.0.0.1:" << *port << "\n";
  while (!g_stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  card.stop();
  std::cerr << "kiosk-vcard: stopped after " << card.apdus() << " APDUs\n";
  return 0;
}
