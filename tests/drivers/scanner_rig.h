// The common half of a scanner test rig: a private directory holding the simulated device, the
// io_context the test drives, the scanner, and what its handlers heard. Each test file adds the
// constructor that configures its own scanner.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "drivers/scanner/scanner.h"
#include "tests/drivers/io_wait.h"
#include "tests/drivers/temp_dir.h"

namespace kiosk::test {

/// Everything a scanner's handlers were given, in order.
struct Seen {
  std::vector<std::string> lines;
  std::vector<drivers::ScanReject> rejects;
  std::vector<drivers::ScannerStatus> states;
  drivers::ScannerHandlers handlers() {
    return {[this](const drivers::ScanLine& l) { lines.push_back(l.text); },
            [this](const drivers::ScanReject& r) { rejects.push_back(r); },
            [this](const drivers::ScannerStatus& s) { states.push_back(s); }};
  }
};

template <class Sim, class Scanner>
struct ScannerRig {
  TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<Sim> sim;
  std::shared_ptr<Scanner> scanner;
  Seen seen;

  ScannerRig() { REQUIRE(dir.ok()); }
  ~ScannerRig() {
    if (scanner) scanner->stop();
  }
  ScannerRig(const ScannerRig&) = delete;
  ScannerRig& operator=(const ScannerRig&) = delete;

  /// Creates the simulated device at dir/name.
  void make_sim(const std::string& name) {
    auto s = Sim::create(dir / name);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
    sim = std::move(s.value());
  }
  /// Runs the io_context, pumping the simulated device, until `done()` or `timeout`.
  bool wait(const std::function<bool()>& done,
            std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return run_until(io, done, timeout, [this] {
      if (sim) sim->pump();
    });
  }
};

}  // namespace kiosk::test
