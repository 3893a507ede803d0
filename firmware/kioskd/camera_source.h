// The camera as a QR text source: frames from a drivers::Camera (V4L2 or a simulated camera) are
// decoded by the scan pipeline (app/scan) on a worker thread, never on the event loop; each text
// read is posted to the event loop as channel kCamera.
//
// Frames are dropped while the worker is busy: Camera::read returns the newest frame and skips the
// older ones, so a slow decode never builds a queue. The region where the previous frame found a
// code is passed as the hint to the next one; each frame gets `deadline` to decode: the scan's
// FrameBudget skips the fallback stages that would not end in time (their cost learnt from the
// frames before) and rotates the fallbacks so that each comes first once every few frames.
// Missed frames held still under sensor noise are fused three at a time (scan::FrameStack), and
// their mean scanned after the third one's own scan.
//
// The applicant's coach (app/coach.h: 8 to 30 ms on a 720p frame) runs on a thread of its own on
// a copy of a missed frame about twice a second, so that it never takes time from a frame's
// decode; a frame with a code clears the advice at once.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <opencv2/core.hpp>

#include "app/coach.h"
#include "drivers/camera/camera.h"
#include "firmware/kioskd/input_source.h"
#include "firmware/kioskd/metrics.h"

namespace kiosk::kioskd {

struct CameraSourceStats {
  std::uint64_t frames = 0;   ///< frames decoded
  std::uint64_t texts = 0;    ///< texts posted
  std::uint64_t skipped = 0;  ///< frames the camera replaced before the worker could take them
  std::uint64_t fused = 0;    ///< means of still, noisy missed frames scanned (scan::FrameStack)
};

class CameraSource final : public QrTextSource {
 public:
  CameraSource(boost::asio::io_context& ioc, std::unique_ptr<drivers::Camera> camera,
               std::chrono::milliseconds deadline);
  ~CameraSource() override;
  void start(TextHandler on_text, StatusHandler on_status) override;
  void stop() override;
  CameraSourceStats stats() const;
  /// How long each frame's decode took (the scan pipeline, per frame), for /metrics.
  Histogram decode_times() const;
  /// What the applicant should do, measured on frames without a code (app/coach.h); called on
  /// the event loop when the advice changes. Set before start().
  void set_coach(std::function<void(Advice)> on_advice) { on_advice_ = std::move(on_advice); }

 private:
  void run();
  void run_coach();
  /// A missed frame for the coach (dropped if it is still measuring the previous one).
  void coach_frame(const cv::Mat& frame);
  /// A frame with a code: no advice, and a frame still being measured is not advised on.
  void coach_code_found();
  void post_advice(Advice a);  // under coach_mutex_
  void try_mrz(const scan::ImageView& view);
  void post_status(drivers::DeviceState s, std::string detail);

  boost::asio::io_context& ioc_;
  std::unique_ptr<drivers::Camera> camera_;
  const std::chrono::milliseconds deadline_;
  TextHandler on_text_;
  StatusHandler on_status_;
  std::function<void(Advice)> on_advice_;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> stopping_{false};
  mutable std::mutex decode_mutex_;
  Histogram decode_;  ///< guarded by decode_mutex_
  std::atomic<std::uint64_t> frames_{0}, texts_{0}, skipped_{0}, fused_{0};
  std::thread worker_;
  std::mutex coach_mutex_;
  std::condition_variable coach_wake_;
  cv::Mat coach_next_;                  ///< guarded by coach_mutex_: a frame to measure
  std::uint64_t coach_generation_ = 0;  ///< guarded: bumped when a code is found
  Advice coach_last_ = Advice::kNone;   ///< guarded: the advice last posted
  std::thread coach_worker_;
  bool started_ = false;
};

}  // namespace kiosk::kioskd
