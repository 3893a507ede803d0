// Internal to the scan pipeline: a gray image enlarged by bicubic interpolation, with no OpenCV,
// so that the upscale stage runs among the plain stages (app/scan/plain_scan.cpp) and a process
// that reads its image there never loads OpenCV's libraries (kioskctl scan: loading them costs
// about 11 ms of CPU, more than most photos' whole read).
//
// The kernel is OpenCV's INTER_CUBIC (Keys, a = -0.75; the same sample positions, the edge
// replicated, 11-bit fixed-point weights, rows blended in float as OpenCV's vectorised columns).
// The operations' order differs, so the two differ by one grey level on a few pixels (0.014 % of
// the corpus photos' pixels enlarged 1.5 and 2 times; tests/app/scan_test.cpp compares them).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "app/scan/scanner.h"

namespace kiosk::scan::detail {

/// An owned 8-bit gray image, rows contiguous.
struct GrayImage {
  std::vector<std::uint8_t> pixels;
  int width = 0;
  int height = 0;

  GrayView view() const { return {pixels.data(), width, height, width}; }
};

/// The largest factor upscaled() accepts.
inline constexpr double kMaxEnlargement = 4.0;
/// The most pixels upscaled() makes.
inline constexpr long kMaxEnlargedPixels = 16L * 1024 * 1024;

/// `src` enlarged `factor` times (1 < factor <= kMaxEnlargement): width and height are
/// round(factor * side), as cv::resize with fx = fy = factor. nullopt when `src` is empty or
/// malformed, the factor is out of range or the result would exceed kMaxEnlargedPixels.
std::optional<GrayImage> upscaled(const GrayView& src, double factor);

/// Frames whose longer side exceeds this are not enlarged as a whole: the cost grows with the
/// square of the size, and a code that small in a big frame is reached through the hint instead.
inline constexpr int kUpscaleMaxSide = 1280;

/// The upscale stage: `gray` enlarged 1.5 times and read, then, when that read nothing, 2 times
/// (1.5 moves module edges off the pixel grid of a code sampled at a few pixels per module; 2
/// gives a small code enough pixels). Nothing when its longer side exceeds kUpscaleMaxSide. The
/// corners are in `gray`'s pixels.
std::vector<Code> read_upscaled(const GrayView& gray, Stage stage);

}  // namespace kiosk::scan::detail
