// Any pixels through the self-service coach (app/coach.h): the frame measure with the code
// search (the frame's finder search, the small-code search over dense patches, the glare disc)
// and the advice. Invariants: every measure in its range.
//
// Input: byte 0 selects the format (bit 0: BGR) and stride padding (bits 1..3), bytes 1..2 the
// width; the rest are the pixels (the height is what they fill).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "app/coach.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  auto format = (data[0] & 1) ? kiosk::scan::PixelFormat::kBgr8 : kiosk::scan::PixelFormat::kGray8;
  int bpp = format == kiosk::scan::PixelFormat::kBgr8 ? 3 : 1;
  int width = 1 + (data[1] | (data[2] & 0x01) << 8);
  int stride = width * bpp + (data[0] >> 1 & 7);
  const std::uint8_t* pixels = data + 3;
  std::size_t bytes = size - 3;
  int height = static_cast<int>(bytes / static_cast<std::size_t>(stride));
  kiosk::scan::ImageView view{pixels, width, height, stride, format};
  kiosk::FrameMeasure m = kiosk::measure_frame(view, true);
  if (!(m.mean >= 0 && m.mean <= 255) || !(m.bright >= 0 && m.bright <= 255)) __builtin_trap();
  if (!(m.saturated >= 0 && m.saturated <= 1) || !(m.sharpness >= 0)) __builtin_trap();
  if (m.module_px && !(*m.module_px > 0 && std::isfinite(*m.module_px))) __builtin_trap();
  if (m.glare_modules && !(*m.glare_modules >= 0 && std::isfinite(*m.glare_modules)))
    __builtin_trap();
  (void)kiosk::advise(m);
  return 0;
}
