// The screen tests' one way to drive the pages: screens.cjs in one headless Chromium
// (puppeteer-core), and where their screenshots go. Needs KIOSK_SOURCE_DIR (the test's target).
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/kioskd/support.h"

namespace kiosk::test {

/// Runs screens.cjs over `jobs` (a JSON array, the script's header says of what); the parsed
/// results, one per job.
inline json::Value run_screens(const std::string& tools, const std::string& jobs) {
  std::string out, err;
  int rc = run({"/usr/bin/env", "node", std::string(KIOSK_SOURCE_DIR) + "/tests/kioskd/screens.cjs",
                tools, jobs},
               &out, &err);
  CAPTURE(out);
  CAPTURE(err);
  REQUIRE(rc == 0);
  auto results = json::parse(out);
  REQUIRE(results);
  REQUIRE(results->is_array());
  return *results;
}

/// BUILD/kioskd-screens, where the screenshots are kept for a human to look at.
inline std::string shots_dir() {
  std::string shots = std::string(KIOSK_BUILD_DIR) + "/kioskd-screens";
  std::filesystem::create_directories(shots);
  return shots;
}

}  // namespace kiosk::test
