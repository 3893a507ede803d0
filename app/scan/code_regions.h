// Internal to the scan pipeline: where in a frame a code too small for the whole-frame readers may
// lie, found by its texture rather than by its finders. Not a public header (it uses cv::Mat).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "app/scan/prepare.h"
#include "app/scan/scanner.h"

namespace kiosk::scan::detail {

/// The side of the square blocks the texture is measured over, in frame pixels.
inline constexpr int kRegionBlock = 16;

/// Up to `max_count` square regions of `gray` (8-bit, one channel) that look like a QR code a
/// few hundred pixels across or less, likeliest first: windows of blocks, 4 blocks (64 pixels)
/// across up to half the frame's shorter side, of which at least four in five are busy with light
/// and dark both across and down (a code's modules) above three times the frame's noise_level;
/// scored by their summed busyness (the larger of two busy windows holds more of the code); each
/// region's centre lies outside the regions before it. Nothing for a frame under four blocks a
/// side. Cost: one pass over the pixels (0.5 ms at 720p).
std::vector<Region> code_regions(const cv::Mat& gray, std::size_t max_count);

/// How many regions the regions stage reads, and the largest frame it searches (a camera frame;
/// a photo larger than that shows its code larger).
inline constexpr std::size_t kMaxRegions = 3;
inline constexpr long kMaxRegionPixels = 1920L * 1080L;

/// `region` widened by half its size on each side, clipped to the frame and enlarged three times
/// (less when that would pass 1200 pixels a side); nullopt when nothing of it lies in the frame or
/// it could not be enlarged by at least 1.5 (a code that large is the other stages' to read).
std::optional<Prepared> region_crop(const cv::Mat& gray, const Region& region);

}  // namespace kiosk::scan::detail
