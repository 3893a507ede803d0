// The V4L2 camera where no camera exists (this machine has no /dev/video*): what can be checked
// without a device is the missing-device path, the retry backoff and the settings checks.
#include "drivers/camera/v4l2_camera.h"

#include <doctest/doctest.h>

#include <thread>

using namespace kiosk::drivers;
using namespace std::chrono_literals;

namespace {

template <class F>
bool eventually(F&& done, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE("v4l2: a missing device is absent with the reason; read never blocks past its timeout") {
  V4l2Settings s;
  s.device = "/dev/video97";
  CaptureSettings c;
  c.backoff = {10ms, 80ms};
  auto cam = make_v4l2_camera(s, c);
  auto before = cam->read(10ms);
  REQUIRE_FALSE(before.ok());
  CHECK(before.error().code == CameraError::kNotOpen);
  REQUIRE(cam->start().ok());
  REQUIRE(cam->start().ok());  // idempotent
  REQUIRE(eventually([&] { return cam->status().open_attempts >= 1; }));
  auto st = cam->status();
  CHECK(st.state == DeviceState::kAbsent);
  CHECK(st.detail == "device node /dev/video97 not found");
  auto r = cam->read(50ms);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == CameraError::kDisconnected);
  CHECK(r.error().detail == "device node /dev/video97 not found");
  cam->stop();
  cam->stop();
  auto after = cam->read(10ms);
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == CameraError::kNotOpen);
  CHECK(cam->start().error().code == CameraError::kNotOpen);
}

TEST_CASE("v4l2: reconnect attempts back off exponentially up to the cap") {
  V4l2Settings s;
  s.device = "97";  // an index means /dev/video97
  CHECK(v4l2_device_path(s) == "/dev/video97");
  CaptureSettings c;
  c.backoff = {10ms, 80ms};
  auto cam = make_v4l2_camera(s, c);
  REQUIRE(cam->start().ok());
  // Every snapshot pairs an attempt count with the delay chosen after that attempt.
  std::vector<std::pair<std::uint64_t, long>> seen;
  REQUIRE(eventually([&] {
    auto st = cam->status();
    if (st.open_attempts > 0 && (seen.empty() || seen.back().first != st.open_attempts))
      seen.emplace_back(st.open_attempts, static_cast<long>(st.retry_delay.count()));
    return st.open_attempts >= 6;
  }));
  cam->stop();
  for (auto [attempt, delay] : seen) {
    CAPTURE(attempt);
    long want = std::min<long>(10L << std::min<std::uint64_t>(attempt - 1, 10), 80);
    CHECK(delay == want);
  }
  CHECK(seen.back().second == 80);
}

TEST_CASE("v4l2: a node that is not a capture device fails with a reason, and is retried") {
  V4l2Settings s;
  s.device = "/dev/null";
  CaptureSettings c;
  c.backoff = {10ms, 20ms};
  auto cam = make_v4l2_camera(s, c);
  REQUIRE(cam->start().ok());
  REQUIRE(eventually([&] { return cam->status().open_attempts >= 2; }));
  auto st = cam->status();
  CHECK(st.state == DeviceState::kFailed);
  CHECK(st.detail == "cannot open /dev/null as a V4L2 capture device");
  auto r = cam->read(30ms);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == CameraError::kUnsupported);
}

TEST_CASE("v4l2: settings are checked before any device is touched") {
  auto bad = [](auto edit) {
    V4l2Settings s;
    edit(s);
    auto v = validate(s);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == CameraError::kInvalidArgument);
    auto cam = make_v4l2_camera(s);
    auto r = cam->start();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == CameraError::kInvalidArgument);
    CHECK(cam->status().state == DeviceState::kFailed);
    return v.error().detail;
  };
  CHECK(bad([](V4l2Settings& s) { s.fourcc = "H264"; }) ==
        "pixel format must be MJPG or YUYV, not 'H264'");
  CHECK(bad([](V4l2Settings& s) { s.width = -1; }) == "resolution out of range");
  CHECK(bad([](V4l2Settings& s) { s.fps = -5; }) == "frame rate out of range");
  CHECK(bad([](V4l2Settings& s) { s.device.clear(); }) == "no camera device configured");
  CHECK(bad([](V4l2Settings& s) { s.max_read_failures = 0; }) ==
        "max_read_failures must be at least 1");
  V4l2Settings ok;
  ok.fourcc = "YUYV";
  ok.exposure = 150;
  CHECK(validate(ok).ok());
}

TEST_CASE("camera error names") {
  CHECK(name(CameraError::kStalled) == "stalled");
  CHECK(name(CameraError::kEndOfStream) == "end_of_stream");
  CHECK(name(CameraError::kBadInput) == "bad_input");
}
