#include <doctest/doctest.h>

#include "app/cose.h"
#include "tests/support/mint.h"

using namespace kiosk;

namespace {

Bytes prot(std::int64_t alg) {
  return cbor::Writer().map(1).uint(1).integer(alg).take();
}

}  // namespace

TEST_CASE("cose: sign and verify, tagged or not") {
  KeyPair k(test::vector_seed("issuer-shanghai"));
  KeyPair other(test::vector_seed("issuer-national"));
  for (bool tagged : {true, false}) {
    Bytes m = cose::sign1(prot(-8), as_bytes("payload"), k, tagged);
    auto s = cose::parse_sign1(m);
    REQUIRE(s);
    CHECK(cose::verify(*s, k.public_key()));
    CHECK_FALSE(cose::verify(*s, other.public_key()));
    CHECK(as_chars(s->payload) == "payload");
  }
}

TEST_CASE("cose: structural rules") {
  Bytes sig(64, 0);
  auto build = [&](auto fill) {
    cbor::Writer w;
    fill(w);
    return w.take();
  };
  auto err = [](const Bytes& b) {
    auto r = cose::parse_sign1(b);
    REQUIRE_FALSE(r);
    return r.error();
  };
  Bytes p = prot(-8);
  CHECK(cose::parse_sign1(
      build([&](cbor::Writer& w) { w.array(4).bytes(p).map(0).bytes({}).bytes(sig); })));
  // Wrong tag, wrong arity, wrong types, wrong signature length.
  CHECK(err(build([&](cbor::Writer& w) {
          w.tag(98).array(4).bytes(p).map(0).bytes({}).bytes(sig);
        })) == cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) {
          w.tag(18).tag(18).array(4).bytes(p).map(0).bytes({}).bytes(sig);
        })) == cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) { w.array(3).bytes(p).map(0).bytes({}); })) ==
        cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) { w.array(4).bytes(p).array(0).bytes({}).bytes(sig); })) ==
        cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(p).map(0).raw(Bytes{0xF6}).bytes(sig);
        })) == cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(p).map(0).bytes({}).bytes(Bytes(63, 0));
        })) == cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(p).map(0).bytes({}).bytes(Bytes(65, 0));
        })) == cose::Error::kMalformed);
  // Protected header: not a map, empty, no alg, other alg, crit.
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(Bytes{0x80}).map(0).bytes({}).bytes(sig);
        })) == cose::Error::kMalformed);
  CHECK(err(build([&](cbor::Writer& w) { w.array(4).bytes({}).map(0).bytes({}).bytes(sig); })) ==
        cose::Error::kMalformed);
  Bytes no_alg = cbor::Writer().map(1).uint(4).bytes(Bytes(8, 1)).take();
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(no_alg).map(0).bytes({}).bytes(sig);
        })) == cose::Error::kMalformed);
  Bytes es256 = prot(-7);
  CHECK(err(build([&](cbor::Writer& w) { w.array(4).bytes(es256).map(0).bytes({}).bytes(sig); })) ==
        cose::Error::kUnsupported);
  Bytes text_alg = cbor::Writer().map(1).uint(1).text("EdDSA").take();
  CHECK(err(build([&](cbor::Writer& w) {
          w.array(4).bytes(text_alg).map(0).bytes({}).bytes(sig);
        })) == cose::Error::kUnsupported);
  Bytes crit = cbor::Writer().map(2).uint(1).integer(-8).uint(2).array(1).uint(99).take();
  CHECK(err(build([&](cbor::Writer& w) { w.array(4).bytes(crit).map(0).bytes({}).bytes(sig); })) ==
        cose::Error::kUnsupported);
  Bytes dup = Bytes{0xA2, 0x01, 0x27, 0x01, 0x27};  // {1:-8, 1:-8}
  CHECK(err(build([&](cbor::Writer& w) { w.array(4).bytes(dup).map(0).bytes({}).bytes(sig); })) ==
        cose::Error::kMalformed);
}

TEST_CASE("cose: the signed bytes are the received ones, never re-encoded") {
  KeyPair k(test::vector_seed("issuer-shanghai"));
  // A protected header with a non-minimal integer: {1: -8} with -8 as 0x38 0x07.
  Bytes p = {0xA1, 0x01, 0x38, 0x07};
  Bytes payload = {0xA1, 0x01, 0x18, 0x01};  // {1: 1} with 1 non-minimal
  auto sig = k.sign(cose::sig_structure(p, payload));
  cbor::Writer w;
  w.array(4).bytes(p).map(1).uint(4).bytes(Bytes(8, 0)).bytes(payload).bytes(sig);  // unprotected
                                                                                    // kid ignored
  auto s = cose::parse_sign1(w.data());
  REQUIRE(s);
  CHECK(cose::verify(*s, k.public_key()));
  CHECK(to_hex(cose::sig_structure(p, payload)) ==
        "846a5369676e61747572653144a101380740"
        "44a1011801");
}
