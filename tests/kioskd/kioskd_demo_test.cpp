// `kioskd-demo`: the simulated devices behind the real drivers play the whole script once
// (--no-loop) and every presentation gets its verdict on stdout, in order.
#include <doctest/doctest.h>

#include <signal.h>

#include <sstream>

#include "tests/kioskd/support.h"

using namespace kiosk::test;

TEST_CASE("kioskd-demo plays the live e-card, letter, legacy card, chip and the failures") {
  TempDir dir("demo_live");
  std::string out = dir.path + "/stdout.txt", ready = dir.path + "/ready";
  ProcessOptions po;
  po.stdout_file = out;
  po.stderr_file = dir.path + "/stderr.txt";
  Process p({kioskd_demo_path(), "--no-loop", "--port", "0", "--data", dir.path + "/data",
             "--ready-file", ready},
            po);
  // The expected verdicts, in the script's order (firmware/kioskd-demo/demo_devices.cpp).
  const std::vector<std::string> want = {
      "camera ACCEPT E_SSC -",
      "camera ACCEPT WPNL -",
      "scanner ACCEPT WP_CARD -",
      "card ACCEPT SSC_CHIP -",
      "camera REJECT E_SSC PRESENTATION_EXPIRED",
      "camera REJECT UNKNOWN BAD_SIGNATURE",
      "camera REJECT WPNL CREDENTIAL_REVOKED",
      "camera REVIEW WPNL JURISDICTION_MISMATCH",
      "card REJECT SSC_CHIP HOLDER_BINDING_FAILED",
  };
  std::vector<std::string> got;
  wait_until(
      [&] {
        got.clear();
        std::istringstream in(read_text(out));
        for (std::string line; std::getline(in, line);) {
          auto sp = line.find(' ');
          if (line.size() > 20 && line[0] == '2' && line[4] == '-' && sp != std::string::npos)
            got.push_back(line.substr(sp + 1));
        }
        return got.size() >= want.size();
      },
      std::chrono::seconds(150));
  CHECK(read_text(out).find("officer screen: http://127.0.0.1:") != std::string::npos);
  std::string seen;
  for (const auto& g : got)
    seen += g + "\n";
  CAPTURE(seen);
  CHECK(got == want);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
