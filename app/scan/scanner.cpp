#include "app/scan/scanner.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "app/scan/deblur.h"
#include "app/scan/prepare.h"
#include "app/scan/read_qr.h"
#include "app/scan/warped_reader.h"

namespace kiosk::scan {

namespace {

using detail::Binarizer;
using detail::Prepared;
using detail::read_qr;

// Frames whose longer side exceeds this are not enlarged as a whole: the cost grows with the
// square of the size, and a code that small in a big frame is reached through the hint instead.
constexpr int kUpscaleMaxSide = 1280;
// Above this, ZXing's own downscaling already covers halving.
constexpr int kDownscaleMaxSide = 1000;

Result<ScanReport, ScanError> validate(const ImageView& image) {
  if (image.width < 0 || image.height < 0) return Unexpected{ScanError::kBadLayout};
  if (image.data == nullptr || image.width == 0 || image.height == 0)
    return Unexpected{ScanError::kEmpty};
  if (image.width > kMaxSide || image.height > kMaxSide ||
      static_cast<long>(image.width) * image.height > kMaxPixels)
    return Unexpected{ScanError::kTooLarge};
  int bpp = image.format == PixelFormat::kBgr8 ? 3 : 1;
  if (image.stride != 0 && image.stride < image.width * bpp)
    return Unexpected{ScanError::kBadLayout};
  return ScanReport{};
}

cv::Mat to_gray(const ImageView& image) {
  int bpp = image.format == PixelFormat::kBgr8 ? 3 : 1;
  std::size_t stride = image.stride != 0 ? static_cast<std::size_t>(image.stride)
                                         : static_cast<std::size_t>(image.width) * bpp;
  // cv::Mat does not write through a view it only reads; the const_cast never leads to a write.
  cv::Mat src(image.height, image.width, bpp == 3 ? CV_8UC3 : CV_8UC1,
              const_cast<std::uint8_t*>(image.data), stride);
  if (bpp == 1) return src;
  cv::Mat gray;
  cv::cvtColor(src, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

std::vector<Code> run_stage(Stage stage, const cv::Mat& gray, const ScanOptions& options) {
  const cv::Matx33d id = cv::Matx33d::eye();
  switch (stage) {
    case Stage::kDirect:
      return read_qr(gray, Binarizer::kLocalAverage, id, stage);
    case Stage::kHint: {
      if (!options.hint) return {};
      auto p = detail::hint_crop(gray, *options.hint);
      if (!p) return {};
      auto codes = read_qr(p->gray, Binarizer::kLocalAverage, p->to_frame, stage);
      if (codes.empty())
        codes = read_qr(detail::inverted(p->gray), Binarizer::kLocalAverage, p->to_frame, stage);
      return codes;
    }
    case Stage::kInvert:
      return read_qr(detail::inverted(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kClahe:
      return read_qr(detail::equalised(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kUpscale: {
      if (std::max(gray.cols, gray.rows) > kUpscaleMaxSide) return {};
      // 1.5 moves module edges off the pixel grid of a code sampled at a few pixels per module;
      // 2 gives a small code enough pixels.
      for (double factor : {1.5, 2.0}) {
        Prepared p = detail::enlarged(gray, factor);
        auto codes = read_qr(p.gray, Binarizer::kLocalAverage, p.to_frame, stage);
        if (!codes.empty()) return codes;
      }
      return {};
    }
    case Stage::kDownscale: {
      // ZXing's own pyramid starts only above 500 pixels; textured or noisy small codes read
      // once halved.
      if (std::max(gray.cols, gray.rows) > kDownscaleMaxSide) return {};
      Prepared p = detail::enlarged(gray, 0.5);
      return read_qr(p.gray, Binarizer::kLocalAverage, p.to_frame, stage);
    }
    case Stage::kSharpen:
      return read_qr(detail::sharpened(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kDenoise:
      return read_qr(detail::denoised(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kGlobalHistogram:
      return read_qr(gray, Binarizer::kGlobalHistogram, id, stage);
    case Stage::kFixedThreshold:
      return read_qr(gray, Binarizer::kFixedThreshold, id, stage);
    case Stage::kWarped:
      return detail::read_warped(gray, stage);
    case Stage::kDeblur: {
      auto guesses = detail::blur_guesses(gray);
      if (guesses.empty()) return {};
      detail::Deconvolver deconvolver(gray);
      for (const detail::BlurGuess& g : guesses) {
        cv::Mat sharp = deconvolver.apply(g);
        auto codes = read_qr(sharp, Binarizer::kLocalAverage, id, stage);
        if (codes.empty())
          codes = read_qr(detail::inverted(sharp), Binarizer::kLocalAverage, id, stage);
        if (!codes.empty()) return codes;
      }
      return {};
    }
  }
  return {};
}

}  // namespace

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kDirect:
      return "direct";
    case Stage::kHint:
      return "hint";
    case Stage::kInvert:
      return "invert";
    case Stage::kClahe:
      return "clahe";
    case Stage::kUpscale:
      return "upscale";
    case Stage::kDownscale:
      return "downscale";
    case Stage::kSharpen:
      return "sharpen";
    case Stage::kDenoise:
      return "denoise";
    case Stage::kGlobalHistogram:
      return "global_histogram";
    case Stage::kFixedThreshold:
      return "fixed_threshold";
    case Stage::kWarped:
      return "warped";
    case Stage::kDeblur:
      return "deblur";
  }
  return "unknown";
}

std::vector<Stage> default_stages() {
  // Chosen on the zxing-cpp corpus and on rendered kiosk scenes (bench/decode_rate --ablation):
  // each fallback reads codes the stages before it miss, cheapest per code read first; the
  // enlargement, our own warped grid and the deconvolution, the costliest, last. Downscale,
  // denoise and fixed threshold read nothing that these do not, so they are left out.
  return {Stage::kDirect,  Stage::kHint,    Stage::kInvert, Stage::kGlobalHistogram, Stage::kClahe,
          Stage::kSharpen, Stage::kUpscale, Stage::kWarped, Stage::kDeblur};
}

std::vector<Stage> rotated_stages(const std::vector<Stage>& stages, std::uint64_t frame) {
  std::vector<Stage> out = stages;
  auto first = std::find_if(out.begin(), out.end(),
                            [](Stage s) { return s != Stage::kDirect && s != Stage::kHint; });
  auto n = static_cast<std::uint64_t>(out.end() - first);
  if (n > 1) std::rotate(first, first + static_cast<std::ptrdiff_t>(frame % n), out.end());
  return out;
}

std::vector<Stage> camera_stages() {
  std::vector<Stage> out = default_stages();
  std::erase(out, Stage::kDeblur);
  return out;
}

std::vector<Stage> all_stages() {
  return {Stage::kDirect,          Stage::kHint,           Stage::kInvert,  Stage::kClahe,
          Stage::kUpscale,         Stage::kDownscale,      Stage::kSharpen, Stage::kDenoise,
          Stage::kGlobalHistogram, Stage::kFixedThreshold, Stage::kWarped,  Stage::kDeblur};
}

Region bounding_region(const Code& code) {
  float x0 = code.corners[0].x, x1 = x0, y0 = code.corners[0].y, y1 = y0;
  for (const Point& p : code.corners) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  auto fx = static_cast<int>(std::floor(x0)), fy = static_cast<int>(std::floor(y0));
  return {fx, fy, static_cast<int>(std::ceil(x1)) - fx, static_cast<int>(std::ceil(y1)) - fy};
}

std::string_view error_text(ScanError e) {
  switch (e) {
    case ScanError::kEmpty:
      return "empty image (no pixels)";
    case ScanError::kTooLarge:
      return "image too large to scan";
    case ScanError::kBadLayout:
      return "invalid image layout (negative size or row stride shorter than a row)";
  }
  return "unknown error";
}

Result<ScanReport, ScanError> scan(const ImageView& image, const ScanOptions& options) {
  auto report = validate(image);
  if (!report) return report;
  cv::Mat gray = to_gray(image);
  for (std::size_t i = 0; i < options.stages.size(); ++i) {
    Stage stage = options.stages[i];
    if (i > 0 && options.afford && !options.afford(stage)) {
      report->skipped.push_back(stage);
      continue;
    }
    report->tried.push_back(stage);
    std::vector<Code> codes;
    try {
      codes = run_stage(stage, gray, options);
    } catch (const cv::Exception&) {
      // OpenCV reports failures (e.g. out of memory) as exceptions: the stage read nothing.
    } catch (const std::bad_alloc&) {
    }
    if (!codes.empty()) {
      report->codes = std::move(codes);
      break;
    }
  }
  return report;
}

}  // namespace kiosk::scan
