// A complete holder record with known values, for tests that pin how it is written.
#pragma once

#include "app/verifier.h"

namespace kiosk::test {

/// Every field set; validity 2026-01-01T00:00:00Z .. 2026-12-31T23:59:59Z.
inline HolderRecord sample_holder() {
  HolderRecord h;
  h.name = "ZHANG Wei";
  h.nat = "DEU";
  h.dob = "1990-05-17";
  h.ppn = "C01X00T47";
  h.wpn = "1231000020260001";
  h.ssn = "310000199005170011";
  h.cat = 'B';
  h.uscc = "91310000MA1FL8XQ30";
  h.empn = "上海示例科技有限公司";
  h.loc = "310104";
  h.iss = "310000";
  h.nbf = 1767225600;
  h.exp = 1798761599;
  h.iat = 1767000000;
  return h;
}

}  // namespace kiosk::test
