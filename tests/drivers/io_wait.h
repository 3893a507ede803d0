// Driving an io_context from a test thread until a condition holds, with a deadline.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace kiosk::test {

/// Runs handlers until `done()` or `timeout`; `tick` runs between handlers (a simulator's pump).
/// Returns done().
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5),
                      const std::function<void()>& tick = {}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(10));
    if (tick) tick();
  }
  return done();
}

/// Runs handlers for `d` whatever happens (to check that nothing does).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d,
                    const std::function<void()>& tick = {}) {
  run_until(
      io, [] { return false; }, d, tick);
}

}  // namespace kiosk::test
