// A non-owning view of an 8-bit camera frame or image: the scan pipeline's input.
#pragma once

#include <cstdint>

namespace kiosk::scan {

enum class PixelFormat : std::uint8_t {
  kGray8,  ///< one byte per pixel, luminance
  kBgr8,   ///< three bytes per pixel, blue green red (OpenCV's order)
};

/// Pixels are read, never written or kept: the caller keeps `data` alive during the call.
/// `stride` is the distance in bytes between the starts of two rows (at least width times the
/// bytes per pixel; 0 means exactly that).
struct ImageView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
  PixelFormat format = PixelFormat::kGray8;
};

}  // namespace kiosk::scan
