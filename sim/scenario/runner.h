// Plays a scenario against the real verifier and a private trust store, and reports.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/result.h"
#include "sim/scenario/channel.h"
#include "sim/scenario/scenario.h"

namespace kiosk::sim {

struct RunOptions {
  /// A `kiosk-sim keys` directory; unset: a PKI made in memory from the scenario's seed and start.
  std::optional<std::string> keys_dir;
  /// The system clock, used when neither the scenario nor the keys fix the start.
  std::int64_t system_now = 0;
  /// Channels by device name ("camera", "scanner", "card") replacing the built-in ones.
  std::map<std::string, std::shared_ptr<Channel>> channels;
};

struct StepReport {
  Step step;
  std::string channel;  ///< the channel's label
  ExpectedVerdict expected;
  std::optional<Verdict> got;
  std::string error;  ///< set when issuing or the channel failed
  double ms = 0;      ///< wall time from delivery to verdict
  bool pass = false;
};

struct Report {
  std::string source;
  std::int64_t start = 0;
  std::string trust;  ///< where the trust came from, and what the installs answered
  std::vector<StepReport> steps;
  bool passed() const;
};

/// Sets up a temporary SQLite trust store, installs the trust package (every file must answer
/// INSTALLED), plays every step and deletes the store. Fails only when the setup fails.
Result<Report, std::string> run_scenario(const Scenario& sc, const RunOptions& opts);

/// The field-test report: one line per step (step, line, channel, doc/variant, expected, got,
/// ms, PASS/FAIL), then a summary line.
std::string format_report(const Report& r);
/// The same as JSON (one object).
std::string report_json(const Report& r);

}  // namespace kiosk::sim
