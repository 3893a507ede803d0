// The HID keyboard-wedge driver reading a recorded evdev stream from a FIFO
// (sim/scanner/hid_event_sim.h): this machine has no /dev/uinput, so no kernel input device can
// be created; the stream goes through the driver's own open/read/parse path with grab off.
#include "drivers/scanner/evdev_scanner.h"

#include <doctest/doctest.h>
#include <linux/input.h>

#include <filesystem>
#include <fstream>

#include "drivers/scanner/input_device_lookup.h"
#include "sim/scanner/hid_event_sim.h"
#include "tests/drivers/scanner_rig.h"

using namespace kiosk;
using namespace kiosk::drivers;
using namespace std::chrono_literals;
using kiosk::test::run_until;
using kiosk::test::Seen;

namespace {

struct Rig : test::ScannerRig<sim::HidEventSim, EvdevScanner> {
  explicit Rig(EvdevSettings cfg = {}, bool with_sim = true) {
    if (with_sim) make_sim("event7");
    if (cfg.device.empty() && cfg.name.empty()) cfg.device = dir / "event7";
    cfg.grab = false;  // a FIFO cannot be grabbed; the grab path is tested apart
    cfg.backoff = {20ms, 160ms};
    scanner = EvdevScanner::create(io, cfg);
    scanner->start(seen.handlers());
  }
  bool ready() {
    return wait([&] { return scanner->status().state == DeviceState::kReady; });
  }
};

}  // namespace

TEST_CASE("hid: which simulation this machine supports") {
  // Recorded so that the test log says which path ran; the FIFO path works everywhere.
  std::string which = sim::uinput_available() ? "/dev/uinput usable: yes"
                                              : "/dev/uinput usable: no (FIFO stream used)";
  MESSAGE(which);
  if (!std::filesystem::exists("/dev/uinput")) CHECK_FALSE(sim::uinput_available());
}

TEST_CASE("hid: typed text arrives as one line per Enter") {
  Rig rig;
  REQUIRE(rig.ready());
  rig.sim->type("WPC1:6BF OXN*TS0BI$ZD-%/+.");
  rig.sim->type("wpp1:lower");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 2; }));
  CHECK(rig.seen.lines == std::vector<std::string>{"WPC1:6BF OXN*TS0BI$ZD-%/+.", "wpp1:lower"});
  CHECK(rig.seen.rejects.empty());
}

TEST_CASE("hid: dropped events and unmapped keys reject the line, the next one passes") {
  Rig rig;
  REQUIRE(rig.ready());
  rig.sim->type("AB", false);
  rig.sim->syn_dropped();
  rig.sim->type("CD");
  rig.sim->type("E", false);
  rig.sim->tap(KEY_F1);
  rig.sim->type("F");
  rig.sim->type("GOOD");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 1; }));
  REQUIRE(rig.seen.rejects.size() == 2);
  CHECK(rig.seen.rejects[0].reason == ScanRejectReason::kEventsDropped);
  CHECK(rig.seen.rejects[1].reason == ScanRejectReason::kUnmappedKey);
  CHECK(rig.seen.lines == std::vector<std::string>{"GOOD"});
}

TEST_CASE("hid: an overlong line is rejected") {
  EvdevSettings cfg;
  cfg.max_line = 32;
  Rig rig(cfg);
  REQUIRE(rig.ready());
  rig.sim->type(std::string(5000, 'x'));
  rig.sim->type("short");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 1; }));
  REQUIRE(rig.seen.rejects.size() == 1);
  CHECK(rig.seen.rejects[0].reason == ScanRejectReason::kLineTooLong);
  CHECK(rig.seen.lines == std::vector<std::string>{"short"});
}

TEST_CASE("hid: unplug and replug: reconnects and reads the next line") {
  Rig rig;
  REQUIRE(rig.ready());
  rig.sim->type("ONE");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 1; }));
  rig.sim->unplug();
  REQUIRE(rig.wait([&] { return rig.scanner->status().state != DeviceState::kReady; }));
  CHECK(rig.scanner->status().reconnects == 1);
  REQUIRE(rig.wait([&] { return rig.scanner->status().open_attempts >= 3; }));
  CHECK(rig.scanner->status().state == DeviceState::kAbsent);
  CHECK(rig.scanner->status().detail.find("No such file") != std::string::npos);
  REQUIRE(rig.sim->replug().ok());
  REQUIRE(rig.ready());
  rig.sim->type("TWO");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 2; }));
  CHECK(rig.seen.lines == std::vector<std::string>{"ONE", "TWO"});
}

TEST_CASE("hid: the device is found by name through sysfs, and again after a replug") {
  test::TempDir tree;
  REQUIRE(tree.ok());
  namespace fs = std::filesystem;
  fs::create_directories(tree / "sys/event3/device");
  fs::create_directories(tree / "sys/event7/device");
  fs::create_directories(tree / "dev");
  std::ofstream(tree / "sys/event3/device/name") << "AT Translated Set 2 keyboard\n";
  std::ofstream(tree / "sys/event7/device/name") << "Acme 2D Scanner\n";

  auto found = find_input_device("Acme 2D Scanner", tree / "sys", tree / "dev");
  REQUIRE(found.ok());
  CHECK(*found == tree / "dev/event7");
  auto missing = find_input_device("Other Scanner", tree / "sys", tree / "dev");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("no input device named 'Other Scanner'") == 0);

  auto sim = sim::HidEventSim::create(tree / "dev/event7");
  REQUIRE(sim.ok());
  EvdevSettings cfg;
  cfg.name = "Acme 2D Scanner";
  cfg.sys_root = tree / "sys";
  cfg.dev_root = tree / "dev";
  Rig rig(cfg, false);
  rig.sim = std::move(sim.value());
  REQUIRE(rig.ready());
  rig.sim->type("BYNAME");
  REQUIRE(rig.wait([&] { return rig.seen.lines.size() >= 1; }));
  CHECK(rig.seen.lines[0] == "BYNAME");
}

TEST_CASE("hid: a name that matches nothing is absent, with the reason") {
  test::TempDir tree;
  EvdevSettings cfg;
  cfg.name = "Ghost Scanner";
  cfg.sys_root = tree / "sys";
  cfg.dev_root = tree / "dev";
  Rig rig(cfg, false);
  REQUIRE(rig.wait([&] { return rig.scanner->status().open_attempts >= 2; }));
  CHECK(rig.scanner->status().state == DeviceState::kAbsent);
  CHECK(rig.scanner->status().detail.find("Ghost Scanner") != std::string::npos);
}

TEST_CASE("hid: a device that cannot be grabbed is refused (its keys would reach the screen)") {
  test::TempDir dir;
  auto sim = sim::HidEventSim::create(dir / "event9");
  REQUIRE(sim.ok());
  boost::asio::io_context io;
  Seen seen;
  EvdevSettings cfg;
  cfg.device = dir / "event9";
  cfg.grab = true;  // a FIFO answers EVIOCGRAB with ENOTTY, as a non-evdev node would
  cfg.backoff = {20ms, 40ms};
  auto scanner = EvdevScanner::create(io, cfg);
  scanner->start(seen.handlers());
  REQUIRE(run_until(io, [&] { return scanner->status().state == DeviceState::kFailed; }));
  scanner->stop();
  CHECK(seen.states.back().detail.find("cannot grab") == 0);
  sim.value()->type("NEVER READ");
  CHECK(seen.lines.empty());
}
