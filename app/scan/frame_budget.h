// The kiosk's time policy for one camera frame: which fallback stages the frame can still
// afford. Pure: the caller reads the clock and passes the time in; the policy learns what each
// stage costs on this machine from the frames before.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

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

  /// What the first stage of the frame begun last took, in milliseconds; nullopt when no
  /// fallback was asked after it (it read a code, or it was the only stage).
  std::optional<double> first_stage_ms() const {
    return asked_ ? std::optional(first_ms_) : std::nullopt;
  }

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
  bool asked_ = false;   // a fallback was asked in this frame
  std::optional<Stage> running_;
  std::array<Cost, 16> cost_{};  // per stage
};

/// One camera frame scanned as kioskd's camera worker scans it (and the benchmarks and tests
/// that measure that path): `stages` (camera_stages()) rotated by `frame_number`
/// (rotated_stages), `hint` for the hint stage, each fallback asked of `budget` and the warped
/// and regions stages asking it between their parts, on the clock `now_ms` (monotonic,
/// milliseconds).
Result<ScanReport, ScanError> scan_frame(const ImageView& frame, const std::vector<Stage>& stages,
                                         std::uint64_t frame_number,
                                         const std::optional<Region>& hint, FrameBudget& budget,
                                         const std::function<double()>& now_ms);

}  // namespace kiosk::scan
