#include "drivers/camera/capture_camera.h"

#include <algorithm>
#include <cmath>

namespace kiosk::drivers {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {
// How long one grab() may block before the worker checks for stop and stall again.
constexpr milliseconds kGrabSlice{100};

std::string ms_text(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(d).count()) + " ms";
}
}  // namespace

CaptureCamera::CaptureCamera(std::unique_ptr<FrameSource> source, CaptureSettings settings)
    : source_(std::move(source)), settings_(settings), backoff_(settings.backoff) {
  status_.detail = "not started";
}

CaptureCamera::~CaptureCamera() {
  stop();
}

Result<Started, CameraFault> CaptureCamera::start() {
  std::lock_guard lock(m_);
  if (stopping_) return Unexpected(CameraFault{CameraError::kNotOpen, "camera was stopped"});
  if (started_) return Started{};
  if (!source_ || !std::isfinite(settings_.fps) || settings_.fps < 0 ||
      settings_.stall_timeout <= milliseconds(0) || settings_.backoff.initial <= milliseconds(0) ||
      settings_.backoff.max < settings_.backoff.initial)
    return Unexpected(CameraFault{CameraError::kInvalidArgument,
                                  "fps must be >= 0, timeouts and backoff positive"});
  started_ = true;
  status_.state = DeviceState::kStarting;
  status_.detail = "opening";
  fault_ = {CameraError::kTimeout, "no frame yet"};
  worker_ = std::thread([this] { run(); });
  return Started{};
}

void CaptureCamera::stop() {
  {
    std::lock_guard lock(m_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(m_);
  status_.state = DeviceState::kAbsent;
  status_.detail = "stopped";
}

bool CaptureCamera::stalled_locked(Clock::time_point now) const {
  return status_.state == DeviceState::kReady && now - last_frame_ > settings_.stall_timeout;
}

CameraStatus CaptureCamera::status() const {
  std::lock_guard lock(m_);
  CameraStatus s = status_;
  // The worker may sit in a blocking device read: report a stall without waiting for it.
  if (stalled_locked(Clock::now())) {
    s.state = DeviceState::kFailed;
    s.detail = "stalled: no frame for " + ms_text(Clock::now() - last_frame_);
  }
  return s;
}

Result<Frame, CameraFault> CaptureCamera::read(milliseconds timeout) {
  std::unique_lock lock(m_);
  if (!started_ || stopping_) return Unexpected(CameraFault{CameraError::kNotOpen, "not started"});
  cv_.wait_for(lock, timeout, [&] { return pending_.has_value() || eos_ || stopping_; });
  if (stopping_) return Unexpected(CameraFault{CameraError::kNotOpen, "stopped"});
  if (pending_) {
    Frame f = std::move(*pending_);
    pending_.reset();
    return f;
  }
  if (eos_) return Unexpected(CameraFault{CameraError::kEndOfStream, status_.detail});
  auto now = Clock::now();
  if (stalled_locked(now))
    return Unexpected(
        CameraFault{CameraError::kStalled, "no frame for " + ms_text(now - last_frame_)});
  if (status_.state != DeviceState::kReady && fault_.code != CameraError::kTimeout)
    return Unexpected(fault_);
  return Unexpected(CameraFault{CameraError::kTimeout, "no new frame within " + ms_text(timeout)});
}

bool CaptureCamera::sleep_for(Clock::duration d) {
  std::unique_lock lock(m_);
  return !cv_.wait_for(lock, d, [&] { return stopping_; });
}

void CaptureCamera::publish(cv::Mat image) {
  {
    std::lock_guard lock(m_);
    if (pending_) ++status_.overwritten;
    Frame f{std::move(image), Clock::now(), ++status_.delivered};
    last_frame_ = f.timestamp;
    pending_ = std::move(f);
    status_.state = DeviceState::kReady;
    status_.detail = "delivering frames";
    status_.retry_delay = milliseconds(0);
    fault_ = {CameraError::kTimeout, "no new frame"};
  }
  cv_.notify_all();
}

milliseconds CaptureCamera::fail(CameraFault f, DeviceState s, bool open_attempt) {
  auto delay = backoff_.next();
  std::lock_guard lock(m_);
  if (open_attempt) ++status_.open_attempts;
  if (status_.state == DeviceState::kReady) ++status_.reconnects;
  status_.state = s;
  status_.detail = f.detail;
  status_.retry_delay = delay;
  fault_ = std::move(f);
  return delay;
}

void CaptureCamera::run() {
  const bool paced = settings_.fps > 0;
  const auto period = paced ? std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(1.0 / settings_.fps))
                            : Clock::duration::zero();
  bool open = false;
  auto next_due = Clock::now();
  auto opened_at = Clock::now();
  while (true) {
    {
      std::lock_guard lock(m_);
      if (stopping_) break;
    }
    if (!open) {
      auto r = source_->open();
      if (!r) {
        auto s = r.error().code == CameraError::kDisconnected ? DeviceState::kAbsent
                                                              : DeviceState::kFailed;
        if (!sleep_for(fail(r.error(), s, true))) break;
        continue;
      }
      open = true;
      ready_once_ = false;
      opened_at = next_due = Clock::now();
      std::lock_guard lock(m_);
      ++status_.open_attempts;
      status_.notes = source_->notes();
      // A reopen after a stall keeps reporting the stall until a frame proves it over.
      if (status_.state != DeviceState::kReady && fault_.code != CameraError::kStalled) {
        status_.state = DeviceState::kStarting;
        status_.detail = "opened, waiting for the first frame";
      }
    }
    if (paced) {
      auto now = Clock::now();
      if (next_due > now && !sleep_for(next_due - now)) break;
      // After a long pause (a stall, a slow grab) start the rhythm again rather than bursting.
      next_due = std::max(next_due + period, Clock::now());
    }
    auto g = source_->grab(std::min(kGrabSlice, settings_.stall_timeout));
    if (auto lost = source_->lost_frames()) {
      std::lock_guard lock(m_);
      status_.delivered += lost;
      status_.lost += lost;
    }
    if (g) {
      ready_once_ = true;
      backoff_.reset();
      publish(std::move(g.value()));
      continue;
    }
    const CameraFault& f = g.error();
    auto since = Clock::now() - (ready_once_ ? last_frame_ : opened_at);
    switch (f.code) {
      case CameraError::kTimeout:
        if (since > settings_.stall_timeout) {
          source_->close();
          open = false;
          if (!sleep_for(fail({CameraError::kStalled, "stalled: no frame for " + ms_text(since)},
                              DeviceState::kFailed)))
            return;
        }
        break;
      case CameraError::kBadInput: {
        std::lock_guard lock(m_);
        ++status_.delivered;  // the frame existed but is unusable: a gap in the sequence
        ++status_.lost;
        status_.notes = "last frame lost: " + f.detail;
        break;
      }
      case CameraError::kEndOfStream:
        source_->close();
        open = false;
        if (!ready_once_) {  // a source that ends before its first frame has nothing to loop
          if (!sleep_for(
                  fail({CameraError::kBadInput, "no frames: " + f.detail}, DeviceState::kFailed)))
            return;
          break;
        }
        if (settings_.loop) break;
        {
          std::lock_guard lock(m_);
          eos_ = true;
          status_.state = DeviceState::kAbsent;
          status_.detail = "end of stream";
        }
        cv_.notify_all();
        return;
      default: {
        source_->close();
        open = false;
        auto s = f.code == CameraError::kDisconnected ? DeviceState::kAbsent : DeviceState::kFailed;
        if (!sleep_for(fail(f, s))) return;
        break;
      }
    }
  }
  source_->close();
}

}  // namespace kiosk::drivers
