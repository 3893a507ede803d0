#include <doctest/doctest.h>

#include "app/cbor.h"

using namespace kiosk;

static Bytes hex(const char* s) {
  return *from_hex(s);
}

static cbor::Error decode_error(const char* h) {
  Bytes b = hex(h);
  auto r = cbor::decode(b);
  REQUIRE_FALSE(r);
  return r.error();
}

TEST_CASE("cbor: well-formed items decode with their values") {
  Bytes m = hex("a201182a2063616263");  // {1: 42, -1: "abc"}
  auto r = cbor::decode(m);
  REQUIRE(r);
  CHECK(r->is_map());
  CHECK(r->find(1)->value == 42);
  CHECK(r->find(-1)->text() == "abc");
  CHECK(r->find(2) == nullptr);
}

TEST_CASE("cbor: non-minimal integer encodings are accepted and keep their raw bytes") {
  Bytes b = hex("1b0000000000000001");
  auto r = cbor::decode(b);
  REQUIRE(r);
  CHECK(r->value == 1);
  CHECK(r->raw.size() == 9);
}

TEST_CASE("cbor: indefinite lengths are refused") {
  CHECK(decode_error("9f01ff") == cbor::Error::kIndefinite);    // array
  CHECK(decode_error("bf0101ff") == cbor::Error::kIndefinite);  // map
  CHECK(decode_error("5f4101ff") == cbor::Error::kIndefinite);  // bstr
  CHECK(decode_error("7f6161ff") == cbor::Error::kIndefinite);  // tstr
  CHECK(decode_error("ff") == cbor::Error::kIndefinite);        // stray break
}

TEST_CASE("cbor: reserved additional information is refused") {
  CHECK(decode_error("1c") == cbor::Error::kReserved);
  CHECK(decode_error("3d") == cbor::Error::kReserved);
  CHECK(decode_error("fe") == cbor::Error::kReserved);
  CHECK(decode_error("f818") == cbor::Error::kReserved);  // simple value < 32 in two bytes
}

TEST_CASE("cbor: nesting depth limit is 8") {
  std::string ok(8 * 2, '8');
  for (std::size_t i = 0; i < 8; ++i)
    ok[2 * i + 1] = '1';  // 81 81 ... one-element arrays
  ok += "00";
  Bytes b8 = hex(ok.c_str());
  CHECK(cbor::decode(b8));
  std::string deep = "81" + ok;
  Bytes b9 = hex(deep.c_str());
  auto r = cbor::decode(b9);
  REQUIRE_FALSE(r);
  CHECK(r.error() == cbor::Error::kTooDeep);
}

TEST_CASE("cbor: duplicate map keys are refused, compared by value") {
  CHECK(decode_error("a201010102") == cbor::Error::kDuplicateKey);      // {1:1, 1:2}
  CHECK(decode_error("a20101180102") == cbor::Error::kDuplicateKey);    // 1 and 0x18 0x01
  CHECK(decode_error("a2616101616102") == cbor::Error::kDuplicateKey);  // {"a":1, "a":2}
  CHECK(decode_error("a2200120") == cbor::Error::kTruncated);           // {-1:1, -1:<missing>}
  CHECK(decode_error("a220012002") == cbor::Error::kDuplicateKey);      // {-1:1, -1:2}
  CHECK(cbor::decode(hex("a301012001410101")));                         // 1, -1, h'01'
  // Many keys take the sorted path.
  cbor::Writer w;
  w.map(20);
  for (int i = 0; i < 20; ++i)
    w.uint(static_cast<std::uint64_t>(i)).uint(0);
  CHECK(cbor::decode(w.data()));
  cbor::Writer d;
  d.map(20);
  for (int i = 0; i < 20; ++i)
    d.uint(static_cast<std::uint64_t>(i == 19 ? 3 : i)).uint(0);
  auto r = cbor::decode(d.data());
  REQUIRE_FALSE(r);
  CHECK(r.error() == cbor::Error::kDuplicateKey);
}

TEST_CASE("cbor: trailing bytes are refused") {
  CHECK(decode_error("0000") == cbor::Error::kTrailing);
  CHECK(decode_error("a0ff") == cbor::Error::kTrailing);
}

TEST_CASE("cbor: every strict prefix of an item is truncated") {
  Bytes b =
      hex("d28443a10127a104420102581c68656c6c6f2c20636f756e746572206b696f736b2070617965722121584000"
          "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
          "00000000000000000000000000000000000000");
  REQUIRE(cbor::decode(b));
  for (std::size_t n = 0; n < b.size(); ++n) {
    auto r = cbor::decode(ByteView(b.data(), n));
    REQUIRE_FALSE(r);
    CHECK(r.error() == cbor::Error::kTruncated);
  }
}

TEST_CASE("cbor: huge declared lengths do not allocate") {
  CHECK(decode_error("9b00ffffffffffffff") == cbor::Error::kTruncated);
  CHECK(decode_error("bb00ffffffffffffff") == cbor::Error::kTruncated);
  CHECK(decode_error("5b00ffffffffffffff") == cbor::Error::kTruncated);
  CHECK(decode_error("7bffffffffffffffff") == cbor::Error::kTruncated);
}

TEST_CASE("cbor: text must be UTF-8") {
  CHECK(decode_error("62c328") == cbor::Error::kInvalidUtf8);    // bad continuation
  CHECK(decode_error("62c0af") == cbor::Error::kInvalidUtf8);    // overlong
  CHECK(decode_error("63eda080") == cbor::Error::kInvalidUtf8);  // surrogate
  CHECK(decode_error("61ff") == cbor::Error::kInvalidUtf8);
  CHECK(decode_error("61c3") == cbor::Error::kInvalidUtf8);  // cut sequence
  CHECK(cbor::decode(hex("66e4b88ae6b5b7")));                // 上海
}

TEST_CASE("cbor: floats, simple values and tags decode") {
  CHECK(cbor::decode(hex("f93c00")));              // half 1.0
  CHECK(cbor::decode(hex("fb3ff199999999999a")));  // double 1.1
  CHECK(cbor::decode(hex("f5")));
  CHECK(cbor::decode(hex("f820")));  // simple 32
  auto t = cbor::decode(hex("d24100"));
  REQUIRE(t);
  CHECK(t->type == cbor::Type::kTag);
  CHECK(t->value == 18);
}

TEST_CASE("cbor: the writer uses shortest heads") {
  cbor::Writer w;
  w.uint(23).uint(24).uint(255).uint(256).uint(65536).uint(0x100000000ull).integer(-1).integer(-25);
  CHECK(to_hex(w.data()) ==
        "171818"
        "18ff"
        "190100"
        "1a00010000"
        "1b0000000100000000"
        "20"
        "3818");
}
