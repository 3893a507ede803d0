// Verifier throughput per document from QR text (or chip answer), side by side with bare
// libsodium Ed25519 verification of the same signatures; the same for SM2 (tests/data/vectors-sm2)
// beside bare OpenSSL SM2 verification (EVP, key imported and signatures DER-encoded before the
// clock starts); and the status-list lookup budget.
//   build/bench/verify_bench [SECONDS_PER_ROW]
#include <malloc.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "app/base45.h"
#include "app/cbor.h"
#include "app/chip_file.h"
#include "app/credential.h"
#include "app/json.h"
#include "app/verifier.h"
#include "app/zlib_codec.h"
#include "keys/install.h"

using namespace kiosk;
using Clock = std::chrono::steady_clock;

namespace {

std::string read_text(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
Bytes read_bytes(const std::string& p) {
  std::string s = read_text(p);
  return Bytes(s.begin(), s.end());
}

/// Runs `f` repeatedly for about `seconds`; returns operations per second.
double rate_once(double seconds, const std::function<void()>& f) {
  for (int i = 0; i < 50; ++i)
    f();  // warm up
  std::size_t n = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  Clock::time_point t;
  do {
    for (int i = 0; i < 64; ++i)
      f();
    n += 64;
    t = Clock::now();
  } while (t < end);
  return static_cast<double>(n) / std::chrono::duration<double>(t - start).count();
}

/// Best of several interleaved rounds of `a` and `b`, so that load from other processes on the
/// machine hits both sides alike. Returns {rate of a, rate of b}.
std::pair<double, double> side_by_side(double seconds, const std::function<void()>& a,
                                       const std::function<void()>& b) {
  constexpr int kRounds = 7;
  double ra = 0, rb = 0;
  for (int i = 0; i < kRounds; ++i) {
    ra = std::max(ra, rate_once(seconds / kRounds, a));
    rb = std::max(rb, rate_once(seconds / kRounds, b));
  }
  return {ra, rb};
}

volatile int g_sink;

struct Signed {
  Bytes msg, sig;
  VerifyKey pub;
};

/// The issuer signature of a credential exactly as the verifier checks it.
Signed issuer_signature(ByteView cred_bytes, const KeySet& ks) {
  auto c = parse_credential(cred_bytes);
  if (!c) std::abort();
  const IssuerKey* k = ks.find(c->kid);
  if (!k) std::abort();
  return {cose::sig_structure(c->cose.protected_bytes, c->cose.payload),
          Bytes(c->cose.signature.begin(), c->cose.signature.end()), k->pub};
}

bool bare(const Signed& s) {
  return crypto_sign_verify_detached(s.sig.data(), s.msg.data(), s.msg.size(),
                                     s.pub.raw().data()) == 0;
}

/// A signature ready for bare OpenSSL SM2 verification: the key imported, r || s as DER.
struct BareSm2 {
  Bytes msg, der;
  EVP_PKEY* pkey = nullptr;
};

BareSm2 bare_sm2_of(const Signed& s) {
  BareSm2 b;
  b.msg = s.msg;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, s.pub.raw().data(),
                                   s.pub.raw().size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr);
  if (EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &b.pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    std::abort();
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  ECDSA_SIG* es = ECDSA_SIG_new();
  ECDSA_SIG_set0(es, BN_bin2bn(s.sig.data(), 32, nullptr),
                 BN_bin2bn(s.sig.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(es, &der);
  b.der.assign(der, der + n);
  OPENSSL_free(der);
  ECDSA_SIG_free(es);
  return b;
}

bool bare_sm2(const BareSm2& b) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(md, &pctx, EVP_sm3(), nullptr, b.pkey) == 1 &&
            EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16) > 0 &&
            EVP_DigestVerifyUpdate(md, b.msg.data(), b.msg.size()) == 1 &&
            EVP_DigestVerifyFinal(md, b.der.data(), b.der.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

/// The trust package of a vector set, parsed directly (no SQLite in the timed path anyway).
TrustSnapshot load_trust(const std::string& dir) {
  TrustSnapshot trust;
  Bytes ks = read_bytes(dir + "/keyset.cose");
  auto msg = cose::parse_sign1(ks);
  trust.keyset = parse_keyset_payload(msg->payload);
  if (!trust.keyset) std::abort();
  for (const auto& e : std::filesystem::directory_iterator(dir + "/status")) {
    Bytes b = read_bytes(e.path());
    auto m = cose::parse_sign1(b);
    auto l = parse_status_payload(m->payload);
    trust.status.emplace(l->iss, std::move(*l));
  }
  trust.time_floor = static_cast<std::int64_t>(trust.keyset->iat);
  return trust;
}

Bytes unwrap(const std::string& qr) {
  auto b = base45::decode(std::string_view(qr).substr(5));
  auto z = zlib::inflate(*b, 4096);
  return *z;
}

}  // namespace

int main(int argc, char** argv) {
  if (!crypto_init()) return 1;
  double secs = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string data = KIOSK_TEST_DATA;
  auto cases = json::parse(read_text(data + "/vectors/cases.json"));
  if (!cases) return 1;

  // The trust package, as installed (parsed directly: no SQLite in the timed path anyway).
  TrustSnapshot trust;
  {
    Bytes ks = read_bytes(data + "/vectors/trust/keyset.cose");
    auto msg = cose::parse_sign1(ks);
    trust.keyset = parse_keyset_payload(msg->payload);
    for (const auto& e : std::filesystem::directory_iterator(data + "/vectors/trust/status")) {
      Bytes b = read_bytes(e.path());
      auto m = cose::parse_sign1(b);
      auto l = parse_status_payload(m->payload);
      trust.status.emplace(l->iss, std::move(*l));
    }
    trust.time_floor = static_cast<std::int64_t>(trust.keyset->iat);
  }
  const VerifySettings settings{{"3101"}, 90, 30};
  const std::int64_t now = 1796000000;
  auto input_of = [&](const char* id) -> const json::Value& {
    for (const auto& c : cases->get("cases")->array) {
      if (c.get("id")->string == id) return *c.get("input");
    }
    std::abort();
  };

  std::printf("%-10s %14s %14s %10s  %s\n", "document", "verdicts/s", "bare Ed25519/s", "ratio",
              "bare = the same signatures, libsodium only");

  // e-card: two signatures (issuer over the credential, holder over the presentation).
  {
    std::string qr = input_of("ecard-valid").get("qr")->string;
    Bytes cose = unwrap(qr);
    auto p = parse_presentation(cose);
    Signed issuer = issuer_signature(p->credential, *trust.keyset);
    auto c = parse_credential(p->credential);
    Signed holder{cose::sig_structure(p->cose.protected_bytes, p->cose.payload),
                  Bytes(p->cose.signature.begin(), p->cose.signature.end()), *c->cnf};
    if (verify_qr(qr, trust, settings, now).outcome != Outcome::kAccept) std::abort();
    auto [v, b] = side_by_side(
        secs, [&] { g_sink = static_cast<int>(verify_qr(qr, trust, settings, now).outcome); },
        [&] { g_sink = bare(issuer) + bare(holder); });
    std::printf("%-10s %14.0f %14.0f %10.3f  (2 signatures per verdict; target ratio <= 1.3)\n",
                "E_SSC", v, b, b / v);
  }
  for (auto [doc, id] : {std::pair{"WPNL", "wpnl-valid"}, std::pair{"WP_CARD", "wpcard-valid"}}) {
    std::string qr = input_of(id).get("qr")->string;
    Bytes cose = unwrap(qr);
    Signed issuer = issuer_signature(cose, *trust.keyset);
    if (verify_qr(qr, trust, settings, now).outcome != Outcome::kAccept) std::abort();
    auto [v, b] = side_by_side(
        secs, [&] { g_sink = static_cast<int>(verify_qr(qr, trust, settings, now).outcome); },
        [&] { g_sink = bare(issuer); });
    std::printf("%-10s %14.0f %14.0f %10.3f  (1 signature per verdict)\n", doc, v, b, b / v);
  }
  // The chip: two signatures (issuer over EF.CRED, the card's key over context || challenge).
  auto chip_row = [&](const json::Value& chip, const TrustSnapshot& t, std::int64_t at,
                      auto bare_of, auto bare_verify) {
    json::Writer w;
    w.begin_object();
    for (const char* k : {"ef", "challenge", "signature"})
      w.key(k).string(chip.get(k)->string);
    w.end_object();
    ChipInput in = *parse_chip_file(w.take());
    auto issuer = bare_of(issuer_signature(ByteView(in.ef).subspan(2), *t.keyset));
    auto c = parse_credential(ByteView(in.ef).subspan(2));
    Bytes msg(kChipAuthContext.begin(), kChipAuthContext.end());
    msg.insert(msg.end(), in.challenge.begin(), in.challenge.end());
    auto aa = bare_of(Signed{msg, in.signature, *c->cnf});
    if (verify_chip(in, t, settings, at).outcome != Outcome::kAccept) std::abort();
    if (!bare_verify(issuer) || !bare_verify(aa)) std::abort();
    auto [v, b] = side_by_side(
        secs, [&] { g_sink = static_cast<int>(verify_chip(in, t, settings, at).outcome); },
        [&] { g_sink = bare_verify(issuer) + bare_verify(aa); });
    std::printf("%-10s %14.0f %14.0f %10.3f  (2 signatures per verdict)\n", "SSC_CHIP", v, b,
                b / v);
  };
  chip_row(
      *input_of("chip-valid").get("chip"), trust, now, [](Signed s) { return s; },
      [](const Signed& s) { return bare(s); });

  // SM2 with SM3 (spec section 9): the vectors-sm2 documents, all-SM2 PKI.
  {
    auto sm2_cases = json::parse(read_text(data + "/vectors-sm2/cases.json"));
    if (!sm2_cases) return 1;
    TrustSnapshot sm2_trust = load_trust(data + "/vectors-sm2/trust");
    const std::int64_t sm2_now = 1796100000;  // the vectors-sm2 cases' time
    auto sm2_input = [&](const char* id) -> const json::Value& {
      for (const auto& c : sm2_cases->get("cases")->array) {
        if (c.get("id")->string == id) return *c.get("input");
      }
      std::abort();
    };
    std::printf("\n%-10s %14s %14s %10s  %s\n", "SM2 doc", "verdicts/s", "bare SM2/s", "ratio",
                "bare = the same signatures, OpenSSL EVP only");
    {
      std::string qr = sm2_input("sm2-ecard-valid").get("qr")->string;
      Bytes cose = unwrap(qr);
      auto p = parse_presentation(cose);
      auto c = parse_credential(p->credential);
      BareSm2 issuer = bare_sm2_of(issuer_signature(p->credential, *sm2_trust.keyset));
      BareSm2 holder =
          bare_sm2_of(Signed{cose::sig_structure(p->cose.protected_bytes, p->cose.payload),
                             Bytes(p->cose.signature.begin(), p->cose.signature.end()), *c->cnf});
      if (verify_qr(qr, sm2_trust, settings, sm2_now).outcome != Outcome::kAccept) std::abort();
      if (!bare_sm2(issuer) || !bare_sm2(holder)) std::abort();
      auto [v, b] = side_by_side(
          secs,
          [&] { g_sink = static_cast<int>(verify_qr(qr, sm2_trust, settings, sm2_now).outcome); },
          [&] { g_sink = bare_sm2(issuer) + bare_sm2(holder); });
      std::printf("%-10s %14.0f %14.0f %10.3f  (2 signatures per verdict; target ratio <= 1.3)\n",
                  "E_SSC", v, b, b / v);
    }
    for (auto [doc, id] :
         {std::pair{"WPNL", "sm2-wpnl-valid"}, std::pair{"WP_CARD", "sm2-wpcard-valid"}}) {
      std::string qr = sm2_input(id).get("qr")->string;
      Bytes cose = unwrap(qr);
      BareSm2 issuer = bare_sm2_of(issuer_signature(cose, *sm2_trust.keyset));
      if (verify_qr(qr, sm2_trust, settings, sm2_now).outcome != Outcome::kAccept) std::abort();
      auto [v, b] = side_by_side(
          secs,
          [&] { g_sink = static_cast<int>(verify_qr(qr, sm2_trust, settings, sm2_now).outcome); },
          [&] { g_sink = bare_sm2(issuer); });
      std::printf("%-10s %14.0f %14.0f %10.3f  (1 signature per verdict)\n", doc, v, b, b / v);
    }
    chip_row(*sm2_input("sm2-chip-valid").get("chip"), sm2_trust, sm2_now, bare_sm2_of, bare_sm2);
  }

  // Status list with 10 million entries: memory held and lookup cost.
  {
    const std::uint64_t size = 10'000'000;
    Bytes bits((size + 7) / 8, 0);
    for (std::uint64_t i = 0; i < size; i += 997)
      bits[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
    Bytes z = zlib::deflate(bits);
    cbor::Writer w;
    w.map(6)
        .uint(1)
        .text("CN-310000")
        .uint(2)
        .uint(1)
        .uint(3)
        .uint(1)
        .uint(4)
        .uint(2)
        .uint(5)
        .bytes(z)
        .uint(6)
        .uint(size);
    Bytes payload = w.take();
    bits.clear();
    bits.shrink_to_fit();
    malloc_trim(0);
    auto heap = [] {
      auto m = mallinfo2();
      return m.uordblks + m.hblkhd;
    };
    std::size_t before = heap();
    auto list = parse_status_payload(payload);
    std::size_t after = heap();
    if (!list) std::abort();
    std::uint64_t x = 12345, hits = 0;
    auto t0 = Clock::now();
    const std::uint64_t lookups = 20'000'000;
    for (std::uint64_t i = 0; i < lookups; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      hits += list->revoked((x >> 17) % size);
    }
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                static_cast<double>(lookups);
    g_sink = static_cast<int>(hits);
    double bitstring = static_cast<double>((size + 7) / 8);
    std::printf(
        "\nstatus list: %llu entries, bitstring %.2f MB, heap held after parse %.2f MB (%.2fx; "
        "target <= 2x), "
        "compressed %zu bytes, lookup %.1f ns (O(1) bit test)\n",
        static_cast<unsigned long long>(size), bitstring / 1e6,
        static_cast<double>(after - before) / 1e6, static_cast<double>(after - before) / bitstring,
        z.size(), ns);
  }
  return 0;
}
