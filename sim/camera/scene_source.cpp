#include "sim/camera/scene_source.h"

#include <exception>

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <opencv2/imgproc.hpp>

#include "sim/rng.h"

namespace kiosk::sim {

using drivers::CameraError;
using drivers::CameraFault;
using drivers::Started;

namespace {

constexpr int kQuietModules = 4;

Result<cv::Mat, std::string> qr_modules(const std::string& text) {
  try {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setMargin(0);
    auto bits = writer.encode(text, 0, 0);
    auto m = ZXing::ToMatrix<std::uint8_t>(bits);
    cv::Mat mat(m.height(), m.width(), CV_8UC1);
    for (int y = 0; y < m.height(); ++y)
      for (int x = 0; x < m.width(); ++x)
        mat.at<std::uint8_t>(y, x) = m(x, y);
    return mat;
  } catch (const std::exception& e) {
    return Unexpected(std::string("cannot encode the QR: ") + e.what());
  }
}

}  // namespace

Result<cv::Mat, std::string> render_scene(const SceneSettings& s, std::uint64_t index) {
  if (s.width < 64 || s.height < 64 || s.width > 4096 || s.height > 4096 || s.module_px < 1 ||
      s.module_px > 64)
    return Unexpected(std::string("scene size out of range"));
  // Background: a diagonal gradient (desk under a lamp) with seeded noise.
  cv::Mat gray(s.height, s.width, CV_8UC1);
  Rng rng = Rng(s.seed).fork("scene-noise");
  for (int y = 0; y < s.height; ++y) {
    auto* row = gray.ptr<std::uint8_t>(y);
    for (int x = 0; x < s.width; ++x) {
      int base = 90 + (60 * x) / s.width + (40 * y) / s.height;
      row[x] = static_cast<std::uint8_t>(base + static_cast<int>(rng.below(16)));
    }
  }
  if (!s.text.empty()) {
    auto modules = qr_modules(s.text);
    if (!modules) return Unexpected(modules.error());
    cv::Mat quiet;
    cv::copyMakeBorder(*modules, quiet, kQuietModules, kQuietModules, kQuietModules, kQuietModules,
                       cv::BORDER_CONSTANT, cv::Scalar(255));
    cv::Mat code;
    cv::resize(quiet, code, {}, s.module_px, s.module_px, cv::INTER_NEAREST);
    if (code.cols + 16 > s.width || code.rows + 16 > s.height)
      return Unexpected("the code (" + std::to_string(code.cols) + " px) does not fit the " +
                        std::to_string(s.width) + "x" + std::to_string(s.height) + " frame");
    // Drift within +-8 px, a triangle wave over 32 frames.
    int phase = static_cast<int>(index % 32);
    int d = phase < 16 ? phase - 8 : 24 - phase;
    int x0 = (s.width - code.cols) / 2 + d, y0 = (s.height - code.rows) / 2 - d / 2;
    code.copyTo(gray(cv::Rect(x0, y0, code.cols, code.rows)));
  }
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

namespace {

class SceneSource final : public drivers::FrameSource {
 public:
  SceneSource(SceneSettings s, std::shared_ptr<SceneText> text)
      : s_(std::move(s)), text_(std::move(text)) {}
  Result<Started, CameraFault> open() override { return Started{}; }
  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds) override {
    s_.text = text_->get();
    auto frame = render_scene(s_, index_++);
    if (!frame) return Unexpected(CameraFault{CameraError::kBadInput, frame.error()});
    return std::move(frame.value());
  }
  void close() override {}

 private:
  SceneSettings s_;
  std::shared_ptr<SceneText> text_;
  std::uint64_t index_ = 0;
};

}  // namespace

std::unique_ptr<drivers::FrameSource> make_scene_source(SceneSettings s,
                                                        std::shared_ptr<SceneText> text) {
  return std::make_unique<SceneSource>(std::move(s), std::move(text));
}

}  // namespace kiosk::sim
