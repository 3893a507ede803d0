// Reading an image file for `kioskctl scan` and `kioskctl mrz`, at the cost of its image: the file
// is checked (a regular file, at most kMaxImageFileBytes) and read in one buffer sized to it, the
// pixel size comes from the header and is checked before any pixel is allocated, and the pixels
// are decoded by libpng, libjpeg-turbo or libwebp directly (the libraries OpenCV's imdecode would
// call, with the same conversions, without loading OpenCV's 140 codec libraries per process).
// Every decoder is bounded: a refused size, a truncated or corrupt stream, a header that lies
// about the size, a JPEG of too many scans are each a one-line reason, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "app/result.h"
#include "app/scan/image_view.h"

namespace kiosk::ctl {

/// Files larger than this are refused unread (a 4096x4096 photo is well under it).
inline constexpr std::size_t kMaxImageFileBytes = 64u << 20;

struct ImageSize {
  int width = 0;
  int height = 0;
};

/// A decoded image: 8-bit BGR, rows contiguous (OpenCV's CV_8UC3 layout, without OpenCV: kioskctl
/// loads OpenCV only for the scan stages that need it).
struct BgrImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  ///< width * height * 3 bytes

  std::size_t step() const { return static_cast<std::size_t>(width) * 3; }
  scan::ImageView view() const {
    return {pixels.data(), width, height, width * 3, scan::PixelFormat::kBgr8};
  }
};

/// The pixel size declared by a PNG, JPEG or WebP header in `bytes`, if within the scan
/// pipeline's limits (scan::kMaxSide, scan::kMaxPixels); an error text otherwise.
Result<ImageSize, std::string> image_header_size(std::span<const std::uint8_t> bytes);

/// Decodes a PNG, JPEG or WebP image held in `bytes` to 8-bit BGR (alpha dropped, 16-bit
/// samples truncated, palettes and grey expanded: as cv::imdecode(IMREAD_COLOR) without EXIF
/// rotation). The header's size is checked first; the result has exactly that size.
Result<BgrImage, std::string> decode_image(std::span<const std::uint8_t> bytes);

/// Reads `path` (a regular file of at most kMaxImageFileBytes) and decodes it. The error is a
/// one-line reason.
Result<BgrImage, std::string> read_image_file(const std::string& path);

}  // namespace kiosk::ctl
