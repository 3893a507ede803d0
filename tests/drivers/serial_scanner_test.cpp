// The serial scanner driver against a real pty (sim/scanner/pty_serial_sim.h).
#include "drivers/scanner/serial_scanner.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sim/scanner/pty_serial_sim.h"
#include "tests/drivers/scanner_rig.h"

using namespace kiosk;
using namespace kiosk::drivers;
using namespace std::chrono_literals;
using kiosk::test::run_for;
using kiosk::test::run_until;
using kiosk::test::Seen;

namespace {

struct Rig : test::ScannerRig<sim::PtySerialSim, SerialScanner> {
  explicit Rig(Terminator t, std::size_t max_line = 4096) {
    make_sim("ttyScanner");
    SerialSettings cfg;
    cfg.device = sim->path();
    cfg.baud = 115200;
    cfg.terminator = std::move(t);
    cfg.max_line = max_line;
    cfg.backoff = {20ms, 160ms};
    scanner = SerialScanner::create(io, cfg);
    scanner->start(seen.handlers());
    REQUIRE(wait([&] { return scanner->status().state == DeviceState::kReady; }));
  }
  bool wait_lines(std::size_t n) {
    return wait([&] { return seen.lines.size() >= n; });
  }
};

}  // namespace

TEST_CASE("serial: lines with each terminator arrive whole and in order") {
  struct Case {
    const char* name;
    Terminator t;
  } cases[] = {{"CR", Terminator::cr()},
               {"LF", Terminator::lf()},
               {"CRLF", Terminator::crlf()},
               {"ETX byte", Terminator::byte(0x03)}};
  for (auto& c : cases) {
    CAPTURE(c.name);
    Rig rig(c.t);
    rig.sim->send_line("WPC1:6BFOXN*TS0BI$ZD-", c.t.bytes);
    rig.sim->send_line("WPP1:NCFOXN%TS3DH", c.t.bytes);
    REQUIRE(rig.wait_lines(2));
    CHECK(rig.seen.lines == std::vector<std::string>{"WPC1:6BFOXN*TS0BI$ZD-", "WPP1:NCFOXN%TS3DH"});
    CHECK(rig.seen.rejects.empty());
    CHECK(rig.scanner->status().lines == 2);
  }
}

TEST_CASE("serial: binary garbage is rejected with a reason and reading goes on") {
  Rig rig(Terminator::cr());
  rig.sim->send_raw(std::string("\x00\x01\xFE\xFFgarbage\x1B[0m", 13) + "\r");
  rig.sim->send_line("AFTER", "\r");
  REQUIRE(rig.wait_lines(1));
  REQUIRE(rig.seen.rejects.size() == 1);
  CHECK(rig.seen.rejects[0].reason == ScanRejectReason::kNonPrintable);
  CHECK(rig.seen.rejects[0].detail == "control byte 0x00 at offset 0");
  CHECK(rig.seen.lines == std::vector<std::string>{"AFTER"});
  CHECK(rig.scanner->status().rejects == 1);
}

TEST_CASE(
    "serial: an overlong line is rejected before its end; an endless one never grows memory") {
  Rig rig(Terminator::cr(), 64);
  // 1 MiB with no terminator: the reject comes while the bytes are still flowing.
  rig.sim->send_endless(1 << 20);
  REQUIRE(rig.wait([&] { return !rig.seen.rejects.empty(); }));
  CHECK(rig.seen.rejects[0].reason == ScanRejectReason::kLineTooLong);
  CHECK(rig.seen.rejects[0].detail == "line longer than 64 bytes");
  // All of it is consumed (the driver keeps reading and discarding) and nothing more is reported.
  REQUIRE(rig.wait([&] { return rig.sim->pump() == 0; }));
  rig.sim->send_raw("tail of the long line\r");
  rig.sim->send_line(std::string(64, 'B'), "\r");  // exactly the limit: accepted
  REQUIRE(rig.wait_lines(1));
  CHECK(rig.seen.rejects.size() == 1);
  CHECK(rig.seen.lines[0] == std::string(64, 'B'));
}

TEST_CASE("serial: random noise on the line (wrong baud rate) never yields a line") {
  Rig rig(Terminator::cr(), 256);
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    rig.sim->send_garbage(4096, seed);
  rig.sim->send_line("", "\r");  // end whatever line the noise left open
  rig.sim->send_line("CLEAN", "\r");
  REQUIRE(rig.wait([&] { return !rig.seen.lines.empty() && rig.seen.lines.back() == "CLEAN"; }));
  // Noise has control and high bytes: every framed piece of it was rejected, none accepted
  // (a piece of pure printable noise between two CRs could pass; these seeds have none).
  CHECK(rig.seen.lines == std::vector<std::string>{"CLEAN"});
  CHECK(rig.seen.rejects.size() >= 8);
  for (auto& r : rig.seen.rejects)
    CHECK((r.reason == ScanRejectReason::kNonPrintable ||
           r.reason == ScanRejectReason::kLineTooLong));
}

TEST_CASE("serial: silence is not an error") {
  Rig rig(Terminator::cr());
  auto states_before = rig.seen.states.size();
  run_for(rig.io, 300ms);
  CHECK(rig.seen.lines.empty());
  CHECK(rig.seen.rejects.empty());
  CHECK(rig.seen.states.size() == states_before);
  CHECK(rig.scanner->status().state == DeviceState::kReady);
  // A line split by a long pause is still one line.
  rig.sim->send_raw("HALF");
  run_for(rig.io, 200ms, [&] { rig.sim->pump(); });
  rig.sim->send_raw("-DONE\r");
  REQUIRE(rig.wait_lines(1));
  CHECK(rig.seen.lines[0] == "HALF-DONE");
}

TEST_CASE("serial: unplug and replug: the driver reports the loss, reconnects and reads on") {
  Rig rig(Terminator::crlf());
  rig.sim->send_line("BEFORE", "\r\n");
  REQUIRE(rig.wait_lines(1));

  rig.sim->send_raw("PARTIAL LINE CUT BY THE UNPLUG");
  REQUIRE(rig.wait([&] { return rig.sim->pump() == 0; }));
  run_for(rig.io, 50ms);
  rig.sim->unplug();
  REQUIRE(rig.wait([&] { return rig.scanner->status().state != DeviceState::kReady; }));
  auto lost = rig.scanner->status();
  CHECK(lost.state == DeviceState::kAbsent);
  CHECK(lost.detail.find("lost") != std::string::npos);
  CHECK(lost.reconnects == 1);
  // While unplugged the link is gone: attempts fail and back off.
  REQUIRE(rig.wait([&] { return rig.scanner->status().open_attempts >= 4; }));
  CHECK(rig.scanner->status().detail.find("No such file") != std::string::npos);

  REQUIRE(rig.sim->replug().ok());
  REQUIRE(rig.wait([&] { return rig.scanner->status().state == DeviceState::kReady; }));
  rig.sim->send_line("AFTER", "\r\n");
  REQUIRE(rig.wait_lines(2));
  // The partial line from before the unplug does not glue onto the first line after it.
  CHECK(rig.seen.lines == std::vector<std::string>{"BEFORE", "AFTER"});
  CHECK(rig.seen.rejects.empty());
  // State changes were reported in order: ready, absent (lost), ..., ready.
  REQUIRE(rig.seen.states.size() >= 3);
  CHECK(rig.seen.states.back().state == DeviceState::kReady);
}

TEST_CASE("serial: a missing device is absent, with the reason, and retries back off") {
  test::TempDir dir;
  boost::asio::io_context io;
  Seen seen;
  SerialSettings cfg;
  cfg.device = dir / "no-such-tty";
  cfg.backoff = {10ms, 80ms};
  auto scanner = SerialScanner::create(io, cfg);
  scanner->start(seen.handlers());
  REQUIRE(run_until(io, [&] { return scanner->status().open_attempts >= 6; }));
  scanner->stop();
  auto s = seen.states;
  REQUIRE(!s.empty());
  CHECK(s.back().state == DeviceState::kAbsent);
  CHECK(s.back().detail.find("no-such-tty") != std::string::npos);
  CHECK(s.back().detail.find("No such file") != std::string::npos);
  // Delays double from the initial one and stop at the maximum.
  std::vector<long> delays;
  for (auto& st : s)
    if (st.state == DeviceState::kAbsent)
      delays.push_back(static_cast<long>(st.retry_delay.count()));
  REQUIRE(delays.size() >= 5);
  CHECK(std::vector<long>(delays.begin(), delays.begin() + 5) ==
        std::vector<long>{10, 20, 40, 80, 80});
}

TEST_CASE("serial: settings that cannot work fail with the reason") {
  boost::asio::io_context io;
  Seen seen;
  SerialSettings cfg;
  cfg.device = "/dev/null";
  cfg.baud = 12345;
  CHECK(check(cfg) == "unsupported baud rate 12345");
  auto scanner = SerialScanner::create(io, cfg);
  scanner->start(seen.handlers());
  REQUIRE(run_until(io, [&] { return !seen.states.empty(); }));
  scanner->stop();
  CHECK(seen.states[0].state == DeviceState::kFailed);
  CHECK(seen.states[0].detail == "unsupported baud rate 12345");
  cfg.baud = 9600;
  CHECK(check(cfg).empty());
  cfg.device.clear();
  CHECK(check(cfg) == "no serial device configured");
}

TEST_CASE("serial: a path that is not a serial port fails with the reason, and is retried") {
  test::TempDir dir;
  std::ofstream(dir / "not-a-tty") << "plain file";
  boost::asio::io_context io;
  Seen seen;
  SerialSettings cfg;
  cfg.device = dir / "not-a-tty";
  cfg.backoff = {10ms, 20ms};
  auto scanner = SerialScanner::create(io, cfg);
  scanner->start(seen.handlers());
  REQUIRE(run_until(io, [&] { return scanner->status().open_attempts >= 2; }));
  scanner->stop();
  REQUIRE(!seen.states.empty());
  CHECK(seen.states.back().state == DeviceState::kFailed);
  CHECK(seen.states.back().detail == "cannot open " + (dir / "not-a-tty") +
                                         ": not a serial port (Inappropriate ioctl for device)");
}

TEST_CASE("serial: stop() from a handler ends delivery; start and stop are idempotent") {
  Rig rig(Terminator::lf());
  int calls = 0;
  rig.scanner->stop();
  rig.scanner->stop();
  rig.scanner->start({[&](const ScanLine&) {
                        ++calls;
                        rig.scanner->stop();
                      },
                      {},
                      {}});
  rig.scanner->start({});  // ignored: already running
  REQUIRE(rig.wait([&] { return rig.scanner->status().state == DeviceState::kReady; }));
  rig.sim->send_raw("ONE\nTWO\nTHREE\n");
  REQUIRE(rig.wait([&] { return calls > 0; }));
  run_for(rig.io, 100ms, [&] { rig.sim->pump(); });
  CHECK(calls == 1);
  CHECK(rig.scanner->status().state == DeviceState::kAbsent);
}
