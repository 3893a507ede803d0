#include "app/coach.h"

#include <cstdlib>

namespace kiosk {

FrameMeasure measure_frame(const scan::ImageView& f) {
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

Advice advise(const FrameMeasure& m) {
  // Starting thresholds (not yet tuned on field frames): a frame averaging under 45 grey levels
  // is a dark screen; over 4 % saturated pixels is a glare spot; a module under 2.5 pixels is
  // too far; a mean Laplacian under 2 grey levels is blurred.
  if (m.mean < 45) return Advice::kBrighter;
  if (m.saturated > 0.04) return Advice::kTiltGlare;
  if (m.module_px && *m.module_px < 2.5) return Advice::kCloser;
  if (m.sharpness < 2.0) return Advice::kHoldStill;
  return Advice::kNone;
}

}  // namespace kiosk
