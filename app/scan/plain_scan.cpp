// The scan pipeline's stage list and its first, plain part: validation, the conversion to gray and
// the stages that need only ZXing-C++. No OpenCV here, so that a process that reads its image in
// these stages (most of kioskctl scan's) never loads OpenCV's libraries.
#include <algorithm>
#include <cmath>

#include "app/scan/enlarge.h"
#include "app/scan/scanner.h"
#include "app/scan/zxing_read.h"

namespace kiosk::scan {

namespace {

using detail::Binarizer;
using detail::read_qr_gray;

std::optional<ScanError> invalid(const ImageView& image) {
  if (image.width < 0 || image.height < 0) return ScanError::kBadLayout;
  if (image.data == nullptr || image.width == 0 || image.height == 0) return ScanError::kEmpty;
  if (image.width > kMaxSide || image.height > kMaxSide ||
      static_cast<long>(image.width) * image.height > kMaxPixels)
    return ScanError::kTooLarge;
  int bpp = image.format == PixelFormat::kBgr8 ? 3 : 1;
  if (image.stride != 0 && image.stride < image.width * bpp) return ScanError::kBadLayout;
  return std::nullopt;
}

// OpenCV's COLOR_BGR2GRAY for 8-bit pixels, to the bit: weights 0.114, 0.587, 0.299 in 15-bit
// fixed point (summing to 1 << 15), rounded.
constexpr std::uint32_t kBlueWeight = 3735, kGreenWeight = 19235, kRedWeight = 9798;
constexpr int kGrayShift = 15;

// `image` as contiguous gray rows (validated first: the sizes are within kMaxPixels).
std::vector<std::uint8_t> to_gray(const ImageView& image) {
  auto w = static_cast<std::size_t>(image.width), h = static_cast<std::size_t>(image.height);
  bool bgr = image.format == PixelFormat::kBgr8;
  std::size_t stride =
      image.stride != 0 ? static_cast<std::size_t>(image.stride) : w * (bgr ? 3 : 1);
  std::vector<std::uint8_t> gray(w * h);
  for (std::size_t y = 0; y < h; ++y) {
    const std::uint8_t* row = image.data + y * stride;
    std::uint8_t* out = gray.data() + y * w;
    if (!bgr) {
      std::copy(row, row + w, out);
      continue;
    }
    for (std::size_t x = 0; x < w; ++x) {
      const std::uint8_t* p = row + 3 * x;
      std::uint32_t v =
          p[0] * kBlueWeight + p[1] * kGreenWeight + p[2] * kRedWeight + (1u << (kGrayShift - 1));
      out[x] = static_cast<std::uint8_t>(v >> kGrayShift);
    }
  }
  return gray;
}

std::vector<std::uint8_t> inverted(const std::vector<std::uint8_t>& gray) {
  std::vector<std::uint8_t> out(gray.size());
  std::transform(gray.begin(), gray.end(), out.begin(),
                 [](std::uint8_t v) { return static_cast<std::uint8_t>(255 - v); });
  return out;
}

std::vector<Code> run_plain_stage(Stage stage, const PartialScan& p) {
  switch (stage) {
    case Stage::kDirect:
      return read_qr_gray(p.view(), Binarizer::kLocalAverage, stage);
    case Stage::kInvert: {
      std::vector<std::uint8_t> inv = inverted(p.gray);
      return read_qr_gray({inv.data(), p.width, p.height, p.width}, Binarizer::kLocalAverage,
                          stage);
    }
    case Stage::kGlobalHistogram:
      return read_qr_gray(p.view(), Binarizer::kGlobalHistogram, stage);
    case Stage::kFixedThreshold:
      return read_qr_gray(p.view(), Binarizer::kFixedThreshold, stage);
    case Stage::kUpscale:
      return detail::read_upscaled(p.view(), stage);
    default:  // the hint without one (is_plain_stage admits no other)
      return {};
  }
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
    case Stage::kWarpedDeep:
      return "warped_deep";
    case Stage::kWarpedFar:
      return "warped_far";
    case Stage::kRegions:
      return "regions";
  }
  return "unknown";
}

std::vector<Stage> default_stages() {
  // Chosen on the zxing-cpp corpus and on rendered kiosk scenes (bench/decode_rate --ablation):
  // each fallback reads codes the stages before it miss, cheapest per code read first; our own
  // warped grid and the deconvolution, the costliest, last; the deep warped grid after them (two
  // corpus photos no other stage reads, four times the warped stage's cost); the far-code search
  // last. The regions stage (small codes in large frames) before the deconvolution, which it is
  // cheaper than. Downscale, denoise and fixed threshold read nothing that these do not, so they
  // are left out. The enlargement, which needs no OpenCV, comes before the first stage that does:
  // in a process that scans one file (kioskctl scan) loading OpenCV costs about 11 ms of CPU,
  // more than the enlargement's reads of a photo (bench/file_cost). The camera (kioskd), which
  // loads OpenCV once, keeps it after them: camera_stages().
  return {Stage::kDirect,  Stage::kHint,   Stage::kInvert,     Stage::kGlobalHistogram,
          Stage::kUpscale, Stage::kClahe,  Stage::kSharpen,    Stage::kWarped,
          Stage::kRegions, Stage::kDeblur, Stage::kWarpedDeep, Stage::kWarpedFar};
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
  // default_stages() without the deconvolution and the far-code search, and with the enlargement
  // after the contrast stages, cheaper on a camera frame (bench/scan_latency --per-stage).
  return {Stage::kDirect,  Stage::kHint,      Stage::kInvert,  Stage::kGlobalHistogram,
          Stage::kClahe,   Stage::kSharpen,   Stage::kUpscale, Stage::kWarped,
          Stage::kRegions, Stage::kWarpedDeep};
}

std::vector<Stage> all_stages() {
  return {Stage::kDirect,          Stage::kHint,           Stage::kInvert,  Stage::kClahe,
          Stage::kUpscale,         Stage::kDownscale,      Stage::kSharpen, Stage::kDenoise,
          Stage::kGlobalHistogram, Stage::kFixedThreshold, Stage::kWarped,  Stage::kDeblur,
          Stage::kWarpedDeep,      Stage::kWarpedFar,      Stage::kRegions};
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

bool is_plain_stage(Stage stage, const ScanOptions& options) {
  switch (stage) {
    case Stage::kDirect:
    case Stage::kInvert:
    case Stage::kGlobalHistogram:
    case Stage::kFixedThreshold:
    case Stage::kUpscale:
      return true;
    case Stage::kHint:
      return !options.hint.has_value();
    default:
      return false;
  }
}

Result<PartialScan, ScanError> scan_plain(const ImageView& image, const ScanOptions& options) {
  if (auto bad = invalid(image)) return Unexpected{*bad};
  PartialScan p;
  if (image.width < kMinSide || image.height < kMinSide) {
    p.next = options.stages.size();  // too small to hold a code: no stage, no conversion
    return p;
  }
  try {
    p.gray = to_gray(image);
  } catch (const std::bad_alloc&) {
    return Unexpected{ScanError::kTooLarge};
  }
  p.width = image.width;
  p.height = image.height;
  std::size_t i = 0;
  for (; i < options.stages.size(); ++i) {
    Stage stage = options.stages[i];
    if (!is_plain_stage(stage, options)) break;
    if (i > 0 && options.afford && !options.afford(stage)) {
      p.report.skipped.push_back(stage);
      continue;
    }
    p.report.tried.push_back(stage);
    std::vector<Code> codes;
    try {
      codes = run_plain_stage(stage, p);
    } catch (const std::bad_alloc&) {
    }
    if (!codes.empty()) {
      p.report.codes = std::move(codes);
      i = options.stages.size();
      break;
    }
  }
  p.next = i;
  return p;
}

}  // namespace kiosk::scan
