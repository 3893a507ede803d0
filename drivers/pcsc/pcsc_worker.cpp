#include "drivers/pcsc/pcsc_worker.h"

namespace kiosk::drivers::pcsc {

LONG Context::ensure() {
  if (valid) return SCARD_S_SUCCESS;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &handle);
  valid = rv == SCARD_S_SUCCESS;
  return rv;
}

void Context::drop() {
  if (valid) (void)SCardReleaseContext(handle);
  valid = false;
  handle = 0;
}

std::shared_ptr<Worker> Worker::create() {
  std::shared_ptr<Worker> w(new Worker());
  w->self_ = w;
  w->thread_ = std::thread([w = w.get()] { w->loop(); });
  return w;
}

Worker::~Worker() {
  if (thread_.joinable()) thread_.detach();
}

bool Worker::wedged() const {
  std::lock_guard l(m_);
  return wedged_;
}

bool Worker::finished() const {
  std::lock_guard l(m_);
  return finished_;
}

void Worker::post(std::function<void()> job) {
  {
    std::lock_guard l(m_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void Worker::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock l(m_);
      cv_.wait(l, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) break;  // stop_ and nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
  ctx_.drop();
  std::shared_ptr<Worker> keep;
  {
    std::lock_guard l(m_);
    finished_ = true;
    keep = std::move(self_);  // released after the notification, possibly the last reference
  }
  cv_.notify_all();
}

void Worker::shutdown(std::chrono::milliseconds bound) {
  std::unique_lock l(m_);
  if (thread_.get_id() == std::this_thread::get_id()) return;
  stop_ = true;
  cv_.notify_all();
  bool done = cv_.wait_for(l, bound, [&] { return finished_; });
  l.unlock();
  if (!thread_.joinable()) return;
  if (done) {
    thread_.join();
  } else {
    thread_.detach();
  }
}

}  // namespace kiosk::drivers::pcsc
