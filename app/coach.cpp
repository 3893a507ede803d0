#include "app/coach.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"

namespace kiosk {

namespace {

// The median module size of the finder patterns in view (at most three, largest first).
std::optional<double> module_estimate(const scan::ImageView& f, int bpp, int stride) {
  cv::Mat wrapped(f.height, f.width, bpp == 1 ? CV_8UC1 : CV_8UC3,
                  const_cast<std::uint8_t*>(f.data), static_cast<std::size_t>(stride));
  cv::Mat gray;
  if (bpp == 1) {
    gray = wrapped;
  } else {
    cv::cvtColor(wrapped, gray, cv::COLOR_BGR2GRAY);
  }
  auto found = scan::detail::find_finder_patterns(gray, 3);
  if (found.empty()) return std::nullopt;
  std::vector<float> sizes;
  for (const auto& p : found)
    sizes.push_back(p.module);
  std::sort(sizes.begin(), sizes.end());
  return sizes[sizes.size() / 2];
}

}  // namespace

FrameMeasure measure_frame(const scan::ImageView& f, bool find_module) {
  FrameMeasure m;
  if (!f.data || f.width < 3 || f.height < 3) return m;
  int bpp = f.format == scan::PixelFormat::kGray8 ? 1 : 3;
  int stride = f.stride > 0 ? f.stride : f.width * bpp;
  auto luma = [&](int x, int y) -> int {
    const std::uint8_t* p = f.data + static_cast<std::ptrdiff_t>(y) * stride + x * bpp;
    // BGR: ITU-R BT.601 weights in integers.
    return bpp == 1 ? p[0] : (29 * p[0] + 150 * p[1] + 77 * p[2]) >> 8;
  };
  double sum = 0, lap = 0;
  std::size_t n = 0, bright = 0;
  for (int y = 1; y + 1 < f.height; y += 2) {
    for (int x = 1; x + 1 < f.width; x += 2) {
      int c = luma(x, y);
      sum += c;
      if (c >= 250) ++bright;
      lap += std::abs(4 * c - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1));
      ++n;
    }
  }
  if (n == 0) return m;
  m.mean = sum / static_cast<double>(n);
  m.saturated = static_cast<double>(bright) / static_cast<double>(n);
  m.sharpness = lap / static_cast<double>(n);
  if (find_module) m.module_px = module_estimate(f, bpp, stride);
  return m;
}

std::string_view name(Advice a) {
  switch (a) {
    case Advice::kNone:
      return "none";
    case Advice::kBrighter:
      return "brighter";
    case Advice::kTiltGlare:
      return "tilt";
    case Advice::kCloser:
      return "closer";
    case Advice::kHoldStill:
      return "still";
  }
  return "none";
}

Advice advise(const FrameMeasure& m, const CoachThresholds& t) {
  if (m.mean < t.dark_mean) return Advice::kBrighter;
  if (m.saturated > t.glare_saturated) return Advice::kTiltGlare;
  if (m.module_px && *m.module_px < t.far_module_px) return Advice::kCloser;
  if (m.sharpness < t.blur_sharpness) return Advice::kHoldStill;
  return Advice::kNone;
}

}  // namespace kiosk
