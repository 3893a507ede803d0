#include "app/scan/frame_budget.h"

#include <algorithm>
#include <cmath>

namespace kiosk::scan {

namespace {

std::size_t index(Stage s) {
  return static_cast<std::size_t>(s);
}
static_assert(static_cast<std::size_t>(Stage::kRegions) < 16, "one slot per stage");

}  // namespace

void FrameBudget::begin(double now_ms, Stage first) {
  start_ms_ = mark_ms_ = now_ms;
  first_ms_ = 0;
  asked_ = false;
  running_ = first;  // the first stage always runs, unasked
}

void FrameBudget::charge(double now_ms) {
  if (!running_) return;
  double spent = std::max(0.0, now_ms - mark_ms_);
  Cost& c = cost_[index(*running_)];
  // A stage's cost varies from frame to frame (a code found early ends ZXing's search; the
  // scheduler may preempt): moving averages of the cost and of its deviation.
  if (c.runs++ == 0) {
    c.mean = c.lowest = spent;
  } else {
    c.deviation = 0.75 * c.deviation + 0.25 * std::abs(spent - c.mean);
    c.mean = 0.75 * c.mean + 0.25 * spent;
    c.lowest = std::min(c.lowest, spent);
  }
  running_.reset();
}

bool FrameBudget::afford(Stage next, double now_ms) {
  if (!asked_) {
    asked_ = true;
    if (running_) first_ms_ = std::max(0.0, now_ms - start_ms_);
  }
  charge(now_ms);
  mark_ms_ = now_ms;
  Cost& c = cost_[index(next)];
  // A stage never run is assumed to cost what the frame's first stage cost: the fallbacks
  // each read the whole frame once or more, as the first stage does.
  double cost = c.runs > 0 ? expected(c) : first_ms_;
  if (now_ms - start_ms_ + cost > budget_ms_) {
    // A refused stage is not measured again until it runs: its estimate shrinks at each
    // refusal, quickly down to its cheapest run, then very slowly below it. So one slow run
    // cannot bar a stage for good, and a stage dearer than the whole budget is tried again
    // only once in some hundreds of frames (an overrun in well under 1 % of them).
    c.lowest *= 0.998;
    c.mean = std::max(c.mean * 0.95, c.lowest);
    c.deviation *= 0.95;
    return false;
  }
  running_ = next;
  return true;
}

void FrameBudget::end(double now_ms) {
  charge(now_ms);
}

std::optional<double> FrameBudget::expected_ms(Stage stage) const {
  const Cost& c = cost_[index(stage)];
  if (c.runs == 0) return std::nullopt;
  return expected(c);
}

Result<ScanReport, ScanError> scan_frame(const ImageView& frame, const std::vector<Stage>& stages,
                                         std::uint64_t frame_number,
                                         const std::optional<Region>& hint, FrameBudget& budget,
                                         const std::function<double()>& now_ms) {
  ScanOptions opt;
  opt.hint = hint;
  // The fallbacks a frame cannot afford wait for a later frame, each in turn coming first.
  opt.stages = rotated_stages(stages, frame_number);
  opt.afford = [&](Stage next) { return budget.afford(next, now_ms()); };
  opt.in_time = [&] { return budget.in_time(now_ms()); };
  budget.begin(now_ms());
  auto report = scan(frame, opt);
  budget.end(now_ms());
  return report;
}

double FrameBudget::expected(const Cost& c) {
  // Two deviations above the mean: a stage is afforded when it almost surely ends in time.
  return c.mean + 2 * c.deviation;
}

}  // namespace kiosk::scan
