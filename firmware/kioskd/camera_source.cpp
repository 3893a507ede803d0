#include "firmware/kioskd/camera_source.h"

#include <boost/asio/post.hpp>
#include <optional>

#include "app/mrz/mrz.h"
#include "app/mrz/ocr.h"
#include "app/scan/frame_budget.h"
#include "app/scan/frame_stack.h"
#include "app/scan/scanner.h"

namespace kiosk::kioskd {
namespace {

/// Frames without a code after which the previous region stops being a useful hint.
constexpr int kHintFrames = 15;

/// A non-owning scan view of an 8-bit gray or BGR frame.
scan::ImageView view_of(const cv::Mat& m) {
  return {m.data, m.cols, m.rows, static_cast<int>(m.step[0]),
          m.channels() == 1 ? scan::PixelFormat::kGray8 : scan::PixelFormat::kBgr8};
}

}  // namespace

CameraSource::CameraSource(boost::asio::io_context& ioc, std::unique_ptr<drivers::Camera> camera,
                           std::chrono::milliseconds deadline)
    : ioc_(ioc), camera_(std::move(camera)), deadline_(deadline) {}

CameraSource::~CameraSource() {
  stop();
}

void CameraSource::start(TextHandler on_text, StatusHandler on_status) {
  if (started_) return;
  started_ = true;
  on_text_ = std::move(on_text);
  on_status_ = std::move(on_status);
  alive_->store(true);
  auto r = camera_->start();
  if (!r) {
    post_status(drivers::DeviceState::kFailed,
                std::string(drivers::name(r.error().code)) + ": " + r.error().detail);
    return;
  }
  worker_ = std::thread([this] { run(); });
  if (on_advice_) coach_worker_ = std::thread([this] { run_coach(); });
}

void CameraSource::stop() {
  alive_->store(false);
  {
    std::lock_guard<std::mutex> lock(coach_mutex_);
    stopping_.store(true);
  }
  coach_wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (coach_worker_.joinable()) coach_worker_.join();
  camera_->stop();
}

Histogram CameraSource::decode_times() const {
  std::lock_guard<std::mutex> lock(decode_mutex_);
  return decode_;
}

CameraSourceStats CameraSource::stats() const {
  return {frames_.load(), texts_.load(), skipped_.load(), fused_.load()};
}

void CameraSource::post_status(drivers::DeviceState s, std::string detail) {
  boost::asio::post(
      ioc_, [alive = alive_, h = on_status_, st = DeviceStatus{"camera", s, std::move(detail)}] {
        if (alive->load() && h) h(st);
      });
}

void CameraSource::run() {
  std::optional<scan::Region> hint;
  scan::FrameBudget budget(std::chrono::duration<double, std::milli>(deadline_).count());
  const std::function<double()> now_ms = [] {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  const std::vector<scan::Stage> stages = scan::camera_stages();
  scan::FrameStack stack;
  int misses = 0;
  std::uint64_t last_seq = 0;
  drivers::DeviceState last_state = drivers::DeviceState::kStarting;
  std::string last_detail = "\x01";  // nothing posted yet
  auto sync_status = [&] {
    auto st = camera_->status();
    std::string detail = st.state == drivers::DeviceState::kReady ? "" : st.detail;
    if (st.state != last_state || detail != last_detail) {
      last_state = st.state;
      last_detail = detail;
      post_status(st.state, detail);
    }
  };
  while (!stopping_.load()) {
    sync_status();
    auto f = camera_->read(std::chrono::milliseconds(200));
    sync_status();  // a frame came: the camera is ready before its first text is posted
    if (!f) {
      if (f.error().code == drivers::CameraError::kEndOfStream) {
        post_status(drivers::DeviceState::kAbsent, "end of stream");
        return;
      }
      if (f.error().code == drivers::CameraError::kNotOpen) return;
      continue;  // timeout or a fault the camera recovers from; its status says which
    }
    const cv::Mat& m = f->image;
    if (last_seq && f->sequence > last_seq + 1) skipped_ += f->sequence - last_seq - 1;
    last_seq = f->sequence;
    if (m.empty() || m.depth() != CV_8U || (m.channels() != 1 && m.channels() != 3)) continue;
    scan::ImageView view = view_of(m);
    InputTiming timing;
    timing.captured = f->timestamp;
    timing.read_start = std::chrono::steady_clock::now();
    const std::uint64_t frame_number = frames_.load();
    auto rep = scan::scan_frame(view, stages, frame_number, hint, budget, now_ms);
    ++frames_;
    if (!rep || rep->codes.empty()) {
      // The missed frames of a still, noisy scene, fused: their mean holds less noise than any
      // of them (a dim letter under a weak lamp; scan/frame_stack.h), the more the longer it is
      // held. Scanned when one is due (3, 6, 12, 24 and 48 frames into the scene, then every 24),
      // after the frame's own scan: the camera's next frame waits, and is skipped if it comes
      // meanwhile.
      stack.push(m);
      if (auto mean = stack.take_mean()) {
        ++fused_;
        rep = scan::scan_frame(view_of(*mean), stages, frame_number, std::nullopt, budget, now_ms);
      }
    }
    timing.read = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(decode_mutex_);
      decode_.observe(std::chrono::duration<double>(timing.read - timing.read_start).count());
    }
    if (!rep || rep->codes.empty()) {
      if (++misses > kHintFrames) hint.reset();
      // About twice a second: coach the applicant; about once a second: a passport page held up?
      if (misses % 15 == 0) coach_frame(m);
      if (misses % 30 == 0) try_mrz(view);
      continue;
    }
    misses = 0;
    stack.clear();
    coach_code_found();
    hint = scan::bounding_region(rep->codes.front());
    for (auto& c : rep->codes) {
      ++texts_;
      boost::asio::post(ioc_,
                        [alive = alive_, h = on_text_, t = std::move(c.text), timing]() mutable {
                          if (alive->load() && h) h(Channel::kCamera, std::move(t), timing);
                        });
    }
  }
}

void CameraSource::coach_frame(const cv::Mat& frame) {
  if (!on_advice_) return;
  std::lock_guard<std::mutex> lock(coach_mutex_);
  if (!coach_next_.empty()) return;  // the coach has not taken the previous one yet
  coach_next_ = frame.clone();       // the camera reuses its buffers
  coach_wake_.notify_one();
}

void CameraSource::coach_code_found() {
  if (!on_advice_) return;
  std::lock_guard<std::mutex> lock(coach_mutex_);
  ++coach_generation_;
  coach_next_.release();
  post_advice(Advice::kNone);
}

void CameraSource::post_advice(Advice a) {
  if (a == coach_last_) return;
  coach_last_ = a;
  boost::asio::post(ioc_, [alive = alive_, h = on_advice_, a] {
    if (alive->load()) h(a);
  });
}

void CameraSource::run_coach() {
  std::unique_lock<std::mutex> lock(coach_mutex_);
  while (true) {
    coach_wake_.wait(lock, [&] { return stopping_.load() || !coach_next_.empty(); });
    if (stopping_.load()) return;
    cv::Mat frame = std::move(coach_next_);
    coach_next_ = cv::Mat();
    std::uint64_t generation = coach_generation_;
    lock.unlock();
    // The module estimate (the code search) tells a code held too far from no code at all.
    Advice a = advise(measure_frame(view_of(frame), true));
    lock.lock();
    // A code read meanwhile makes this frame's advice stale.
    if (generation == coach_generation_) post_advice(a);
  }
}

void CameraSource::try_mrz(const scan::ImageView& view) {
  // Only a zone whose check digits all hold is posted: the camera sees the page again and again,
  // so a misread waits for a better frame rather than telling the officer "read again".
  auto read = mrz::read_mrz(view);
  if (!read) return;
  auto zone = mrz::parse(read->text);
  if (!zone || !zone->valid()) return;
  ++texts_;
  boost::asio::post(ioc_, [alive = alive_, h = on_text_, t = std::move(read->text)]() mutable {
    if (alive->load() && h) h(Channel::kCamera, std::move(t), InputTiming{});
  });
}

}  // namespace kiosk::kioskd
