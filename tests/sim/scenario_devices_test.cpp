// The demo scenario through the drivers' simulated implementations: the camera channel renders
// each QR on its carrier and decodes it with the scan pipeline, the scanner channel sends it over
// a pty to the serial driver.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "sim/scenario/device_channels.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

using namespace kiosk;
using namespace kiosk::sim;

TEST_CASE("the demo scenario passes with the rendered camera and the pty scanner") {
  const std::string demo = std::string(KIOSK_TEST_DATA) + "/../../sim/scenarios/demo.scenario";
  auto sc = load_scenario(demo);
  REQUIRE_MESSAGE(sc.ok(), (sc.ok() ? "" : sc.error()));
  std::string dir = std::string(KIOSK_BUILD_DIR) + "/scenario-devices-XXXXXX";
  REQUIRE(mkdtemp(dir.data()));
  RunOptions opts;
  opts.system_now = 1796000000;
  opts.channels["camera"] = std::make_shared<RenderedCameraChannel>();
  opts.channels["scanner"] = std::make_shared<PtyScannerChannel>(dir);
  auto rep = run_scenario(*sc, opts);
  std::filesystem::remove_all(dir);
  REQUIRE_MESSAGE(rep.ok(), (rep.ok() ? "" : rep.error()));
  std::string text = format_report(*rep);
  CAPTURE(text);
  CHECK(rep->passed());
  std::size_t camera = 0, scanner = 0;
  for (const auto& s : rep->steps) {
    camera += s.channel == "camera(rendered+scan)";
    scanner += s.channel == "scanner(pty+serial)";
  }
  CHECK(camera > 0);
  CHECK(scanner > 0);
}
