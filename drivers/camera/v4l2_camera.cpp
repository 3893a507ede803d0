#include "drivers/camera/v4l2_camera.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace kiosk::drivers {

namespace {

std::string fourcc_text(double v) {
  auto c = static_cast<std::uint32_t>(v);
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char ch = static_cast<char>((c >> (8 * i)) & 0xFF);
    s += std::isprint(static_cast<unsigned char>(ch)) ? ch : '?';
  }
  return s;
}

bool node_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

class V4l2Source final : public FrameSource {
 public:
  explicit V4l2Source(V4l2Settings s) : s_(std::move(s)), path_(v4l2_device_path(s_)) {}

  Result<Started, CameraFault> open() override {
    close();
    if (!node_exists(path_))
      return Unexpected(
          CameraFault{CameraError::kDisconnected, "device node " + path_ + " not found"});
    try {
      if (!cap_.open(path_, cv::CAP_V4L2) || !cap_.isOpened()) {
        cap_.release();
        return Unexpected(CameraFault{CameraError::kUnsupported,
                                      "cannot open " + path_ + " as a V4L2 capture device"});
      }
      configure();
    } catch (const cv::Exception& e) {
      cap_.release();
      return Unexpected(CameraFault{CameraError::kUnsupported, path_ + ": " + e.what()});
    }
    failures_ = 0;
    return Started{};
  }

  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds) override {
    if (!node_exists(path_))
      return Unexpected(CameraFault{CameraError::kDisconnected, "device node " + path_ + " gone"});
    cv::Mat m;
    bool ok = false;
    try {
      ok = cap_.read(m);
    } catch (const cv::Exception& e) {
      ok = false;
    }
    if (!ok || m.empty()) {
      if (++failures_ >= s_.max_read_failures)
        return Unexpected(CameraFault{CameraError::kDisconnected,
                                      "read failed " + std::to_string(failures_) + " times"});
      // No frame this time: the worker's stall timeout decides when to reopen.
      return Unexpected(CameraFault{CameraError::kTimeout, "read failed"});
    }
    failures_ = 0;
    if (m.depth() != CV_8U) m.convertTo(m, CV_8U);
    if (s_.gray && m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2GRAY);
    if (!s_.gray && m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    return m;
  }

  void close() override {
    if (cap_.isOpened()) cap_.release();
  }

  std::string notes() const override { return notes_; }

 private:
  void configure() {
    std::string asked, refused;
    if (!s_.fourcc.empty()) {
      const auto& f = s_.fourcc;
      cap_.set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc(f[0], f[1], f[2], f[3]));
    }
    if (s_.width > 0) cap_.set(cv::CAP_PROP_FRAME_WIDTH, s_.width);
    if (s_.height > 0) cap_.set(cv::CAP_PROP_FRAME_HEIGHT, s_.height);
    if (s_.fps > 0) cap_.set(cv::CAP_PROP_FPS, s_.fps);
    cap_.set(cv::CAP_PROP_BUFFERSIZE, 1);  // latest image, not a queue of old ones
    std::string got = fourcc_text(cap_.get(cv::CAP_PROP_FOURCC)) + " " +
                      std::to_string(static_cast<int>(cap_.get(cv::CAP_PROP_FRAME_WIDTH))) + "x" +
                      std::to_string(static_cast<int>(cap_.get(cv::CAP_PROP_FRAME_HEIGHT))) + "@" +
                      std::to_string(static_cast<int>(std::lround(cap_.get(cv::CAP_PROP_FPS))));
    notes_ = "granted " + got;
    if (s_.exposure) {
      // V4L2_CID_EXPOSURE_AUTO: 1 is V4L2_EXPOSURE_MANUAL; OpenCV passes the value through.
      bool ok =
          cap_.set(cv::CAP_PROP_AUTO_EXPOSURE, 1) && cap_.set(cv::CAP_PROP_EXPOSURE, *s_.exposure);
      notes_ += ok ? "; exposure " + std::to_string(cap_.get(cv::CAP_PROP_EXPOSURE))
                   : "; exposure control not supported by the device";
    }
  }

  V4l2Settings s_;
  std::string path_;
  cv::VideoCapture cap_;
  int failures_ = 0;
  std::string notes_;
};

}  // namespace

std::string v4l2_device_path(const V4l2Settings& s) {
  if (!s.device.empty() && s.device.size() <= 3 &&
      std::all_of(s.device.begin(), s.device.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "/dev/video" + s.device;
  return s.device;
}

Result<Started, CameraFault> validate(const V4l2Settings& s) {
  auto bad = [](std::string why) {
    return Unexpected(CameraFault{CameraError::kInvalidArgument, std::move(why)});
  };
  if (s.device.empty()) return bad("no camera device configured");
  if (!s.fourcc.empty() && s.fourcc != "MJPG" && s.fourcc != "YUYV")
    return bad("pixel format must be MJPG or YUYV, not '" + s.fourcc + "'");
  if (s.width < 0 || s.height < 0 || s.width > 8192 || s.height > 8192)
    return bad("resolution out of range");
  if (!std::isfinite(s.fps) || s.fps < 0 || s.fps > 240) return bad("frame rate out of range");
  if (s.exposure && !std::isfinite(*s.exposure)) return bad("exposure must be a number");
  if (s.max_read_failures < 1) return bad("max_read_failures must be at least 1");
  return Started{};
}

namespace {
// Reports invalid settings at start(), as the contract says, without opening anything.
class InvalidCamera final : public Camera {
 public:
  explicit InvalidCamera(CameraFault f) : f_(std::move(f)) {}
  Result<Started, CameraFault> start() override { return Unexpected(f_); }
  Result<Frame, CameraFault> read(std::chrono::milliseconds) override {
    return Unexpected(CameraFault{CameraError::kNotOpen, f_.detail});
  }
  void stop() override {}
  CameraStatus status() const override {
    CameraStatus s;
    s.state = DeviceState::kFailed;
    s.detail = f_.detail;
    return s;
  }

 private:
  CameraFault f_;
};
}  // namespace

std::unique_ptr<Camera> make_v4l2_camera(V4l2Settings settings, CaptureSettings capture) {
  if (auto v = validate(settings); !v) return std::make_unique<InvalidCamera>(v.error());
  return std::make_unique<CaptureCamera>(std::make_unique<V4l2Source>(std::move(settings)),
                                         capture);
}

}  // namespace kiosk::drivers
