// The run-and-retry schedule of a device driver on a Boost.Asio event loop: whether it runs, the
// run's generation (bumped by stop(), so that late completions of an ended run are ignored) and
// the retry timer, paced by Backoff. The driver keeps its own status; this keeps the schedule.
// Call every member from the io_context's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "drivers/backoff.h"

namespace kiosk::drivers {

class Reconnect {
 public:
  Reconnect(boost::asio::io_context& io, BackoffPolicy p) : retry_(io), backoff_(p) {}
  Reconnect(const Reconnect&) = delete;  // pending handlers point at this object
  Reconnect& operator=(const Reconnect&) = delete;

  bool running() const { return running_; }
  /// The current run's generation, for a completion handler to capture.
  std::uint64_t generation() const { return generation_; }
  /// Whether the run that captured `gen` is still going.
  bool current(std::uint64_t gen) const { return running_ && gen == generation_; }

  /// Starts a run and posts `attempt` to the event loop (it never runs inside start()). Returns
  /// false, doing nothing, when already running. `attempt` must own the driver that owns this
  /// (a shared_from_this() capture): the posted handler reads this object when it runs.
  template <class Attempt>
  bool start(Attempt attempt) {
    if (running_) return false;
    running_ = true;
    boost::asio::post(retry_.get_executor(),
                      [this, gen = generation_, attempt = std::move(attempt)]() mutable {
                        if (current(gen)) attempt();
                      });
    return true;
  }

  /// Ends the run and cancels a pending retry. Returns false, doing nothing, when not running.
  bool stop() {
    if (!running_) return false;
    running_ = false;
    ++generation_;
    retry_.cancel();
    return true;
  }

  /// After a successful open: the next failure waits the policy's initial delay again.
  void succeeded() { backoff_.reset(); }

  /// After a failure: the delay before the next attempt (each failure doubles it, up to max).
  std::chrono::milliseconds failed() { return backoff_.next(); }

  /// Runs `attempt` after `delay` unless the run ends first; nothing when not running. `attempt`
  /// must own the driver, as for start().
  template <class Attempt>
  void retry_after(std::chrono::milliseconds delay, Attempt attempt) {
    if (!running_) return;
    retry_.expires_after(delay);
    retry_.async_wait([this, gen = generation_,
                       attempt = std::move(attempt)](const boost::system::error_code& ec) mutable {
      if (ec || !current(gen)) return;
      attempt();
    });
  }

 private:
  boost::asio::steady_timer retry_;
  Backoff backoff_;
  bool running_ = false;
  std::uint64_t generation_ = 0;
};

}  // namespace kiosk::drivers
