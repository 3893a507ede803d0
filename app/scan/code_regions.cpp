#include "app/scan/code_regions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"

namespace kiosk::scan::detail {

namespace {

// A cluster narrower than this many blocks (64 pixels) holds no code the other stages miss for
// its size: a version 1 code at 3 pixels a module.
constexpr int kMinRegionBlocks = 4;
// A block is busy when its mean absolute step between neighbouring pixels, across and down alike
// (the smaller of the two), is above this many noise deviations and this absolute floor.
constexpr double kBusyPerNoise = 3.0;
constexpr double kBusyFloor = 6.0;
// A window is a candidate when at least this share of its blocks is busy.
constexpr double kMinBusyShare = 0.8;

}  // namespace

std::vector<Region> code_regions(const cv::Mat& gray, std::size_t max_count) {
  CV_Assert(gray.type() == CV_8UC1);
  const int bw = gray.cols / kRegionBlock, bh = gray.rows / kRegionBlock;
  if (bw < kMinRegionBlocks || bh < kMinRegionBlocks || max_count == 0) return {};

  // The mean |step| across and down in each block (rows up to the last block row's last but
  // one: the step down from it leaves the blocks).
  cv::Mat across(bh, bw, CV_32F, cv::Scalar(0)), down(bh, bw, CV_32F, cv::Scalar(0));
  for (int y = 0; y + 1 < bh * kRegionBlock; ++y) {
    const std::uint8_t* row = gray.ptr<std::uint8_t>(y);
    const std::uint8_t* below = gray.ptr<std::uint8_t>(y + 1);
    auto* a = across.ptr<float>(y / kRegionBlock);
    auto* d = down.ptr<float>(y / kRegionBlock);
    for (int bx = 0; bx < bw; ++bx) {
      int sa = 0, sd = 0;
      // A step across from the block's last pixel to the next block's first; none past the
      // frame's last column.
      for (int x = bx * kRegionBlock, end = x + kRegionBlock; x < end; ++x) {
        if (x + 1 < gray.cols) sa += std::abs(row[x + 1] - row[x]);
        sd += std::abs(below[x] - row[x]);
      }
      a[bx] += static_cast<float>(sa);
      d[bx] += static_cast<float>(sd);
    }
  }
  constexpr double kPerBlock = 1.0 / (kRegionBlock * kRegionBlock);
  cv::Mat busy_level = cv::min(across, down) * kPerBlock;
  const double floor = std::max(kBusyFloor, kBusyPerNoise * noise_level(gray));
  cv::Mat busy = busy_level > floor;
  cv::Mat count_sum, level_sum;  // integral images: busy blocks, busy level
  cv::integral(busy / 255, count_sum, CV_32S);
  cv::integral(busy_level, level_sum, CV_64F);

  // Square windows of kMinRegionBlocks up to half the frame, growing by a quarter: those at
  // least kMinBusyShare busy, scored by their summed busy level (a larger window that is still
  // busy holds more of the code).
  struct Window {
    double score;
    int x, y, k;
  };
  std::vector<Window> windows;
  const int max_k = std::min(bw, bh) / 2;
  for (int k = kMinRegionBlocks; k <= max_k; k = std::max(k + 1, k * 5 / 4)) {
    const int need = static_cast<int>(std::ceil(kMinBusyShare * k * k));
    for (int y = 0; y + k <= bh; ++y)
      for (int x = 0; x + k <= bw; ++x) {
        int c = count_sum.at<int>(y + k, x + k) - count_sum.at<int>(y, x + k) -
                count_sum.at<int>(y + k, x) + count_sum.at<int>(y, x);
        if (c < need) continue;
        double l = level_sum.at<double>(y + k, x + k) - level_sum.at<double>(y, x + k) -
                   level_sum.at<double>(y + k, x) + level_sum.at<double>(y, x);
        windows.push_back({l, x, y, k});
      }
  }
  std::sort(windows.begin(), windows.end(),
            [](const Window& a, const Window& b) { return a.score > b.score; });
  // The best, then the best whose centre lies outside every region taken.
  std::vector<Region> out;
  for (const Window& w : windows) {
    if (out.size() == max_count) break;
    double cx = (w.x + w.k / 2.0) * kRegionBlock, cy = (w.y + w.k / 2.0) * kRegionBlock;
    bool inside = false;
    for (const Region& r : out)
      inside |= cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height;
    if (!inside)
      out.push_back(
          {w.x * kRegionBlock, w.y * kRegionBlock, w.k * kRegionBlock, w.k * kRegionBlock});
  }
  return out;
}

std::optional<Prepared> region_crop(const cv::Mat& gray, const Region& region) {
  auto wide = widened(gray, region);
  if (!wide) return std::nullopt;
  const double factor = std::min(3.0, 1200.0 / std::max(wide->width, wide->height));
  if (factor < 1.5) return std::nullopt;
  return cropped(gray, *wide, factor);
}

}  // namespace kiosk::scan::detail
