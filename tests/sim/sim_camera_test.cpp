// The simulated cameras through the Camera contract: pacing (as ordering and counts), end of
// stream, loop, loss and recovery, and bad input.
#include "sim/camera/sim_camera.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "sim/camera/file_sources.h"
#include "sim/scene/scene.h"
#include "tests/drivers/temp_dir.h"

using namespace kiosk;
using namespace kiosk::drivers;
using namespace std::chrono_literals;

namespace {

cv::Mat coded(int i) {
  return cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(20 * i + 10));
}
// The index an image was coded with (20 i + 10), with room for JPEG's rounding.
int code_of(const cv::Mat& m) {
  return static_cast<int>(m.at<cv::Vec3b>(24, 32)[0]) / 20;
}

void write(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string png_bytes(const cv::Mat& m) {
  std::vector<std::uint8_t> buf;
  REQUIRE(cv::imencode(".png", m, buf));
  return std::string(buf.begin(), buf.end());
}

// Reads until `n` frames or an error other than a timeout; bounded by `timeout` overall.
struct Reading {
  std::vector<Frame> frames;
  std::optional<CameraFault> end;
};
Reading read_frames(Camera& cam, std::size_t n, std::chrono::milliseconds timeout = 5s) {
  Reading r;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (r.frames.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto f = cam.read(100ms);
    if (f) {
      r.frames.push_back(std::move(f.value()));
    } else if (f.error().code != CameraError::kTimeout) {
      r.end = f.error();
      break;
    }
  }
  return r;
}

// The next frame, waiting through faults (a camera recovering), at most `timeout`.
std::optional<Frame> read_through_faults(Camera& cam, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto f = cam.read(100ms);
    if (f) return std::move(f.value());
  }
  return std::nullopt;
}

template <class F>
bool eventually(F&& done, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

void check_ordered(const std::vector<Frame>& frames) {
  for (std::size_t i = 1; i < frames.size(); ++i) {
    CHECK(frames[i].sequence > frames[i - 1].sequence);
    CHECK(frames[i].timestamp > frames[i - 1].timestamp);
  }
}

std::string decode_qr(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(gray.step));
  auto r = ZXing::ReadBarcode(view, ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
  return r.isValid() ? r.text() : std::string();
}

}  // namespace

TEST_CASE("still image: the same picture, paced: never faster than the frame rate") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(3)));
  sim::SimCameraOptions o;
  o.fps = 40;
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 8);
  REQUIRE(r.frames.size() == 8);
  check_ordered(r.frames);
  for (auto& f : r.frames)
    CHECK(code_of(f.image) == 3);
  // Pacing as a one-sided bound: frames n apart are at least (n-1) periods apart, however slow
  // the machine (a slow machine only widens the gaps).
  auto span = r.frames.back().timestamp - r.frames.front().timestamp;
  auto n = r.frames.back().sequence - r.frames.front().sequence;
  CHECK(span >= (n - 1) * std::chrono::duration<double>(1.0 / o.fps));
  auto st = cam->status();
  CHECK(st.state == DeviceState::kReady);
  CHECK(st.delivered >= 8);
  CHECK(st.delivered >= r.frames.back().sequence);
  cam->stop();
  CHECK(cam->status().state == DeviceState::kAbsent);
}

TEST_CASE("read: a timeout when no new frame comes; bad settings refused at start") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(2)));
  sim::SimCameraOptions o;
  o.fps = 1;
  o.stall_timeout = 5s;
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  REQUIRE(read_through_faults(*cam).has_value());
  // The next frame is a second away.
  auto r = cam->read(10ms);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == CameraError::kTimeout);
  CHECK(r.error().detail == "no new frame within 10 ms");

  o.fps = -1;
  auto bad = sim::SimCamera::still(dir / "still.png", o);
  auto s = bad->start();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == CameraError::kInvalidArgument);
  CHECK(bad->read(10ms).error().code == CameraError::kNotOpen);
}

TEST_CASE("folder: images in name order, every frame accounted for, then end of stream") {
  test::TempDir dir;
  // Written out of order, with names that sort differently as numbers and as text.
  for (int i : {4, 1, 0, 3, 2})
    REQUIRE(cv::imwrite(dir / ("img_0" + std::to_string(i) + ".png"), coded(i)));
  write(dir / ".hidden", "not an image");
  sim::SimCameraOptions o;
  o.fps = 50;
  auto cam = sim::SimCamera::folder(dir.path(), o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 100);
  REQUIRE(r.end.has_value());
  CHECK(r.end->code == CameraError::kEndOfStream);
  check_ordered(r.frames);
  // A slow reader may miss frames (the newest wins) but never sees them out of order.
  for (auto& f : r.frames)
    CHECK(code_of(f.image) == static_cast<int>(f.sequence) - 1);
  auto st = cam->status();
  CHECK(st.delivered == 5);
  CHECK(st.lost == 0);
  CHECK(r.frames.size() + st.overwritten == 5);
  CHECK(st.state == DeviceState::kAbsent);
  CHECK(st.detail == "end of stream");
  // It stays ended.
  auto again = cam->read(10ms);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == CameraError::kEndOfStream);
}

TEST_CASE("folder with loop: starts again after the last image") {
  test::TempDir dir;
  for (int i = 0; i < 3; ++i)
    REQUIRE(cv::imwrite(dir / ("f" + std::to_string(i) + ".png"), coded(i)));
  sim::SimCameraOptions o;
  o.fps = 60;
  o.loop = true;
  auto cam = sim::SimCamera::folder(dir.path(), o);
  REQUIRE(cam->start().ok());
  Reading r;
  REQUIRE(eventually([&] {
    auto f = cam->read(100ms);
    if (f) r.frames.push_back(std::move(f.value()));
    return !r.frames.empty() && r.frames.back().sequence > 7;
  }));
  check_ordered(r.frames);
  for (auto& f : r.frames)
    CHECK(code_of(f.image) == static_cast<int>((f.sequence - 1) % 3));
}

TEST_CASE("folder: a bad file is a lost frame with its reason; the others are delivered") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "a.png", coded(0)));
  write(dir / "b.png", "\x89PNG\r\n\x1a\n garbage that is not a PNG");
  REQUIRE(cv::imwrite(dir / "c.png", coded(2)));
  sim::SimCameraOptions o;
  o.fps = 30;
  auto cam = sim::SimCamera::folder(dir.path(), o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 100);
  REQUIRE(r.end.has_value());
  CHECK(r.end->code == CameraError::kEndOfStream);
  auto st = cam->status();
  CHECK(st.delivered == 3);
  CHECK(st.lost == 1);
  CHECK(st.notes.find("b.png") != std::string::npos);
  for (auto& f : r.frames)
    CHECK(f.sequence != 2);
}

TEST_CASE("video file (MJPG in AVI): frames in order at the file's rate, then end of stream") {
  test::TempDir dir;
  std::string path = dir / "clip.avi";
  {
    cv::VideoWriter w(path, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 20,
                      cv::Size(64, 48));
    REQUIRE(w.isOpened());
    for (int i = 0; i < 8; ++i)
      w.write(coded(i));
  }
  CHECK(sim::video_file_fps(path) == doctest::Approx(20));
  sim::SimCameraOptions o;
  o.fps = 0;  // the file's own rate
  auto cam = sim::SimCamera::video(path, o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 100);
  REQUIRE(r.end.has_value());
  CHECK(r.end->code == CameraError::kEndOfStream);
  check_ordered(r.frames);
  for (auto& f : r.frames)
    CHECK(code_of(f.image) == static_cast<int>(f.sequence) - 1);
  CHECK(cam->status().delivered == 8);
}

TEST_CASE("video: a corrupt or truncated file gives a reason, never a crash") {
  test::TempDir dir;
  write(dir / "junk.avi", std::string(4096, '\x5A'));
  auto cam = sim::SimCamera::video(dir / "junk.avi");
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 1);
  REQUIRE(r.end.has_value());
  CHECK(r.end->code == CameraError::kBadInput);
  CHECK(r.frames.empty());
  CHECK(cam->status().state == DeviceState::kFailed);

  // A clip cut in the middle: some frames, then the end (or a refusal), in bounded time.
  std::string good = dir / "good.avi";
  {
    cv::VideoWriter w(good, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 50,
                      cv::Size(64, 48));
    REQUIRE(w.isOpened());
    for (int i = 0; i < 10; ++i)
      w.write(coded(i));
  }
  auto size = std::filesystem::file_size(good);
  std::filesystem::resize_file(good, size / 2);
  auto cut = sim::SimCamera::video(good);
  REQUIRE(cut->start().ok());
  auto rr = read_frames(*cut, 100, 3s);
  REQUIRE(rr.end.has_value());
  CHECK((rr.end->code == CameraError::kEndOfStream || rr.end->code == CameraError::kBadInput));
  CHECK(rr.frames.size() < 10);

  auto missing = sim::SimCamera::video(dir / "nope.avi");
  REQUIRE(missing->start().ok());
  auto m = read_frames(*missing, 1);
  REQUIRE(m.end.has_value());
  CHECK(m.end->detail.find("video file not found") != std::string::npos);
}

TEST_CASE("scene: a QR drawn with ZXing's writer decodes to its text; the text can change") {
  sim::SceneSettings s;
  s.text = "WPC1:6BFOXN*TS0BI$ZD-";
  sim::SimCameraOptions o;
  o.fps = 30;
  auto cam = sim::SimCamera::scene(s, o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 3);
  REQUIRE(r.frames.size() == 3);
  for (auto& f : r.frames) {
    CHECK(f.image.type() == CV_8UC3);
    CHECK(decode_qr(f.image) == s.text);
  }
  // Not a frozen picture: the code drifts between frames.
  CHECK(cv::norm(r.frames[0].image, r.frames[2].image, cv::NORM_L1) > 0);

  cam->set_scene_text("WPP1:SECOND");
  bool changed = eventually([&] {
    auto f = cam->read(100ms);
    return f && decode_qr(f->image) == "WPP1:SECOND";
  });
  CHECK(changed);
  cam->set_scene_text("");
  bool empty = eventually([&] {
    auto f = cam->read(100ms);
    return f && decode_qr(f->image).empty();
  });
  CHECK(empty);

  // A text no QR can hold: frames are lost with the reason, the camera keeps running.
  cam->set_scene_text(std::string(8000, 'A'));
  REQUIRE(eventually([&] { return cam->status().lost >= 2; }));
  CHECK(cam->status().notes.find("cannot encode the QR") != std::string::npos);
  cam->set_scene_text("BACK");
  CHECK(eventually([&] {
    auto f = cam->read(100ms);
    return f && decode_qr(f->image) == "BACK";
  }));
}

TEST_CASE("loss: unplugged, then plugged back: absent with the reason, then frames again") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(1)));
  sim::SimCameraOptions o;
  o.fps = 50;
  o.backoff = {20ms, 100ms};
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  auto first = read_frames(*cam, 1);
  REQUIRE(first.frames.size() == 1);

  cam->set_unplugged(true);
  CameraFault seen;
  REQUIRE(eventually([&] {
    auto f = cam->read(50ms);
    if (!f) seen = f.error();
    return !f && f.error().code == CameraError::kDisconnected;
  }));
  CHECK(seen.detail == "device node gone (simulated unplug)");
  CHECK(cam->status().state == DeviceState::kAbsent);
  REQUIRE(eventually([&] { return cam->status().open_attempts >= 3; }));
  CHECK(cam->status().state == DeviceState::kAbsent);

  cam->set_unplugged(false);
  auto back = read_through_faults(*cam);
  REQUIRE(back.has_value());
  CHECK(back->sequence > first.frames[0].sequence);
  auto st = cam->status();
  CHECK(st.state == DeviceState::kReady);
  CHECK(st.reconnects == 1);
}

TEST_CASE("loss: unplug for a while: the camera notices and comes back by itself") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(1)));
  sim::SimCameraOptions o;
  o.fps = 50;
  o.backoff = {20ms, 100ms};
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  auto first = read_frames(*cam, 1);
  REQUIRE(first.frames.size() == 1);
  cam->unplug_for(300ms);
  // However the threads are scheduled, the loss is seen once and recovered from.
  REQUIRE(eventually([&] { return cam->status().reconnects == 1; }));
  auto back = read_through_faults(*cam);
  REQUIRE(back.has_value());
  CHECK(back->sequence > first.frames[0].sequence);
  CHECK(cam->status().reconnects == 1);
}

TEST_CASE("loss: a stalled camera is reported as stalled, and recovers") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(1)));
  sim::SimCameraOptions o;
  o.fps = 50;
  o.stall_timeout = 200ms;
  o.backoff = {20ms, 100ms};
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  auto first = read_frames(*cam, 1);
  REQUIRE(first.frames.size() == 1);

  cam->set_stalled(true);
  REQUIRE(eventually([&] {
    auto f = cam->read(50ms);
    return !f && f.error().code == CameraError::kStalled;
  }));
  CHECK(cam->status().state == DeviceState::kFailed);
  CHECK(cam->status().detail.find("stalled") == 0);

  cam->set_stalled(false);
  auto back = read_through_faults(*cam);
  REQUIRE(back.has_value());
  CHECK(back->sequence > first.frames[0].sequence);
  CHECK(cam->status().state == DeviceState::kReady);
}

TEST_CASE("loss: dropped frames leave a gap in the sequence and are counted") {
  test::TempDir dir;
  REQUIRE(cv::imwrite(dir / "still.png", coded(1)));
  sim::SimCameraOptions o;
  o.fps = 50;
  auto cam = sim::SimCamera::still(dir / "still.png", o);
  REQUIRE(cam->start().ok());
  auto before = read_frames(*cam, 1);
  REQUIRE(before.frames.size() == 1);
  cam->drop_frames(3);
  REQUIRE(eventually([&] { return cam->status().lost == 3; }));
  auto after = read_frames(*cam, 1);
  REQUIRE(after.frames.size() == 1);
  CHECK(after.frames[0].sequence >= before.frames[0].sequence + 4);
  CHECK(cam->status().lost == 3);
}

TEST_CASE("still image: bad files give kBadInput with the reason, and no crash") {
  test::TempDir dir;
  cv::Mat img(40, 40, CV_8UC3, cv::Scalar(10, 200, 30));
  auto png = png_bytes(img);
  std::vector<std::uint8_t> jpg;
  REQUIRE(cv::imencode(".jpg", img, jpg));

  // A PNG header announcing 100000 x 100000 pixels, with nothing behind it.
  std::string huge = png.substr(0, 24);
  huge[16] = 0, huge[17] = 0x01, huge[18] = static_cast<char>(0x86),
  huge[19] = static_cast<char>(0xA0);
  huge[20] = 0, huge[21] = 0x01, huge[22] = static_cast<char>(0x86),
  huge[23] = static_cast<char>(0xA0);
  huge += std::string(64, '\0');

  struct Case {
    const char* name;
    std::string bytes;
    const char* reason;
  } cases[] = {
      {"empty.png", "", "empty file"},
      {"junk.png", std::string(300, '\x13'), "unsupported image format"},
      {"cut.png", png.substr(0, png.size() / 2), "truncated PNG"},
      {"short.png", png.substr(0, 20), "truncated PNG header"},
      {"cut.jpg", std::string(jpg.begin(), jpg.begin() + static_cast<long>(jpg.size() / 2)),
       "truncated JPEG"},
      {"huge.png", huge, "too many pixels (100000x100000, limit 16000000)"},
      {"gif.gif", "GIF89a\x10\x00\x10\x00", "unsupported image format"},
  };
  for (auto& c : cases) {
    CAPTURE(c.name);
    write(dir / c.name, c.bytes);
    auto loaded = sim::load_image_file(dir / c.name, {});
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == CameraError::kBadInput);
    CHECK(loaded.error().detail.find(c.reason) != std::string::npos);
  }
  CHECK(sim::load_image_file(dir / "missing.png", {}).error().detail.find("file not found") !=
        std::string::npos);
  CHECK(sim::load_image_file(dir.path(), {}).error().detail.find("not a regular file") !=
        std::string::npos);
  write(dir / "ok.png", png);
  CHECK(sim::load_image_file(dir / "ok.png", {}).ok());
  sim::ImageLimits small;
  small.max_file_bytes = 10;
  CHECK(sim::load_image_file(dir / "ok.png", small).error().detail.find("file too large") !=
        std::string::npos);
  write(dir / "ok.jpg", std::string(jpg.begin(), jpg.end()));
  CHECK(sim::load_image_file(dir / "ok.jpg", {}).ok());

  // Through the camera: the state and the reason reach read() and status().
  sim::SimCameraOptions o;
  o.backoff = {20ms, 40ms};
  auto cam = sim::SimCamera::still(dir / "cut.png", o);
  REQUIRE(cam->start().ok());
  auto r = read_frames(*cam, 1);
  REQUIRE(r.end.has_value());
  CHECK(r.end->code == CameraError::kBadInput);
  CHECK(r.end->detail.find("truncated PNG") != std::string::npos);
  CHECK(cam->status().state == DeviceState::kFailed);
  // When the file is fixed, the retry picks it up.
  write(dir / "cut.png", png);
  CHECK(read_through_faults(*cam).has_value());
}

TEST_CASE("folder: missing and empty folders are refused with the reason") {
  test::TempDir dir;
  auto missing = sim::SimCamera::folder(dir / "nothing-here");
  REQUIRE(missing->start().ok());
  auto r = read_frames(*missing, 1);
  REQUIRE(r.end.has_value());
  CHECK(r.end->detail.find("folder not found") != std::string::npos);
  auto empty = sim::SimCamera::folder(dir.path());
  REQUIRE(empty->start().ok());
  auto e = read_frames(*empty, 1);
  REQUIRE(e.end.has_value());
  CHECK(e.end->detail.find("no images in the folder") != std::string::npos);
}

TEST_CASE("take: consecutive frames of one held code, each with its own noise and tremor") {
  namespace sc = sim::scene;
  sc::SceneSpec spec;
  spec.carrier = sc::Carrier::kLetter;
  spec.degradation = sc::Degradation::kClean;
  spec.text = "WPNL:TAKE-TEST-0001";
  const sim::Rng rng(42);
  auto centre = [](const sc::Scene& s) {
    cv::Point2f c(0, 0);
    for (const auto& p : *s.code)
      c += p * 0.25f;
    return c;
  };
  sim::Rng once = rng;
  sc::Scene alone = sc::render_scene(spec, once);
  auto take = sc::render_take(spec, rng, 3);
  REQUIRE(take.size() == 3);
  // The first frame is render_scene's, to the bit.
  CHECK(cv::norm(take[0].frame, alone.frame, cv::NORM_INF) == 0);
  for (const auto& f : take) {
    REQUIRE(f.code);
    CHECK(decode_qr(f.frame) == spec.text);
    CHECK(f.text == spec.text);
  }
  // Each later frame has its own noise and tremor, within the tremor's bounds.
  CHECK(cv::norm(take[1].frame, take[0].frame, cv::NORM_L1) > 0);
  CHECK(cv::norm(take[2].frame, take[1].frame, cv::NORM_L1) > 0);
  const double reach = sc::Tremor{}.px * std::sqrt(2.0) + 1e-3;
  bool moved = false;
  for (std::size_t k = 1; k < take.size(); ++k) {
    double d = cv::norm(centre(take[k]) - centre(take[0]));
    CHECK(d <= reach);
    moved |= d > 0.01;
  }
  CHECK(moved);
  // Lying still: the same corners in every frame, only the noise differs.
  auto still = sc::render_take(spec, rng, 3, {0, 0});
  for (const auto& f : still) {
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK((*f.code)[i].x == (*still[0].code)[i].x);
      CHECK((*f.code)[i].y == (*still[0].code)[i].y);
    }
  }
  CHECK(cv::norm(still[1].frame, still[0].frame, cv::NORM_L1) > 0);
}
