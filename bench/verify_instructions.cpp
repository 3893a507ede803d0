// Instruction counts (callgrind) of the verifier against bare libsodium verification of the same
// signatures: a figure that load from other processes cannot disturb. Run through
// bench/verify_instructions.sh, which starts it under valgrind --tool=callgrind.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/base45.h"
#include "app/credential.h"
#include "app/json.h"
#include "app/verifier.h"
#include "app/zlib_codec.h"

using namespace kiosk;

namespace {

std::string read_text(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

volatile int g_sink;

}  // namespace

int main() {
  if (!crypto_init()) return 1;
  const std::string data = KIOSK_TEST_DATA;
  std::string ks_text = read_text(data + "/vectors/trust/keyset.cose");
  Bytes ks(ks_text.begin(), ks_text.end());
  TrustSnapshot trust;
  auto msg = cose::parse_sign1(ks);
  trust.keyset = parse_keyset_payload(msg->payload);
  for (const auto& e : std::filesystem::directory_iterator(data + "/vectors/trust/status")) {
    std::string t = read_text(e.path());
    Bytes b(t.begin(), t.end());
    auto m = cose::parse_sign1(b);
    auto l = parse_status_payload(m->payload);
    trust.status.emplace(l->iss, std::move(*l));
  }
  trust.time_floor = static_cast<std::int64_t>(trust.keyset->iat);
  auto cases = json::parse(read_text(data + "/vectors/cases.json"));
  std::string qr;
  for (const auto& c : cases->get("cases")->array) {
    if (c.get("id")->string == "ecard-valid") qr = c.get("input")->get("qr")->string;
  }
  const VerifySettings settings{{"3101"}, 90, 30};
  const std::int64_t now = 1796000000;

  // The same two signatures, prepared outside the measured region.
  Bytes cose_bytes = *zlib::inflate(*base45::decode(std::string_view(qr).substr(5)), 4096);
  auto p = parse_presentation(cose_bytes);
  auto c = parse_credential(p->credential);
  const IssuerKey* key = trust.keyset->find(c->kid);
  Bytes m1 = cose::sig_structure(c->cose.protected_bytes, c->cose.payload);
  Bytes m2 = cose::sig_structure(p->cose.protected_bytes, p->cose.payload);
  if (verify_qr(qr, trust, settings, now).outcome != Outcome::kAccept) {
    std::fprintf(stderr, "the sample e-card does not verify\n");
    return 2;
  }

  constexpr int kN = 20;
  CALLGRIND_ZERO_STATS;
  CALLGRIND_TOGGLE_COLLECT;
  for (int i = 0; i < kN; ++i)
    g_sink = static_cast<int>(verify_qr(qr, trust, settings, now).outcome);
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_DUMP_STATS_AT("verifier");
  CALLGRIND_TOGGLE_COLLECT;
  for (int i = 0; i < kN; ++i) {
    g_sink = crypto_sign_verify_detached(c->cose.signature.data(), m1.data(), m1.size(),
                                         key->pub.raw().data()) +
             crypto_sign_verify_detached(p->cose.signature.data(), m2.data(), m2.size(),
                                         c->cnf->raw().data());
  }
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_DUMP_STATS_AT("bare");
  std::printf("ran %d e-card verdicts and %d pairs of bare verifications\n", kN, kN);
  return 0;
}
