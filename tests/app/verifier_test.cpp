// One test (at least) per reason code, each rule hit on its own with minted credentials.
#include <doctest/doctest.h>

#include "app/base45.h"
#include "app/chip_file.h"
#include "app/json.h"
#include "app/verifier.h"
#include "app/zlib_codec.h"
#include "tests/support/mint.h"
#include "tests/support/sample_holder.h"

using namespace kiosk;
using namespace kiosk::test;

namespace {

struct World {
  KeyPair shanghai{vector_seed("issuer-shanghai")};
  KeyPair national{vector_seed("issuer-national")};
  KeyPair holder{vector_seed("holder-1")};
  KeyPair card{vector_seed("card-1")};
  KeyPair stranger{vector_seed("root")};  // a key no bundle lists as an issuer
  TrustBuilder tb;
  VerifySettings settings{{"3101"}, 90, 30};

  Verdict wpnl(const Fields& c, const KeyPair& signer) {
    return verify_qr(qr("WPC1:", sign_credential(c, signer)), tb.build(), settings, kNow);
  }
  Verdict ecard(const Fields& c, std::uint64_t t, const KeyPair& signer, const KeyPair& phone) {
    Bytes cred = sign_credential(c, signer);
    return verify_qr(qr("WPP1:", present(cred, t, phone)), tb.build(), settings, kNow);
  }
  Verdict chip(const Fields& c, const KeyPair& chip_key, const KeyPair& signer) {
    Bytes cred = sign_credential(c, signer);
    ChipInput in;
    in.ef = {static_cast<std::uint8_t>(cred.size() >> 8), static_cast<std::uint8_t>(cred.size())};
    in.ef.insert(in.ef.end(), cred.begin(), cred.end());
    in.challenge = Bytes(32, 0x5A);
    Bytes msg(kChipAuthContext.begin(), kChipAuthContext.end());
    msg.insert(msg.end(), in.challenge.begin(), in.challenge.end());
    auto sig = chip_key.sign(msg);
    in.signature.assign(sig.begin(), sig.end());
    return verify_chip(in, tb.build(), settings, kNow);
  }
};

void expect(const Verdict& v, Outcome o, Document d, std::vector<Reason> rs) {
  CHECK(name(v.outcome) == name(o));
  CHECK(name(v.document) == name(d));
  std::vector<std::string_view> got, want;
  for (auto r : v.reasons)
    got.push_back(name(r));
  for (auto r : rs)
    want.push_back(name(r));
  CHECK(got == want);
}

}  // namespace

TEST_CASE("verifier: the valid documents are accepted with the holder record") {
  World w;
  auto v = w.wpnl(claims(Document::kWpnl, {}), w.shanghai);
  expect(v, Outcome::kAccept, Document::kWpnl, {});
  REQUIRE(v.holder);
  CHECK(v.holder->name == "MUELLER, Anna Katharina");
  CHECK(v.holder->empn == "上海示例科技有限公司");
  expect(w.wpnl(claims(Document::kWpCard, {}), w.shanghai), Outcome::kAccept, Document::kWpCard,
         {});
  expect(w.ecard(claims(Document::kESsc, w.holder.public_key()), kNow, w.shanghai, w.holder),
         Outcome::kAccept, Document::kESsc, {});
  expect(w.chip(claims(Document::kSscChip, w.card.public_key()), w.card, w.shanghai),
         Outcome::kAccept, Document::kSscChip, {});
}

TEST_CASE("verifier: MALFORMED stops alone, with no holder record") {
  World w;
  auto snap = w.tb.build();
  for (const char* text : {"", "WPC1:", "WPC2:ABC", "wpc1:BB8", "WPC1:GGW", "WPP1:A", "HC1:BB8"}) {
    auto v = verify_qr(text, snap, w.settings, kNow);
    expect(v, Outcome::kReject, Document::kUnknown, {Reason::kMalformed});
    CHECK_FALSE(v.holder);
  }
  // Over 2000 characters, even if otherwise valid.
  std::string longtext = qr("WPC1:", sign_credential(claims(Document::kWpnl, {}), w.shanghai));
  longtext += std::string(2001 - longtext.size(), '0');
  expect(verify_qr(longtext, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  // Decompressed COSE over 4096 bytes.
  Fields big = claims(Document::kWpnl, {});
  big.set(99, bytes_(Bytes(4200, 7)));
  std::string bomb = qr("WPC1:", sign_credential(big, w.shanghai));
  REQUIRE(bomb.size() <= 2000);
  expect(verify_qr(bomb, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
}

TEST_CASE("verifier: field rules give MALFORMED") {
  World w;
  auto malformed = [&](Fields c) {
    expect(w.wpnl(c, w.shanghai), Outcome::kReject, Document::kUnknown, {Reason::kMalformed});
  };
  auto with_wp = [&](auto edit) {
    Fields wp = wp_record(Document::kWpnl);
    edit(wp);
    Fields c = claims(Document::kWpnl, {});
    c.set(-65537, wp.encode());
    return c;
  };
  malformed(Fields(claims(Document::kWpnl, {})).erase(1));                           // no iss
  malformed(Fields(claims(Document::kWpnl, {})).set(4, int_(-5)));                   // negative exp
  malformed(Fields(claims(Document::kWpnl, {})).set(5, uint_(kNow + 400 * 86400)));  // nbf > exp
  malformed(Fields(claims(Document::kWpnl, {})).set(7, bytes_({})));                 // empty cti
  malformed(Fields(claims(Document::kWpnl, {})).set(7, bytes_(Bytes(17, 1))));
  malformed(Fields(claims(Document::kWpnl, {})).set(6, text_("yesterday")));
  malformed(Fields(claims(Document::kWpnl, {})).erase(-65537));
  malformed(
      Fields(claims(Document::kWpnl, {}))
          .set(8,
               claims(Document::kESsc, w.holder.public_key()).entries[5].second));  // cnf forbidden
  malformed(with_wp([](Fields& f) { f.erase(2); }));
  malformed(with_wp([](Fields& f) { f.set(2, text_(std::string(33, '9'))); }));
  malformed(with_wp([](Fields& f) { f.set(4, text_("")); }));
  malformed(with_wp([](Fields& f) { f.set(5, text_("de")); }));
  malformed(with_wp([](Fields& f) { f.set(5, text_("DE1")); }));
  malformed(with_wp([](Fields& f) { f.set(6, text_("15.02.1987")); }));
  malformed(with_wp([](Fields& f) { f.set(6, text_("1987-2-15")); }));
  malformed(with_wp([](Fields& f) { f.erase(7); }));
  malformed(with_wp([](Fields& f) { f.set(8, text_("D")); }));
  malformed(with_wp([](Fields& f) { f.set(9, text_("91310115ma1h7x8y2k")); }));
  malformed(with_wp([](Fields& f) { f.set(10, text_("31011")); }));
  malformed(with_wp([](Fields& f) { f.set(10, uint_(310115)); }));
  malformed(with_wp([](Fields& f) { f.set(11, int_(-1)); }));
  malformed(with_wp([](Fields& f) { f.set(12, uint_(1)); }));
  malformed(with_wp([](Fields& f) { f.add(4, text_("OTHER")); }));  // duplicate key
  // Holder-bound documents need ssn and a well-formed cnf.
  Fields no_ssn = claims(Document::kESsc, w.holder.public_key());
  Fields wp = wp_record(Document::kESsc);
  wp.erase(3);
  no_ssn.set(-65537, wp.encode());
  expect(w.ecard(no_ssn, kNow, w.shanghai, w.holder), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  Fields bad_cnf = claims(Document::kESsc, w.holder.public_key());
  bad_cnf.set(8, cbor::Writer()
                     .map(1)
                     .uint(1)
                     .map(3)
                     .uint(1)
                     .uint(2)
                     .integer(-1)
                     .uint(1)
                     .integer(-2)
                     .bytes(Bytes(65, 4))
                     .take());
  expect(w.ecard(bad_cnf, kNow, w.shanghai, w.holder), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  // A kid that is not an 8-byte bstr, or missing.
  Fields c = claims(Document::kWpnl, {});
  Bytes no_kid = cbor::Writer().map(1).uint(1).integer(-8).take();
  expect(verify_qr(qr("WPC1:", sign_credential(c, w.shanghai, no_kid)), w.tb.build(), w.settings,
                   kNow),
         Outcome::kReject, Document::kUnknown, {Reason::kMalformed});
  Bytes short_kid = cbor::Writer().map(2).uint(1).integer(-8).uint(4).bytes(Bytes(7, 1)).take();
  expect(verify_qr(qr("WPC1:", sign_credential(c, w.shanghai, short_kid)), w.tb.build(), w.settings,
                   kNow),
         Outcome::kReject, Document::kUnknown, {Reason::kMalformed});
}

TEST_CASE("verifier: UNSUPPORTED for crit, another alg, ver 2 and unknown doc") {
  World w;
  Fields c = claims(Document::kWpnl, {});
  Bytes crit = cbor::Writer()
                   .map(3)
                   .uint(1)
                   .integer(-8)
                   .uint(2)
                   .array(1)
                   .uint(4)
                   .uint(4)
                   .bytes(w.shanghai.kid())
                   .take();
  Bytes es256 = cbor::Writer().map(2).uint(1).integer(-7).uint(4).bytes(w.shanghai.kid()).take();
  for (const Bytes& prot : {crit, es256}) {
    expect(verify_qr(qr("WPC1:", sign_credential(c, w.shanghai, prot)), w.tb.build(), w.settings,
                     kNow),
           Outcome::kReject, Document::kUnknown, {Reason::kUnsupported});
  }
  Fields v2 = claims(Document::kWpnl, {});
  Fields wp = wp_record(Document::kWpnl);
  wp.set(0, uint_(2));
  v2.set(-65537, wp.encode());
  expect(w.wpnl(v2, w.shanghai), Outcome::kReject, Document::kUnknown, {Reason::kUnsupported});
  wp = wp_record(Document::kWpnl);
  wp.set(1, uint_(9));
  v2.set(-65537, wp.encode());
  expect(w.wpnl(v2, w.shanghai), Outcome::kReject, Document::kUnknown, {Reason::kUnsupported});
}

TEST_CASE("verifier: WRONG_CARRIER skips the holder binding") {
  World w;
  // An e-card credential shown as a static QR.
  expect(w.wpnl(claims(Document::kESsc, w.holder.public_key()), w.shanghai), Outcome::kReject,
         Document::kESsc, {Reason::kWrongCarrier});
  // A WPNL wrapped as a presentation by someone: the holder binding is not checked.
  expect(w.ecard(claims(Document::kWpnl, {}), kNow, w.shanghai, w.stranger), Outcome::kReject,
         Document::kWpnl, {Reason::kWrongCarrier});
  // An e-card credential on a chip.
  expect(w.chip(claims(Document::kESsc, w.card.public_key()), w.card, w.shanghai), Outcome::kReject,
         Document::kESsc, {Reason::kWrongCarrier});
  // A chip credential in a phone presentation.
  expect(w.ecard(claims(Document::kSscChip, w.holder.public_key()), kNow, w.shanghai, w.holder),
         Outcome::kReject, Document::kSscChip, {Reason::kWrongCarrier});
}

TEST_CASE("verifier: KEYSET_MISSING, UNKNOWN_KEY and BAD_SIGNATURE stop with UNKNOWN") {
  World w;
  Bytes cred = sign_credential(claims(Document::kWpnl, {}), w.shanghai);
  TrustSnapshot empty;
  expect(verify_qr(qr("WPC1:", cred), empty, w.settings, kNow), Outcome::kReview,
         Document::kUnknown, {Reason::kKeysetMissing});
  expect(w.wpnl(claims(Document::kWpnl, {}), w.stranger), Outcome::kReject, Document::kUnknown,
         {Reason::kUnknownKey});
  // Signed by the national key but naming Shanghai's kid.
  Bytes prot = cbor::Writer().map(2).uint(1).integer(-8).uint(4).bytes(w.shanghai.kid()).take();
  auto v = verify_qr(qr("WPC1:", sign_credential(claims(Document::kWpnl, {}), w.national, prot)),
                     w.tb.build(), w.settings, kNow);
  expect(v, Outcome::kReject, Document::kUnknown, {Reason::kBadSignature});
  CHECK_FALSE(v.holder);
  // One flipped bit in the signature.
  Bytes flipped = cred;
  flipped[flipped.size() - 1] ^= 1;
  expect(verify_qr(qr("WPC1:", flipped), w.tb.build(), w.settings, kNow), Outcome::kReject,
         Document::kUnknown, {Reason::kBadSignature});
}

TEST_CASE("verifier: key rules") {
  World w;
  w.tb.key("issuer-shanghai").st = 1;
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kKeyRevoked});
  w.tb.key("issuer-shanghai").st = 0;
  w.tb.key("issuer-shanghai").nbf = kNow - 10 * 86400;  // iat is kNow - 30 days
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kKeyNotValidAtIssue});
  w.tb.key("issuer-shanghai").nbf = kNow - 30 * 86400;  // the bounds are inclusive
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kAccept, Document::kWpnl, {});
  w.tb.key("issuer-shanghai").exp = kNow - 30 * 86400;
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kAccept, Document::kWpnl, {});
  w.tb.key("issuer-shanghai").exp = kNow - 30 * 86400 - 1;
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kKeyNotValidAtIssue});
  w.tb.key("issuer-shanghai").exp = kNow + 86400;
  w.tb.key("issuer-shanghai").docs = {2};
  expect(w.wpnl(claims(Document::kWpCard, {}), w.shanghai), Outcome::kReject, Document::kWpCard,
         {Reason::kKeyScope});
  w.tb.key("issuer-shanghai").docs = {1, 2, 3, 4};
  w.tb.key("issuer-shanghai").reg = "4403";
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kKeyScope});
  w.tb.key("issuer-shanghai").reg = "";
  w.tb.key("issuer-shanghai").iss = "CN-110000";
  expect(w.wpnl(claims(Document::kWpnl, {}), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kKeyScope});
}

TEST_CASE("verifier: HOLDER_BINDING_FAILED for another phone or a clone chip") {
  World w;
  expect(w.ecard(claims(Document::kESsc, w.holder.public_key()), kNow, w.shanghai, w.stranger),
         Outcome::kReject, Document::kESsc, {Reason::kHolderBindingFailed});
  expect(w.chip(claims(Document::kSscChip, w.card.public_key()), w.stranger, w.shanghai),
         Outcome::kReject, Document::kSscChip, {Reason::kHolderBindingFailed});
}

TEST_CASE("verifier: presentation freshness at the exact bounds") {
  World w;
  Fields c = claims(Document::kESsc, w.holder.public_key());
  expect(w.ecard(c, kNow - 90, w.shanghai, w.holder), Outcome::kAccept, Document::kESsc, {});
  expect(w.ecard(c, kNow - 91, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationExpired});
  expect(w.ecard(c, kNow + 30, w.shanghai, w.holder), Outcome::kAccept, Document::kESsc, {});
  expect(w.ecard(c, kNow + 31, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationNotYetValid});
  expect(w.ecard(c, UINT64_MAX, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationNotYetValid});
  expect(w.ecard(c, 0, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationExpired});
}

TEST_CASE("verifier: credential validity and revocation") {
  World w;
  Fields c = claims(Document::kWpnl, {});
  expect(w.wpnl(Fields(c).set(4, uint_(kNow)), w.shanghai), Outcome::kAccept, Document::kWpnl, {});
  expect(w.wpnl(Fields(c).set(4, uint_(kNow - 1)), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kCredentialExpired});
  expect(w.wpnl(Fields(c).set(5, uint_(kNow)), w.shanghai), Outcome::kAccept, Document::kWpnl, {});
  expect(w.wpnl(Fields(c).set(5, uint_(kNow + 1)), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kCredentialNotYetValid});
  Fields wp = wp_record(Document::kWpnl);
  wp.set(11, uint_(99));
  expect(w.wpnl(Fields(c).set(-65537, wp.encode()), w.shanghai), Outcome::kReject, Document::kWpnl,
         {Reason::kCredentialRevoked});
  wp.set(11, uint_(128));  // size is 128: index 128 is outside
  expect(w.wpnl(Fields(c).set(-65537, wp.encode()), w.shanghai), Outcome::kReview, Document::kWpnl,
         {Reason::kStatusUnknown});
  wp.set(11, uint_(127));
  expect(w.wpnl(Fields(c).set(-65537, wp.encode()), w.shanghai), Outcome::kAccept, Document::kWpnl,
         {});
  wp.erase(11);  // no sti: no status check at all
  expect(w.wpnl(Fields(c).set(-65537, wp.encode()), w.shanghai), Outcome::kAccept, Document::kWpnl,
         {});
}

TEST_CASE("verifier: trust-state reviews") {
  World w;
  Fields c = claims(Document::kWpnl, {});
  Bytes cred = sign_credential(c, w.shanghai);
  TrustSnapshot snap = w.tb.build();
  // Status list expired at its exp exactly.
  snap.status.begin()->second.exp = kNow;
  expect(verify_qr(qr("WPC1:", cred), snap, w.settings, kNow), Outcome::kReview, Document::kWpnl,
         {Reason::kStatusUnknown});
  snap = w.tb.build();
  snap.status.clear();
  expect(verify_qr(qr("WPC1:", cred), snap, w.settings, kNow), Outcome::kReview, Document::kWpnl,
         {Reason::kStatusUnknown});
  snap = w.tb.build();
  snap.keyset->exp = kNow;
  expect(verify_qr(qr("WPC1:", cred), snap, w.settings, kNow), Outcome::kReview, Document::kWpnl,
         {Reason::kKeysetExpired});
  snap = w.tb.build();
  snap.time_floor = kNow + 1;
  expect(verify_qr(qr("WPC1:", cred), snap, w.settings, kNow), Outcome::kReview, Document::kWpnl,
         {Reason::kClockUntrusted});
  VerifySettings elsewhere{{"4403", "1101"}, 90, 30};
  expect(verify_qr(qr("WPC1:", cred), w.tb.build(), elsewhere, kNow), Outcome::kReview,
         Document::kWpnl, {Reason::kJurisdictionMismatch});
  VerifySettings exact{{"310115"}, 90, 30};
  expect(verify_qr(qr("WPC1:", cred), w.tb.build(), exact, kNow), Outcome::kAccept, Document::kWpnl,
         {});
  VerifySettings none{{}, 90, 30};
  expect(verify_qr(qr("WPC1:", cred), w.tb.build(), none, kNow), Outcome::kAccept, Document::kWpnl,
         {});
}

TEST_CASE("verifier: all reasons are collected in the table's order") {
  World w;
  w.tb.key("issuer-shanghai").st = 1;
  w.tb.key("issuer-shanghai").reg = "4403";
  Fields c = claims(Document::kWpnl, {});
  c.set(4, uint_(kNow - 1));
  Fields wp = wp_record(Document::kWpnl);
  wp.set(11, uint_(99));
  c.set(-65537, wp.encode());
  TrustSnapshot snap = w.tb.build();
  snap.keyset->exp = kNow - 1;
  snap.time_floor = kNow + 5;
  auto v = verify_qr(qr("WPC1:", sign_credential(c, w.shanghai)), snap, w.settings, kNow);
  expect(v, Outcome::kReject, Document::kWpnl,
         {Reason::kKeyRevoked, Reason::kKeyScope, Reason::kCredentialExpired,
          Reason::kCredentialRevoked, Reason::kKeysetExpired, Reason::kClockUntrusted});
  CHECK(v.holder);  // the signature verified: the record is shown beside the reasons
}

TEST_CASE("verifier: chip file structure") {
  World w;
  Bytes cred = sign_credential(claims(Document::kSscChip, w.card.public_key()), w.shanghai);
  ChipInput in;
  in.ef = {static_cast<std::uint8_t>(cred.size() >> 8), static_cast<std::uint8_t>(cred.size())};
  in.ef.insert(in.ef.end(), cred.begin(), cred.end());
  in.challenge = Bytes(32, 1);
  Bytes msg(kChipAuthContext.begin(), kChipAuthContext.end());
  msg.insert(msg.end(), in.challenge.begin(), in.challenge.end());
  auto sig = w.card.sign(msg);
  in.signature.assign(sig.begin(), sig.end());
  auto snap = w.tb.build();
  expect(verify_chip(in, snap, w.settings, kNow), Outcome::kAccept, Document::kSscChip, {});

  ChipInput shorter = in;
  shorter.ef.pop_back();
  expect(verify_chip(shorter, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  ChipInput longer = in;
  longer.ef.push_back(0);
  expect(verify_chip(longer, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  ChipInput huge = in;
  huge.ef[0] = 0x10;
  huge.ef[1] = 0x01;  // L = 4097
  expect(verify_chip(huge, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  expect(verify_chip(ChipInput{}, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  ChipInput short_challenge = in;
  short_challenge.challenge.pop_back();
  expect(verify_chip(short_challenge, snap, w.settings, kNow), Outcome::kReject, Document::kUnknown,
         {Reason::kMalformed});
  ChipInput short_sig = in;
  short_sig.signature.pop_back();
  expect(verify_chip(short_sig, snap, w.settings, kNow), Outcome::kReject, Document::kSscChip,
         {Reason::kHolderBindingFailed});
  ChipInput other_challenge = in;
  other_challenge.challenge[0] ^= 1;  // the card signed another challenge: a replayed answer
  expect(verify_chip(other_challenge, snap, w.settings, kNow), Outcome::kReject, Document::kSscChip,
         {Reason::kHolderBindingFailed});

  auto parsed = parse_chip_file(chip_file_json(in));
  REQUIRE(parsed);
  CHECK(parsed->ef == in.ef);
  std::string why;
  CHECK_FALSE(parse_chip_file("{\"ef\": \"zz\", \"challenge\": \"\", \"signature\": \"\"}", &why));
  CHECK(why.find("hex") != std::string::npos);
  CHECK_FALSE(parse_chip_file("[1,2]", &why));
  CHECK_FALSE(parse_chip_file("{\"ef\": \"00\"", &why));
}

TEST_CASE("verifier: every reason has a name and texts in both languages") {
  for (int i = 0; i < kReasonCount; ++i) {
    auto r = static_cast<Reason>(i);
    CHECK(reason_from_name(name(r)) == r);
    CHECK(text(r, Language::kEn).size() > 10);
    CHECK(text(r, Language::kZh).size() > 6);
  }
}

TEST_CASE("verifier: JSON output escapes and carries the contract keys") {
  World w;
  Fields c = claims(Document::kWpnl, {});
  Fields wp = wp_record(Document::kWpnl);
  wp.set(4, text_("O'NEIL \"Jack\"\n\\"));
  c.set(-65537, wp.encode());
  std::string j = to_json(w.wpnl(c, w.shanghai));
  auto parsed = json::parse(j);
  REQUIRE(parsed);
  CHECK(parsed->get("outcome")->string == "ACCEPT");
  CHECK(parsed->get("document")->string == "WPNL");
  CHECK(parsed->get("reasons")->is_array());
  CHECK(parsed->get("holder")->get("name")->string == "O'NEIL \"Jack\"\n\\");
  std::string rej = to_json(verify_qr("nope", w.tb.build(), w.settings, kNow));
  auto p2 = json::parse(rej);
  REQUIRE(p2);
  CHECK(p2->get("holder")->type == json::Value::Type::kNull);
}

TEST_CASE("verifier: a stale presentation of the wrong document gets both reasons") {
  World w;
  // WRONG_CARRIER exempts the holder binding only; freshness still applies to the presentation.
  expect(w.ecard(claims(Document::kWpnl, {}), kNow - 600, w.shanghai, w.stranger), Outcome::kReject,
         Document::kWpnl, {Reason::kWrongCarrier, Reason::kPresentationExpired});
}

TEST_CASE("verifier: freshness arithmetic is exact at the integer limits") {
  World w;
  Fields c = claims(Document::kESsc, w.holder.public_key());
  w.settings.max_age = INT64_MAX;
  w.settings.skew = INT64_MAX;
  expect(w.ecard(c, 0, w.shanghai, w.holder), Outcome::kAccept, Document::kESsc, {});
  // now + skew exceeds INT64_MAX but not UINT64_MAX: the bound is exact on both sides of it.
  const std::uint64_t bound =
      static_cast<std::uint64_t>(kNow) + static_cast<std::uint64_t>(INT64_MAX);
  expect(w.ecard(c, bound, w.shanghai, w.holder), Outcome::kAccept, Document::kESsc, {});
  expect(w.ecard(c, bound + 1, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationNotYetValid});
  w.settings.max_age = INT64_MIN;  // now - max_age overflows upwards: everything is too old
  w.settings.skew = INT64_MIN;     // now + skew is far below zero: everything is in the future
  expect(w.ecard(c, kNow, w.shanghai, w.holder), Outcome::kReject, Document::kESsc,
         {Reason::kPresentationExpired, Reason::kPresentationNotYetValid});
}

TEST_CASE("verifier: the JSON line's holder record, byte for byte (epoch dates, absent omitted)") {
  Verdict v;
  v.outcome = Outcome::kAccept;
  v.document = Document::kWpnl;
  v.holder = test::sample_holder();
  CHECK(to_json(v) ==
        "{\"outcome\": \"ACCEPT\", \"document\": \"WPNL\", \"reasons\": [], \"holder\": {\"name\": "
        "\"ZHANG Wei\", \"nationality\": \"DEU\", \"date_of_birth\": \"1990-05-17\", "
        "\"passport_number\": \"C01X00T47\", \"work_permit_number\": \"1231000020260001\", "
        "\"social_security_number\": \"310000199005170011\", \"category\": \"B\", "
        "\"employer_uscc\": \"91310000MA1FL8XQ30\", \"employer_name\": \"上海示例科技有限公司\", "
        "\"work_location\": \"310104\", \"issuer\": \"310000\", \"valid_from\": 1767225600, "
        "\"valid_until\": 1798761599, \"issued_at\": 1767000000}, \"messages\": []}");
  v.holder->ssn.reset();
  v.holder->cat.reset();
  v.holder->empn.reset();
  v.holder->exp = UINT64_MAX;  // clamped to the largest JSON integer the line carries
  CHECK(to_json(v) ==
        "{\"outcome\": \"ACCEPT\", \"document\": \"WPNL\", \"reasons\": [], \"holder\": {\"name\": "
        "\"ZHANG Wei\", \"nationality\": \"DEU\", \"date_of_birth\": \"1990-05-17\", "
        "\"passport_number\": \"C01X00T47\", \"work_permit_number\": \"1231000020260001\", "
        "\"employer_uscc\": \"91310000MA1FL8XQ30\", \"work_location\": \"310104\", \"issuer\": "
        "\"310000\", \"valid_from\": 1767225600, \"valid_until\": 9223372036854775807, "
        "\"issued_at\": 1767000000}, \"messages\": []}");
}

TEST_CASE("reasons: the names joined for logs and listings") {
  CHECK(names({}) == "-");
  CHECK(names({Reason::kMalformed}) == "MALFORMED");
  CHECK(names({Reason::kCredentialRevoked, Reason::kMalformed}) == "CREDENTIAL_REVOKED,MALFORMED");
}
