#include <doctest/doctest.h>

#include "app/zlib_codec.h"

using namespace kiosk;

TEST_CASE("zlib: round trip and exact limit") {
  Bytes data(4096, 'a');
  Bytes z = zlib::deflate(data);
  auto out = zlib::inflate(z, 4096);
  REQUIRE(out);
  CHECK(out->size() == 4096);
  auto over = zlib::inflate(z, 4095);
  REQUIRE_FALSE(over);
  CHECK(over.error() == zlib::InflateError::kTooLarge);
}

TEST_CASE("zlib: a bomb stops at the limit") {
  Bytes data(50 * 1024 * 1024, 0);  // 50 MiB of zeros compresses to ~50 KB
  Bytes z = zlib::deflate(data);
  CHECK(z.size() < 100 * 1024);
  auto r = zlib::inflate(z, 4096);
  REQUIRE_FALSE(r);
  CHECK(r.error() == zlib::InflateError::kTooLarge);
}

TEST_CASE("zlib: truncated, corrupt, trailing and empty streams are corrupt") {
  Bytes z = zlib::deflate(as_bytes("hello, counter kiosk"));
  for (std::size_t n = 0; n < z.size(); ++n) {
    auto r = zlib::inflate(ByteView(z.data(), n), 4096);
    REQUIRE_FALSE(r);
    CHECK(r.error() == zlib::InflateError::kCorrupt);
  }
  Bytes trailing = z;
  trailing.push_back(0);
  CHECK_FALSE(zlib::inflate(trailing, 4096));
  Bytes bad_check = z;
  bad_check.back() ^= 1;  // Adler-32 mismatch
  CHECK_FALSE(zlib::inflate(bad_check, 4096));
  Bytes bad_header = z;
  bad_header[0] = 0x00;
  CHECK_FALSE(zlib::inflate(bad_header, 4096));
}

TEST_CASE("zlib: an empty payload is a valid stream") {
  Bytes z = zlib::deflate({});
  auto r = zlib::inflate(z, 0);
  REQUIRE(r);
  CHECK(r->empty());
}
