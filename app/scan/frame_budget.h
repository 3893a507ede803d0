// The kiosk's time policy for one camera frame: which fallback stages the frame can still
// afford. Pure: the caller reads the clock and passes the time in; the policy learns what each
// stage costs on this machine from the frames before.
#pragma once

#include <array>
#include <optional>

#include "app/scan/scanner.h"

namespace kiosk::scan {

class FrameBudget {
 public:
  /// `budget_ms`: the time one frame may take (a 30 fps camera: 33 ms, minus what the rest of
  /// the frame's handling needs).
  explicit FrameBudget(double budget_ms) : budget_ms_(budget_ms) {}

  /// A frame starts at `now_ms` (any monotonic clock, in milliseconds) with `first`, the stage
  /// the pipeline runs unasked.
  void begin(double now_ms, Stage first = Stage::kDirect);
  /// Whether `next` is expected to end within the budget at `now_ms`; the time since the last
  /// call is charged to the stage that ran in between. A stage never run is assumed to cost
  /// what the frame's first stage did; a refused one is assumed a little cheaper at each
  /// refusal, down to its cheapest run.
  [[nodiscard]] bool afford(Stage next, double now_ms);
  /// The frame ended at `now_ms`: the last stage's time is charged to it.
  void end(double now_ms);
  /// Whether the frame begun last still has time left at `now_ms` (ScanOptions::in_time). A
  /// stage told no stops short and is charged what it ran.
  [[nodiscard]] bool in_time(double now_ms) const { return now_ms - start_ms_ < budget_ms_; }

  /// What `stage` is expected to cost at most, in milliseconds (its mean cost plus twice its
  /// mean deviation); nullopt before it first ran.
  std::optional<double> expected_ms(Stage stage) const;

 private:
  struct Cost {
    int runs = 0;
    double mean = 0;
    double deviation = 0;
    double lowest = 0;  // the cheapest run: the floor of a refused stage's estimate
  };
  static double expected(const Cost& c);
  void charge(double now_ms);

  double budget_ms_;
  double start_ms_ = 0;
  double mark_ms_ = 0;
  double first_ms_ = 0;  // what the frame's first stage took
  std::optional<Stage> running_;
  std::array<Cost, 16> cost_{};  // per stage
};

}  // namespace kiosk::scan
