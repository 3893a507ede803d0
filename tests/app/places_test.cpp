// app/places: GB/T 2260 codes and issuer codes by name, from the shipped tables.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "app/places.h"

using namespace kiosk;

namespace {

std::string slurp(const std::string& name) {
  std::ifstream in(std::string(KIOSK_TEST_DATA) + "/data/gbt2260/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const Places& shipped() {
  static const Places p = [] {
    auto r = Places::parse(slurp("provinces.csv"), slurp("cities.csv"), slurp("areas.csv"));
    REQUIRE(r.ok());
    return *r;
  }();
  return p;
}

}  // namespace

TEST_CASE("places: work locations, prefixes and provinces by name") {
  const Places& p = shipped();
  CHECK(p.place("310115", Language::kZh) == "上海市浦东新区");
  CHECK(p.place("310115", Language::kEn) == "上海市浦东新区 (Shanghai)");
  CHECK(p.place("3101", Language::kZh) == "上海市");
  CHECK(p.place("310000", Language::kZh) == "上海市");
  CHECK(p.place("31", Language::kZh) == "上海市");
  CHECK(p.place("440305", Language::kZh) == "广东省深圳市南山区");
  CHECK(p.place("440300", Language::kZh) == "广东省深圳市");
  CHECK(p.place("110108", Language::kZh) == "北京市海淀区");
}

TEST_CASE("places: unknown and malformed codes are shown as the code") {
  const Places& p = shipped();
  CHECK_FALSE(p.place("999999", Language::kZh).has_value());
  CHECK_FALSE(p.place("319999", Language::kZh).has_value());
  CHECK_FALSE(p.place("31011", Language::kZh).has_value());
  CHECK_FALSE(p.place("abcdef", Language::kZh).has_value());
  CHECK_FALSE(p.place("", Language::kZh).has_value());
  CHECK(p.place_or_code("999999", Language::kEn) == "999999");
  CHECK(p.place_or_code("31011x", Language::kEn) == "31011x");
}

TEST_CASE("places: issuer codes as authorities") {
  const Places& p = shipped();
  CHECK(p.issuer("CN-310000", Language::kZh) == "上海市外国人工作管理部门");
  CHECK(p.issuer("CN-310000", Language::kEn) == "Foreign work permit authority, 上海市 (Shanghai)");
  CHECK(p.issuer("CN-990000", Language::kEn) == "CN-990000");
  CHECK(p.issuer("XX-310000", Language::kEn) == "XX-310000");
  CHECK(p.issuer("CN-31", Language::kZh) == "CN-31");
}

TEST_CASE("places: a bad table row is refused with its file and line") {
  auto r = Places::parse("code,name\n11,\"北京市\"\n1x,bad\n", "code,name,p\n", "code,name\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "provinces.csv:3: not a 2-digit code with a name");
  auto big = Places::parse(std::string((1u << 20) + 1, 'x'), "", "");
  REQUIRE_FALSE(big.ok());
  auto quoted = Places::parse("code,name\n11,\"北,京\"\"市\"\r\n", "", "");
  REQUIRE(quoted.ok());
  CHECK(quoted->place("11", Language::kZh) == "北,京\"市");
}
