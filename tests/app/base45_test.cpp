#include <doctest/doctest.h>

#include "app/base45.h"

using namespace kiosk;

static std::string decode_str(std::string_view s) {
  auto b = base45::decode(s);
  REQUIRE(b);
  return std::string(as_chars(*b));
}

TEST_CASE("base45: RFC 9285 examples") {
  CHECK(base45::encode(as_bytes("AB")) == "BB8");
  CHECK(base45::encode(as_bytes("Hello!!")) == "%69 VD92EX0");
  CHECK(base45::encode(as_bytes("base-45")) == "UJCLQE7W581");
  CHECK(decode_str("QED8WEX0") == "ietf!");
  CHECK(decode_str("BB8") == "AB");
  CHECK(decode_str("%69 VD92EX0") == "Hello!!");
  CHECK(decode_str("UJCLQE7W581") == "base-45");
}

TEST_CASE("base45: empty input is empty output") {
  auto b = base45::decode("");
  REQUIRE(b);
  CHECK(b->empty());
  CHECK(base45::encode({}).empty());
}

TEST_CASE("base45: invalid input is refused") {
  CHECK_FALSE(base45::decode("GGW"));   // 16 + 16*45 + 32*2025 = 65536 > 65535
  CHECK_FALSE(base45::decode(":::"));   // 44 * (1 + 45 + 2025) > 65535
  CHECK_FALSE(base45::decode("::"));    // 44 + 44*45 = 2024 > 255
  CHECK_FALSE(base45::decode("A"));     // dangling character
  CHECK_FALSE(base45::decode("BB8A"));  // length 1 mod 3
  CHECK_FALSE(base45::decode("abc"));   // lower case is not in the alphabet
  CHECK_FALSE(base45::decode("BB!"));
  CHECK_FALSE(base45::decode(std::string_view("B\0B", 3)));
  CHECK(base45::decode("FGW"));       // 15 + 16*45 + 32*2025 = 65535, the largest triplet
  CHECK(base45::decode("U5"));        // 30 + 5*45 = 255, the largest pair
  CHECK_FALSE(base45::decode("V5"));  // 256
}

TEST_CASE("base45: every byte string round-trips") {
  Bytes all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<std::uint8_t>(i));
  for (std::size_t n = 0; n <= all.size(); n += 17) {
    ByteView v(all.data(), n);
    auto back = base45::decode(base45::encode(v));
    REQUIRE(back);
    CHECK(equal(*back, v));
  }
}
