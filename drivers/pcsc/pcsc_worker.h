// Runs PC/SC calls on a thread of their own, each with a bound. pcsc-lite's client calls may block
// for ever (SCardTransmit waits for pcscd without a timeout, and pcscd waits for the reader driver,
// which waits for the card), so the driver never calls them on the caller's thread: a call that
// overruns its bound leaves this worker "wedged" (it finishes, or not, on its own; the driver
// moves on to a fresh worker and a fresh context). Internal to drivers/pcsc.
#pragma once

#include <PCSC/winscard.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kiosk::drivers::pcsc {

/// The PC/SC context a worker owns; touched only on the worker's thread.
struct Context {
  SCARDCONTEXT handle = 0;
  bool valid = false;
  /// Establishes the context when there is none; the PC/SC status (SCARD_S_SUCCESS when valid).
  LONG ensure();
  /// Drops the context (after the service went away: the next ensure() makes a new one).
  void drop();
};

class Worker {
 public:
  /// Starts a worker thread.
  static std::shared_ptr<Worker> create();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  /// Runs `f` on the worker thread and returns its value, or nullopt when it did not finish within
  /// `bound` (the worker is then wedged) or the worker is wedged or shut down already. `f` must
  /// capture by value: it may outlive the caller.
  template <class T>
  std::optional<T> call(std::function<T(Context&)> f, std::chrono::milliseconds bound);

  bool wedged() const;
  /// True once the thread has ended (a wedged call returned at last, or a shutdown completed).
  bool finished() const;
  /// Stops the thread after the queued calls, releasing the context. Waits at most `bound` for it;
  /// a wedged thread is left to finish on its own (detached). Idempotent.
  void shutdown(std::chrono::milliseconds bound);

 private:
  Worker() = default;
  void post(std::function<void()> job);
  void loop();

  mutable std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  bool finished_ = false;
  bool wedged_ = false;
  Context ctx_;
  std::thread thread_;
  std::shared_ptr<Worker> self_;  ///< keeps the worker alive while its thread runs
};

template <class T>
std::optional<T> Worker::call(std::function<T(Context&)> f, std::chrono::milliseconds bound) {
  struct Slot {
    std::mutex m;
    std::condition_variable cv;
    std::optional<T> value;
  };
  {
    std::lock_guard l(m_);
    if (wedged_ || stop_) return std::nullopt;
  }
  auto slot = std::make_shared<Slot>();
  post([this, slot, f = std::move(f)] {
    T v = f(ctx_);
    std::lock_guard l(slot->m);
    slot->value = std::move(v);
    slot->cv.notify_all();
  });
  std::unique_lock l(slot->m);
  if (!slot->cv.wait_for(l, bound, [&] { return slot->value.has_value(); })) {
    std::lock_guard g(m_);
    wedged_ = true;
    return std::nullopt;
  }
  return std::move(slot->value);
}

}  // namespace kiosk::drivers::pcsc
