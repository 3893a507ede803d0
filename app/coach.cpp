#include "app/coach.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"

namespace kiosk {

namespace {

// The median module size of the largest finder patterns in view (at most three).
std::optional<double> median_module(const std::vector<scan::detail::FinderPattern>& found) {
  if (found.empty()) return std::nullopt;
  std::vector<float> sizes;
  for (const auto& p : found)
    if (sizes.size() < 3) sizes.push_back(p.module);
  std::sort(sizes.begin(), sizes.end());
  return sizes[sizes.size() / 2];
}

// The frame's finder search keeps this many patterns, largest first: the code's three and room
// for stray nested squares larger than them.
constexpr std::size_t kMaxPatterns = 6;

// A code too small for the finder search at the frame's own scale (modules under about two
// pixels). A QR's modules put an edge every module or two in both directions, which a phone's
// text, a face or the counter do not over a square patch: the frame's mean edge strength per
// 8x8 cell finds such patches. Each (at most two, the largest first) is enlarged up to three
// times, sharpened and thresholded, and searched for the middle of a finder pattern: a light
// ring's square hole holding one dark stone. The pattern's outer dark ring is not required: at
// these sizes its light separator blurs away and the ring merges with the data modules, which is
// what defeats the finder search. Two such rings of one size, at least ten of their modules
// apart (a QR's finder patterns are 14 or more), say a code is there and how small; anything less
// says nothing. docs/coaching.md has what it finds and costs.
constexpr int kCell = 8;               // pixels per side of a cell of the edge map
constexpr float kDenseEdge = 24;       // a cell's mean |dx| + |dy|: sensor noise makes about 6
constexpr int kMinCells = 9;           // a patch of at least 3x3 cells (24 pixels a side)
constexpr double kMaxAspect = 2.5;     // a tilted square, not a line of text
constexpr double kMinFill = 0.45;      // dense cells over the patch's bounding box
constexpr double kMaxEnlarged = 1000;  // the enlarged patch's longer side at most
constexpr double kMinEnlarge = 1.8;    // a larger patch has modules the frame's search sees
constexpr double kMaxEnlarge = 3.0;
constexpr double kMinHoleToStone = 1.4;  // ideally 25 : 9, traced boundaries and blur move it
constexpr double kMaxHoleToStone = 6.0;
constexpr double kMinSquare = 0.75;   // area over convex hull area, hole and stone
constexpr double kMaxRingModule = 8;  // enlarged pixels: a larger ring is not a small code's
constexpr double kSameSize = 1.3;     // two finder patterns of one code: module ratio
constexpr double kMinApartModules = 10;
constexpr double kMaxApartModules = 180;  // version 40: 177 modules a side

struct Ring {
  cv::Point2d center;
  double module = 0;
};

double traced_area(const std::vector<cv::Point>& c) {
  return std::abs(cv::contourArea(c));
}

bool squarish(const std::vector<cv::Point>& c, double a) {
  std::vector<cv::Point> hull;
  cv::convexHull(c, hull);
  cv::Rect box = cv::boundingRect(c);
  return a >= kMinSquare * traced_area(hull) &&
         std::max(box.width, box.height) <= 2 * std::min(box.width, box.height);
}

std::vector<Ring> ring_stones(const cv::Mat& ink) {
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> tree;  // next, previous, first child, parent
  cv::findContours(ink, contours, tree, cv::RETR_TREE, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Ring> out;
  for (std::size_t h = 0; h < contours.size(); ++h) {
    // A hole (its parent is ink) holding ink: the light ring around the stone.
    if (tree[h][3] < 0 || tree[h][2] < 0) continue;
    double hole = traced_area(contours[h]);
    if (hole < 16) continue;
    int stone = -1;
    double stone_area = 0, others = 0;
    for (int s = tree[h][2]; s >= 0; s = tree[static_cast<std::size_t>(s)][0]) {
      double a = traced_area(contours[static_cast<std::size_t>(s)]);
      others += std::min(a, stone_area);
      if (a > stone_area) stone_area = a, stone = s;
    }
    if (stone < 0 || stone_area <= 0 || others > 0.2 * stone_area) continue;
    if (hole / stone_area < kMinHoleToStone || hole / stone_area > kMaxHoleToStone) continue;
    const auto& sc = contours[static_cast<std::size_t>(stone)];
    // A solid stone: one holding a ring of its own is a whole finder pattern seen from outside
    // (its separator as the hole); the ring inside it is the one to measure.
    if (tree[static_cast<std::size_t>(stone)][2] >= 0) continue;
    if (!squarish(contours[h], hole) || !squarish(sc, stone_area)) continue;
    cv::Moments mh = cv::moments(contours[h]), ms = cv::moments(sc);
    if (mh.m00 <= 0 || ms.m00 <= 0) continue;
    cv::Point2d ch(mh.m10 / mh.m00, mh.m01 / mh.m00), cs(ms.m10 / ms.m00, ms.m01 / ms.m00);
    // The hole is 5 modules a side, the stone 3; both must tell about the same module.
    double by_hole = std::sqrt(hole) / 5, by_stone = std::sqrt(stone_area) / 3;
    if (std::max(by_hole, by_stone) > kSameSize * std::min(by_hole, by_stone)) continue;
    double module = (by_hole + by_stone) / 2;
    if (module > kMaxRingModule || cv::norm(ch - cs) > module) continue;
    out.push_back({cs, module});
  }
  return out;
}

// The ring with the most partners (rings of its size far enough apart to be the other corners
// of one code), with them: indices into `rings`.
std::vector<std::size_t> corners_of_one_code(const std::vector<Ring>& rings) {
  std::vector<std::size_t> best;
  for (std::size_t i = 0; i < rings.size(); ++i) {
    const Ring& r = rings[i];
    std::vector<std::size_t> group{i};
    for (std::size_t j = 0; j < rings.size(); ++j) {
      const Ring& o = rings[j];
      if (j == i) continue;
      if (std::max(r.module, o.module) > kSameSize * std::min(r.module, o.module)) continue;
      double apart = cv::norm(r.center - o.center) / std::max(r.module, o.module);
      if (apart >= kMinApartModules && apart <= kMaxApartModules) group.push_back(j);
    }
    if (group.size() > best.size()) best = std::move(group);
  }
  return best;
}

std::optional<double> small_code_module(const cv::Mat& gray) {
  if (gray.cols < 4 * kCell || gray.rows < 4 * kCell) return std::nullopt;
  cv::Mat g, dx, dy;
  gray.convertTo(g, CV_16S);
  cv::Rect body(0, 0, g.cols - 1, g.rows - 1);
  cv::absdiff(g(body), g(body + cv::Point(1, 0)), dx);
  cv::absdiff(g(body), g(body + cv::Point(0, 1)), dy);
  cv::Mat edge, cells;
  cv::add(dx, dy, edge, cv::noArray(), CV_32F);
  cv::resize(edge, cells, cv::Size(body.width / kCell, body.height / kCell), 0, 0, cv::INTER_AREA);
  cv::Mat dense = cells > kDenseEdge;
  cv::morphologyEx(dense, dense, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(dense, labels, stats, centroids, 8, CV_32S);
  std::vector<std::pair<int, cv::Rect>> patches;
  for (int i = 1; i < n; ++i) {
    int area = stats.at<int>(i, cv::CC_STAT_AREA);
    cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
               stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (area < kMinCells) continue;
    if (std::max(r.width, r.height) > kMaxAspect * std::min(r.width, r.height)) continue;
    if (area < kMinFill * r.area()) continue;
    patches.emplace_back(area, r);
  }
  std::sort(patches.begin(), patches.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  if (patches.size() > 2) patches.resize(2);
  for (const auto& [area, cells_box] : patches) {
    // The patch and a cell around it (the finder patterns sit on the code's edge).
    cv::Rect roi((cells_box.x - 1) * kCell, (cells_box.y - 1) * kCell,
                 (cells_box.width + 2) * kCell, (cells_box.height + 2) * kCell);
    roi &= cv::Rect(0, 0, gray.cols, gray.rows);
    double scale = std::min(kMaxEnlarge, kMaxEnlarged / std::max(roi.width, roi.height));
    if (scale < kMinEnlarge) continue;
    cv::Mat big, soft, ink;
    cv::resize(gray(roi), big, cv::Size(), scale, scale, cv::INTER_CUBIC);
    cv::GaussianBlur(big, soft, {0, 0}, 0.7 * scale);
    cv::addWeighted(big, 2.0, soft, -1.0, 0, big);  // unsharp: the light ring stands out again
    int block = std::max(15, std::min(big.cols, big.rows) / 8) | 1;
    cv::adaptiveThreshold(big, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block,
                          8);
    std::vector<Ring> rings = ring_stones(ink);
    // The ring with the most partners: the code's finder patterns, rather than a ring in its
    // data.
    std::vector<std::size_t> group = corners_of_one_code(rings);
    if (group.size() >= 2) {
      std::vector<double> sizes;
      for (std::size_t i : group)
        sizes.push_back(rings[i].module);
      std::sort(sizes.begin(), sizes.end());
      return sizes[sizes.size() / 2] / scale;
    }
  }
  return std::nullopt;
}

// The largest disc of saturated pixels over the code the finder patterns locate (the convex
// hull of their outlines: with three, the half of the code on their side of its diagonal, its
// centre included), as a radius in modules. Printed white saturates in an overexposed photo of
// paper, but a code's light modules leave no saturated disc much wider than a module or two:
// a wider one is a reflection hiding the dark modules under it.
std::optional<double> glare_over(const cv::Mat& gray,
                                 const std::vector<scan::detail::FinderPattern>& corners,
                                 double module) {
  if (corners.size() < 2 || module <= 0) return std::nullopt;
  std::vector<cv::Point> points, hull;
  for (const auto& p : corners)
    points.insert(points.end(), p.outline.begin(), p.outline.end());
  if (points.size() < 3) return std::nullopt;
  cv::convexHull(points, hull);
  // The discs are measured in a window around the hull, so that one reaching past it counts
  // whole.
  cv::Rect box = cv::boundingRect(hull);
  int margin = std::max(box.width, box.height) / 2;
  cv::Rect window(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin);
  window &= cv::Rect(0, 0, gray.cols, gray.rows);
  if (window.empty()) return std::nullopt;
  cv::Mat saturated = gray(window) >= 250, dist, inside(window.size(), CV_8U, cv::Scalar(0));
  cv::distanceTransform(saturated, dist, cv::DIST_L2, 3);
  for (cv::Point& q : hull)
    q -= window.tl();
  cv::fillConvexPoly(inside, hull, cv::Scalar(255));
  double radius = 0;
  cv::minMaxLoc(dist, nullptr, &radius, nullptr, nullptr, inside);
  return radius / module;
}

struct CodeMeasure {
  std::optional<double> module_px;
  std::optional<double> glare_modules;
};

// The code in view: its module size and the glare over it. The finder search at the frame's
// scale, when it finds two or more patterns that can be corners of one code (a stray nested
// square, or a small code's whole blurred body taken for one pattern, is not a code); else the
// search for a code too small for it; else, as before, the median of what the finder search
// found (no glare measured without corners).
CodeMeasure code_measure(const scan::ImageView& f, int bpp, int stride) {
  cv::Mat wrapped(f.height, f.width, bpp == 1 ? CV_8UC1 : CV_8UC3,
                  const_cast<std::uint8_t*>(f.data), static_cast<std::size_t>(stride));
  cv::Mat gray;
  if (bpp == 1) {
    gray = wrapped;
  } else {
    cv::cvtColor(wrapped, gray, cv::COLOR_BGR2GRAY);
  }
  CodeMeasure c;
  auto found = scan::detail::find_finder_patterns(gray, kMaxPatterns);
  std::vector<Ring> rings;
  for (const auto& p : found)
    rings.push_back({cv::Point2d(p.center), static_cast<double>(p.module)});
  std::vector<std::size_t> group = corners_of_one_code(rings);
  if (group.size() >= 2) {
    std::vector<scan::detail::FinderPattern> corners;
    for (std::size_t i : group)
      corners.push_back(found[i]);
    c.module_px = median_module(corners);
    c.glare_modules = glare_over(gray, corners, *c.module_px);
    return c;
  }
  c.module_px = small_code_module(gray);
  if (!c.module_px) c.module_px = median_module(found);
  return c;
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
  std::array<std::size_t, 256> histogram{};
  for (int y = 1; y + 1 < f.height; y += 2) {
    for (int x = 1; x + 1 < f.width; x += 2) {
      int c = luma(x, y);
      sum += c;
      ++histogram[static_cast<std::size_t>(c)];
      if (c >= 250) ++bright;
      lap += std::abs(4 * c - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1));
      ++n;
    }
  }
  if (n == 0) return m;
  m.mean = sum / static_cast<double>(n);
  m.saturated = static_cast<double>(bright) / static_cast<double>(n);
  m.sharpness = lap / static_cast<double>(n);
  std::size_t below = 0;
  for (std::size_t level = 0; level < histogram.size(); ++level) {
    below += histogram[level];
    if (100 * below >= 99 * n) {
      m.bright = static_cast<double>(level);
      break;
    }
  }
  if (find_module) {
    CodeMeasure c = code_measure(f, bpp, stride);
    m.module_px = c.module_px;
    m.glare_modules = c.glare_modules;
  }
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
  if (m.bright < t.dark_bright) return Advice::kBrighter;
  if (m.glare_modules && *m.glare_modules > t.glare_modules) return Advice::kTiltGlare;
  if (m.module_px && *m.module_px < t.far_module_px) return Advice::kCloser;
  if (m.sharpness < t.blur_sharpness) return Advice::kHoldStill;
  return Advice::kNone;
}

}  // namespace kiosk
