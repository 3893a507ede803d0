#include "app/scan/finder_patterns.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

#include <opencv2/imgproc.hpp>

namespace kiosk::scan::detail {

namespace {

// A finder pattern is 7x7 modules: a dark ring (outer boundary 7x7), a light ring (the ring's
// hole, 5x5) and a 3x3 stone. Traced boundaries run along pixel centres, so the measured areas
// fall short of the ideal 49 : 25 : 9 by about a pixel per side; blur and perspective move them
// further. The bounds below hold for modules of 2 pixels and more under a 60 degree tilt.
constexpr double kMinOuterToStone = 2.5;
constexpr double kMaxOuterToStone = 20.0;
constexpr double kMinOuterToHole = 1.1;
constexpr double kMaxOuterToHole = 4.0;
constexpr double kMinOuterArea = 64.0;  // a module of at least about 1.5 pixels
constexpr double kMinSolidity = 0.8;    // area over convex hull area: a square, not a blob

// Images up to kSmallSide are searched as they are (a photo of a code: modules may be a pixel or
// two, a median filter would erase them). Frames up to kSearchSide are median-filtered first:
// sensor noise otherwise makes tens of thousands of specks to trace (80 ms at 720p instead of
// 10). Larger frames are reduced to kReducedSide, then traced again at full size around each
// pattern found.
constexpr int kSmallSide = 1000;
constexpr int kSearchSide = 1400;
constexpr int kReducedSide = 1000;
// The fine search's window: about four modules of a far code (1.3 to 2 pixels each), so that
// its finders' rings stand out of their surroundings; a window of a tenth of the frame averages
// them away. On the 24 frames of the rendered scenes' far-code takes (render_take, seed 1) the
// far stage alone read 20 with this window, 6 with the quick search's (72 pixels at 720p); 5 to
// 21 pixels were tried, with a probe that was not kept (session 9's note on issue 14).
constexpr int kFineBlock = 7;

double area(const std::vector<cv::Point>& contour) {
  return std::abs(cv::contourArea(contour));
}

// Ink: darker than the mean of a window of about a tenth of the image by more than `margin`
// grey levels (sensor noise).
cv::Mat ink_of(const cv::Mat& gray, int block, double margin = 8) {
  cv::Mat ink;
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV,
                        std::max(3, block) | 1, margin);
  return ink;
}

// `ink` without its one-pixel specks (ink with no ink among its eight neighbours). Such a speck
// has no area and no hole, so it can be neither a finder nor any part of one, and tracing gives
// the same finders; but in a noisy frame the specks are most of what there is to trace.
cv::Mat without_specks(cv::Mat ink) {
  cv::Mat count;
  // The ink in each 3x3 window (255 a pixel), the pixel itself included.
  cv::boxFilter(ink, count, CV_16U, cv::Size(3, 3), cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
  ink.setTo(0, count <= 255);
  return ink;
}

int block_for(const cv::Mat& gray) {
  return std::max(15, std::min(gray.cols, gray.rows) / 10);
}

std::vector<FinderPattern> trace(const cv::Mat& ink, std::size_t max_count) {
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> tree;  // next, previous, first child, parent
  cv::findContours(ink, contours, tree, cv::RETR_TREE, cv::CHAIN_APPROX_SIMPLE);

  std::vector<std::pair<double, FinderPattern>> found;
  for (std::size_t i = 0; i < contours.size(); ++i) {
    int hole = tree[i][2];
    if (hole < 0) continue;
    double outer = area(contours[i]);
    if (outer < kMinOuterArea) continue;
    // The ring's hole must be its only hole of note, and hold one stone: take the largest of
    // each and check the proportions.
    int best_hole = -1;
    double hole_area = 0;
    for (int h = hole; h >= 0; h = tree[static_cast<std::size_t>(h)][0]) {
      double a = area(contours[static_cast<std::size_t>(h)]);
      if (a > hole_area) hole_area = a, best_hole = h;
    }
    if (best_hole < 0 || hole_area <= 0) continue;
    if (outer / hole_area < kMinOuterToHole || outer / hole_area > kMaxOuterToHole) continue;
    int stone = -1;
    double stone_area = 0;
    for (int s = tree[static_cast<std::size_t>(best_hole)][2]; s >= 0;
         s = tree[static_cast<std::size_t>(s)][0]) {
      double a = area(contours[static_cast<std::size_t>(s)]);
      if (a > stone_area) stone_area = a, stone = s;
    }
    if (stone < 0 || stone_area <= 0) continue;
    if (outer / stone_area < kMinOuterToStone || outer / stone_area > kMaxOuterToStone) continue;

    std::vector<cv::Point> hull;
    cv::convexHull(contours[i], hull);
    if (outer < kMinSolidity * area(hull)) continue;

    cv::Moments ms = cv::moments(contours[static_cast<std::size_t>(stone)]);
    cv::Moments mo = cv::moments(contours[i]);
    if (ms.m00 <= 0 || mo.m00 <= 0) continue;
    cv::Point2f c_stone(static_cast<float>(ms.m10 / ms.m00), static_cast<float>(ms.m01 / ms.m00));
    cv::Point2f c_outer(static_cast<float>(mo.m10 / mo.m00), static_cast<float>(mo.m01 / mo.m00));
    auto module = static_cast<float>((std::sqrt(outer) + 1.0) / 7.0);
    // The stone sits in the middle of the ring (within a module even under strong perspective).
    if (cv::norm(c_stone - c_outer) > 1.5 * module) continue;

    FinderPattern f;
    f.center = c_stone;
    f.module = module;
    f.outline = std::move(contours[i]);
    found.emplace_back(outer, std::move(f));
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<FinderPattern> out;
  for (auto& [a, f] : found) {
    if (out.size() == max_count) break;
    out.push_back(std::move(f));
  }
  return out;
}

// The kQuick search.
std::vector<FinderPattern> find_quick(const cv::Mat& gray, std::size_t max_count) {
  int side = std::max(gray.cols, gray.rows);
  if (side <= kSmallSide) return trace(ink_of(gray, block_for(gray)), max_count);
  if (side <= kSearchSide) {
    cv::Mat quiet;
    cv::medianBlur(gray, quiet, 3);
    return trace(ink_of(quiet, block_for(quiet)), max_count);
  }
  double scale = static_cast<double>(kReducedSide) / side;
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  std::vector<FinderPattern> out;
  for (FinderPattern& f : trace(ink_of(small, block_for(small)), max_count)) {
    // Around the pattern, a third of its size on each side: room for the ring, little else.
    cv::Rect box = cv::boundingRect(f.outline);
    int margin = std::max(box.width, box.height) / 3 + 2;
    cv::Rect roi(static_cast<int>((box.x - margin) / scale),
                 static_cast<int>((box.y - margin) / scale),
                 static_cast<int>((box.width + 2 * margin) / scale),
                 static_cast<int>((box.height + 2 * margin) / scale));
    roi &= cv::Rect(0, 0, gray.cols, gray.rows);
    cv::Point2f center = f.center / static_cast<float>(scale);
    // The window of the reduced search, in full-size pixels.
    auto block = static_cast<int>(block_for(small) / scale);
    std::optional<FinderPattern> sharp;
    if (!roi.empty()) {
      cv::Mat ink = ink_of(gray(roi), std::min({block, roi.width, roi.height}));
      for (FinderPattern& g : trace(ink, 4)) {
        g.center += cv::Point2f(roi.tl());
        for (cv::Point& q : g.outline)
          q += roi.tl();
        if (cv::norm(g.center - center) < 2 * g.module) {
          sharp = std::move(g);
          break;
        }
      }
    }
    if (!sharp) {
      // Not found again at full size (a window cut by the frame's edge): the reduced one, scaled.
      sharp = std::move(f);
      sharp->center = center;
      sharp->module = static_cast<float>(sharp->module / scale);
      for (cv::Point& q : sharp->outline)
        q = cv::Point(static_cast<int>(q.x / scale), static_cast<int>(q.y / scale));
    }
    out.push_back(std::move(*sharp));
  }
  return out;
}

}  // namespace

double noise_level(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  // A histogram of |2p - left - right| (0 to 510) over every fourth row.
  std::array<std::uint32_t, 511> hist{};
  std::uint64_t n = 0;
  for (int y = 0; y < gray.rows; y += 4) {
    const std::uint8_t* row = gray.ptr<std::uint8_t>(y);
    for (int x = 1; x + 1 < gray.cols; ++x) {
      int d = 2 * row[x] - row[x - 1] - row[x + 1];
      ++hist[static_cast<std::size_t>(d < 0 ? -d : d)];
      ++n;
    }
  }
  if (n == 0) return 0;
  std::uint64_t seen = 0;
  std::size_t median = 0;
  while (median < hist.size() && (seen += hist[median]) * 2 < n)
    ++median;
  // For white noise of deviation s the second difference has deviation s*sqrt(6), and the
  // median of its absolute value is 0.6745 of that.
  return static_cast<double>(median) / (0.6745 * std::sqrt(6.0));
}

std::vector<FinderPattern> find_finder_patterns(const cv::Mat& gray, std::size_t max_count,
                                                FinderSearch how) {
  std::vector<FinderPattern> found = find_quick(gray, max_count);
  if (how == FinderSearch::kQuick || static_cast<long>(gray.total()) > kMaxFinePixels) return found;
  const double noise = noise_level(gray);
  if (noise > kMaxFineNoise) return found;
  // A far code: its finders traced in the frame as it is, in a window of a few of its modules,
  // beside those found already (up to max_count more: the quick search may have filled its
  // share with other rings). Ink is what lies 1.5 noise deviations below the window's mean,
  // from 3 to 8 grey levels: a faded code in a quiet frame keeps its rings, and a noisy frame
  // is held to the quick search's margin.
  const double margin = std::clamp(kFineMarginPerNoise * noise, 3.0, 8.0);
  const std::size_t quick = found.size();
  for (FinderPattern& f : trace(without_specks(ink_of(gray, kFineBlock, margin)), max_count)) {
    bool seen = false;
    for (std::size_t i = 0; i < quick; ++i)
      if (cv::norm(f.center - found[i].center) < 2 * std::max(f.module, found[i].module))
        seen = true;
    if (!seen) found.push_back(std::move(f));
  }
  return found;
}

}  // namespace kiosk::scan::detail
