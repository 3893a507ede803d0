// The signature face (app/sign): SM3 against GB/T 32905's examples, SM2 against GB/T 32918.2's
// example (Z and e; its signature lies on the standard's test curve, which OpenSSL 3.0's SM2 code
// cannot load, so the signature itself is checked with OpenSSL's own SM2 example on sm2p256v1),
// the vectors' test keys, and every kind of bad key and signature of issue 13.
#include <doctest/doctest.h>

#include "app/cose.h"
#include "app/credential.h"
#include "app/json.h"
#include "app/sign/sign.h"
#include "app/sign/sm2.h"
#include "tests/support/tempdir.h"

using namespace kiosk;

namespace {

Bytes hex(std::string_view h) {
  auto b = from_hex(h);
  REQUIRE(b);
  return *b;
}

Bytes ascii(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// GB/T 32918.2-2016 Annex A (A.2): ID, curve (the Fp-256 test curve), public key, Z_A, e, r, s.
constexpr std::string_view kAnnexId = "ALICE123@YAHOO.COM";
constexpr std::string_view kAnnexCurve =
    "787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498"   // a
    "63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A"   // b
    "421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"   // xG
    "0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2";  // yG
constexpr std::string_view kAnnexPub =
    "0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
    "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857";
constexpr std::string_view kAnnexZ =
    "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A";
constexpr std::string_view kAnnexE =
    "B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76";

// OpenSSL 3's test/evp_extra_test.c (test_EVP_SM2_verify): a key on sm2p256v1, "message digest"
// with the ID "ALICE123@YAHOO.COM"; its DER signature as r || s.
constexpr std::string_view kOsslPub =
    "04a7528b5aad591368e6a009e70491352c11b156bd7c62fbea102582a577c043da"
    "9427e526b619d43dfd2233749a5ca1dee8f94b203c8d9563166fd45487fc94de";
constexpr std::string_view kOsslSig =
    "5bdbab814fbb8b69b1059c993bb245064a30155984cdee3060365787ef5cd0be"
    "438d1fc7777239bb72e1fd0758d582c82dba3b2c4624e350ff04c7a0719fa470";

constexpr std::string_view kOrderHex =
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123";

VerifyKey sm2_key(std::string_view point_hex) {
  auto k = VerifyKey::make(SigAlg::kSm2, hex(point_hex));
  REQUIRE(k);
  return *k;
}

}  // namespace

TEST_CASE("sm3: GB/T 32905 examples") {
  CHECK(to_hex(sm2::sm3(ascii("abc"))) ==
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  std::string abcd16;
  for (int i = 0; i < 16; ++i)
    abcd16 += "abcd";
  CHECK(to_hex(sm2::sm3(ascii(abcd16))) ==
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

TEST_CASE("sm2: GB/T 32918.2 Annex A: Z_A and e with the project's SM3") {
  // Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA), e = SM3(Z_A || M).
  Bytes in = {0x00, 0x90};  // ENTL: 18 bytes = 144 bits
  Bytes id = ascii(kAnnexId), curve = hex(kAnnexCurve), pub = hex(kAnnexPub);
  in.insert(in.end(), id.begin(), id.end());
  in.insert(in.end(), curve.begin(), curve.end());
  in.insert(in.end(), pub.begin(), pub.end());
  auto z = sm2::sm3(in);
  CHECK(equal(z, hex(kAnnexZ)));
  Bytes zm(z.begin(), z.end());
  Bytes m = ascii("message digest");
  zm.insert(zm.end(), m.begin(), m.end());
  CHECK(equal(sm2::sm3(zm), hex(kAnnexE)));
}

TEST_CASE("sm2: OpenSSL's sm2p256v1 example through the project's verification") {
  VerifyKey k = sm2_key(kOsslPub);
  const auto* prepared = static_cast<const sm2::PreparedKey*>(k.prepared());
  REQUIRE(prepared);
  Bytes msg = ascii("message digest");
  Bytes sig = hex(kOsslSig);
  CHECK(sm2::verify(*prepared, msg, sig, kAnnexId));
  // The same signature under the default ID, or over another message, does not verify.
  CHECK_FALSE(sm2::verify(*prepared, msg, sig));
  CHECK_FALSE(sm2::verify(*prepared, ascii("message digesT"), sig, kAnnexId));
}

TEST_CASE("sm2: keys from the vectors' test seeds; sign and verify round trip") {
  auto doc =
      json::parse(kiosk::test::read_text(kiosk::test::data_path("vectors-sm2/test-keys.json")));
  REQUIRE(doc);
  int sm2_keys = 0;
  for (const auto& member : doc->get("keys")->object) {
    const json::Value& k = member.second;
    CAPTURE(member.first);
    auto seed = to_array<32>(hex(k.get("seed")->string));
    REQUIRE(seed);
    SigAlg alg = k.get("alg")->number == -65600 ? SigAlg::kSm2 : SigAlg::kEd25519;
    SigningKey sk = SigningKey::from_seed(alg, *seed);
    CHECK(to_hex(sk.public_key().raw()) == k.get("pub")->string);
    CHECK(to_hex(sk.kid()) == k.get("kid")->string);
    Bytes msg = ascii("WPCN-AA1 challenge");
    auto sig = sk.sign(msg);
    CHECK(sign::verify(alg, sk.public_key(), msg, sig));
    msg.back() ^= 1;
    CHECK_FALSE(sign::verify(alg, sk.public_key(), msg, sig));
    sm2_keys += alg == SigAlg::kSm2;
  }
  CHECK(sm2_keys >= 3);
}

TEST_CASE("sm2: a signature made with an empty user ID (OpenSSL 3.0's default) does not verify") {
  Seed seed{};
  seed[0] = 7;
  auto sk = sm2::SecretKey::from_seed(seed);
  auto k = sm2_key(to_hex(sk.public_point()));
  Bytes msg = ascii("payload");
  auto with_empty_id = sk.sign(msg, "");
  CHECK_FALSE(sign::verify(SigAlg::kSm2, k, msg, with_empty_id));
  CHECK(sign::verify(SigAlg::kSm2, k, msg, sk.sign(msg)));
}

TEST_CASE("sm2: bad keys are refused when the key is made") {
  Bytes good = hex(kOsslPub);
  CHECK(VerifyKey::make(SigAlg::kSm2, good));
  Bytes off = good;
  off[64] ^= 1;  // y changed: off the curve
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, off));
  Bytes zero(65, 0);
  zero[0] = 0x04;  // (0, 0): not on the curve (and the usual stand-in for infinity)
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, zero));
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, Bytes{0x00}));  // the SEC 1 point at infinity
  Bytes compressed(good.begin(), good.begin() + 33);
  compressed[0] = 0x02 | (good[64] & 1);
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, compressed));
  Bytes hybrid = good;
  hybrid[0] = 0x06 | (good[64] & 1);
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, hybrid));
  Bytes big_x = good;  // x = p + something: coordinates must be below p
  std::fill(big_x.begin() + 1, big_x.begin() + 33, 0xFF);
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, big_x));
  // A 32-byte key marked SM2, a 65-byte key marked Ed25519.
  CHECK_FALSE(VerifyKey::make(SigAlg::kSm2, Bytes(32, 0x11)));
  CHECK_FALSE(VerifyKey::make(SigAlg::kEd25519, good));
  CHECK(VerifyKey::make(SigAlg::kEd25519, Bytes(32, 0x11)));
}

TEST_CASE("sm2: r and s outside [1, n-1], DER and odd-sized signatures do not verify") {
  VerifyKey k = sm2_key(kOsslPub);
  const auto* prepared = static_cast<const sm2::PreparedKey*>(k.prepared());
  Bytes msg = ascii("message digest");
  Bytes sig = hex(kOsslSig);
  REQUIRE(sm2::verify(*prepared, msg, sig, kAnnexId));
  Bytes n = hex(kOrderHex);
  for (int half = 0; half < 2; ++half) {
    CAPTURE(half);
    Bytes zero = sig;
    std::fill(zero.begin() + 32 * half, zero.begin() + 32 * half + 32, 0);
    CHECK_FALSE(sm2::verify(*prepared, msg, zero, kAnnexId));
    Bytes eq_n = sig;
    std::copy(n.begin(), n.end(), eq_n.begin() + 32 * half);
    CHECK_FALSE(sm2::verify(*prepared, msg, eq_n, kAnnexId));
    Bytes ff = sig;
    std::fill(ff.begin() + 32 * half, ff.begin() + 32 * half + 32, 0xFF);
    CHECK_FALSE(sm2::verify(*prepared, msg, ff, kAnnexId));
    // r + n or s + n does not fit 32 bytes, but the value mod n must not sneak in either: n + v
    // for a small v is >= n and refused.
    Bytes n_plus = sig;
    std::copy(n.begin(), n.end(), n_plus.begin() + 32 * half);
    n_plus[32 * half + 31] = static_cast<std::uint8_t>(n_plus[32 * half + 31] + 1);
    CHECK_FALSE(sm2::verify(*prepared, msg, n_plus, kAnnexId));
  }
  CHECK(sm2::in_scalar_range(hex(std::string(62, '0') + "01")));
  Bytes n_minus_1 = n;
  n_minus_1[31] = static_cast<std::uint8_t>(n_minus_1[31] - 1);
  CHECK(sm2::in_scalar_range(n_minus_1));
  CHECK_FALSE(sm2::in_scalar_range(n));
  // The DER form (70 bytes here) and truncated or padded signatures.
  Bytes der =
      hex("304402205bdbab814fbb8b69b1059c993bb245064a30155984cdee3060365787ef5cd0be0220438d1fc77772"
          "39bb72"
          "e1fd0758d582c82dba3b2c4624e350ff04c7a0719fa470");
  CHECK_FALSE(sm2::verify(*prepared, msg, der, kAnnexId));
  CHECK_FALSE(sign::verify(SigAlg::kSm2, k, msg, der));
  CHECK_FALSE(sm2::verify(*prepared, msg, ByteView(sig).first(63), kAnnexId));
  Bytes longer = sig;
  longer.push_back(0);
  CHECK_FALSE(sm2::verify(*prepared, msg, longer, kAnnexId));
}

TEST_CASE("sign: the message's alg must be the key's") {
  Seed seed{};
  seed[1] = 3;
  SigningKey ed = SigningKey::from_seed(SigAlg::kEd25519, seed);
  SigningKey sm = SigningKey::from_seed(SigAlg::kSm2, seed);
  Bytes msg = ascii("m");
  CHECK(sign::verify(SigAlg::kEd25519, ed.public_key(), msg, ed.sign(msg)));
  CHECK(sign::verify(SigAlg::kSm2, sm.public_key(), msg, sm.sign(msg)));
  CHECK_FALSE(sign::verify(SigAlg::kSm2, ed.public_key(), msg, ed.sign(msg)));
  CHECK_FALSE(sign::verify(SigAlg::kEd25519, sm.public_key(), msg, sm.sign(msg)));

  // COSE: an SM2 key's kid in a message whose protected alg is EdDSA: the signature does not
  // verify (BAD_SIGNATURE in the verifier), even though the SM2 signature itself is right.
  for (std::int64_t alg : {sign::kCoseEdDSA, sign::kCoseSm2}) {
    CAPTURE(alg);
    cbor::Writer prot;
    prot.map(2).uint(1).integer(alg).uint(4).bytes(sm.kid());
    Bytes cose_bytes = cose::sign1(prot.data(), ascii("payload"), sm);
    auto parsed = cose::parse_sign1(cose_bytes);
    REQUIRE(parsed);
    CHECK(cose::verify(*parsed, sm.public_key()) == (alg == sign::kCoseSm2));
  }
  // An unknown alg in a header is UNSUPPORTED.
  for (std::int64_t alg : {std::int64_t{-7}, std::int64_t{-65601}, std::int64_t{-65599}}) {
    cbor::Writer prot;
    prot.map(1).uint(1).integer(alg);
    auto parsed = cose::parse_sign1(cose::sign1(prot.data(), ascii("x"), sm));
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error() == cose::Error::kUnsupported);
  }
}
