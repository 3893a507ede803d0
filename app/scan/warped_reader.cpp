#include "app/scan/warped_reader.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "app/scan/finder_patterns.h"
#include "app/scan/model1.h"
#include "app/scan/module_grid.h"
#include "app/scan/prepare.h"
#include "app/scan/read_qr.h"

namespace kiosk::scan::detail {

namespace {

// Bounds on the work one frame can cause: finder patterns kept, finder triples tried.
constexpr std::size_t kMaxFinders = 12;
constexpr std::size_t kMaxTriples = 6;
constexpr int kRenderModule = 3;  // pixels per module in the rendering handed to ZXing
constexpr int kQuietZone = 4;     // modules

// ScanOptions::in_time: asked between the parts of a warped read (time_left); empty, every part
// runs.
using InTime = std::function<bool()>;

// The three finder patterns of one code, in the code's own orientation.
struct Triple {
  const FinderPattern* tl;
  const FinderPattern* tr;
  const FinderPattern* bl;
  double score;  // lower is better: how far from an isosceles right angle
};

// The centres of the alignment patterns along one axis (ISO/IEC 18004 annex E), in modules.
std::vector<int> alignment_positions(int version) {
  if (version < 2) return {};
  int count = version / 7 + 2;
  int step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2;
  std::vector<int> out(static_cast<std::size_t>(count));
  out[0] = 6;
  int pos = version * 4 + 10;
  for (int i = count - 1; i >= 1; --i, pos -= step)
    out[static_cast<std::size_t>(i)] = pos;
  return out;
}

// Bilinear sample of `gray`; -1 outside the image.
double sample(const cv::Mat& gray, cv::Point2d p) {
  if (!(p.x >= 0 && p.y >= 0 && p.x <= gray.cols - 1 && p.y <= gray.rows - 1)) return -1;
  // The top-left of the 2x2 neighbourhood; on the last row or column it is the one before.
  int x0 = std::min(static_cast<int>(p.x), std::max(0, gray.cols - 2));
  int y0 = std::min(static_cast<int>(p.y), std::max(0, gray.rows - 2));
  int x1 = std::min(x0 + 1, gray.cols - 1), y1 = std::min(y0 + 1, gray.rows - 1);
  double fx = p.x - x0, fy = p.y - y0;
  const auto at = [&](int y, int x) { return static_cast<double>(gray.at<std::uint8_t>(y, x)); };
  return (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) +
         (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
}

std::vector<Triple> find_triples(const std::vector<FinderPattern>& f) {
  std::vector<Triple> out;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (std::size_t j = i + 1; j < f.size(); ++j)
      for (std::size_t k = j + 1; k < f.size(); ++k) {
        std::array<const FinderPattern*, 3> p = {&f[i], &f[j], &f[k]};
        float lo = std::min({p[0]->module, p[1]->module, p[2]->module});
        float hi = std::max({p[0]->module, p[1]->module, p[2]->module});
        if (hi > 2 * lo) continue;
        // The corner finder is the one facing the longest side.
        double d01 = cv::norm(p[0]->center - p[1]->center);
        double d02 = cv::norm(p[0]->center - p[2]->center);
        double d12 = cv::norm(p[1]->center - p[2]->center);
        if (d01 >= d02 && d01 >= d12)
          std::swap(p[0], p[2]);
        else if (d02 >= d01 && d02 >= d12)
          std::swap(p[0], p[1]);
        cv::Point2d a = p[1]->center - p[0]->center, b = p[2]->center - p[0]->center;
        double la = cv::norm(a), lb = cv::norm(b);
        // Finders of one code are at least 8 modules apart (version 1: 14 between centres).
        if (la < 8 * lo || lb < 8 * lo || la > 1.6 * lb || lb > 1.6 * la) continue;
        double cos = a.dot(b) / (la * lb);
        if (std::abs(cos) > 0.6) continue;  // the corner angle within about 53 to 127 degrees
        // In image coordinates (y down) the top-right finder is clockwise of the bottom-left
        // one seen from the corner; a mirrored code is read by ZXing from the transposed grid.
        if (a.x * b.y - a.y * b.x < 0) std::swap(p[1], p[2]);
        out.push_back({p[0], p[1], p[2], std::abs(cos) + std::abs(la - lb) / (la + lb)});
      }
  std::sort(out.begin(), out.end(),
            [](const Triple& x, const Triple& y) { return x.score < y.score; });
  if (out.size() > kMaxTriples) out.resize(kMaxTriples);
  return out;
}

// The four corners of a finder's outline as seen along the code's axes, with their module
// coordinates (the finder's top-left module at `origin`), and its centre.
void add_finder_points(const FinderPattern& f, cv::Point2d origin, cv::Point2d ax, cv::Point2d ay,
                       std::vector<ControlPoint>& out) {
  const std::array<cv::Point2d, 4> dirs = {-ax - ay, ax - ay, ax + ay, -ax + ay};
  const std::array<cv::Point2d, 4> offs = {cv::Point2d(0, 0), cv::Point2d(7, 0), cv::Point2d(7, 7),
                                           cv::Point2d(0, 7)};
  for (std::size_t c = 0; c < 4; ++c) {
    double best = -1e300;
    cv::Point2d corner;
    for (const cv::Point& q : f.outline) {
      double s = dirs[c].dot(cv::Point2d(q));
      if (s > best) best = s, corner = cv::Point2d(q);
    }
    // The traced boundary runs through pixel centres: the edge is half a pixel further out.
    out.push_back({origin + offs[c], corner + 0.5 * dirs[c] / cv::norm(dirs[c])});
  }
  out.push_back({origin + cv::Point2d(3.5, 3.5), cv::Point2d(f.center)});
}

// How well the 5x5 modules centred at pixel `c`, along the module steps `du` and `dv`, look like
// an alignment pattern (dark ring, light ring, dark centre): the light mean minus the dark
// mean, or -1 when the samples do not separate into those rings.
double alignment_score(const cv::Mat& gray, cv::Point2d c, cv::Point2d du, cv::Point2d dv) {
  std::array<double, 25> s{};
  double dark = 0, light = 0;
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) {
      double v = sample(gray, c + (x - 2) * du + (y - 2) * dv);
      if (v < 0) return -1;
      s[static_cast<std::size_t>(y * 5 + x)] = v;
      bool ring1 = std::max(std::abs(x - 2), std::abs(y - 2)) == 1;
      (ring1 ? light : dark) += v;
    }
  dark /= 17, light /= 8;
  double t = (dark + light) / 2;
  int wrong = 0;
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) {
      bool ring1 = std::max(std::abs(x - 2), std::abs(y - 2)) == 1;
      if ((s[static_cast<std::size_t>(y * 5 + x)] > t) != ring1) ++wrong;
    }
  return wrong <= 2 ? light - dark : -1;
}

// Searches for the alignment pattern whose centre should be at module coordinates `m`, within
// `reach` quarter modules of where `grid` puts it; its pixel position when found.
std::optional<cv::Point2d> locate_alignment(const cv::Mat& gray, const ModuleGrid& grid,
                                            cv::Point2d m, double min_contrast, int reach) {
  cv::Point2d c = grid.to_pixel(m);
  cv::Point2d du = grid.to_pixel(m + cv::Point2d(0.5, 0)) - grid.to_pixel(m - cv::Point2d(0.5, 0));
  cv::Point2d dv = grid.to_pixel(m + cv::Point2d(0, 0.5)) - grid.to_pixel(m - cv::Point2d(0, 0.5));
  double best = min_contrast;
  std::optional<cv::Point2d> found;
  for (int j = -reach; j <= reach; ++j)
    for (int i = -reach; i <= reach; ++i) {
      cv::Point2d p = c + (i * 0.25) * du + (j * 0.25) * dv;
      double s = alignment_score(gray, p, du, dv);
      // Ties go to the nearer candidate: the search runs outward from the prediction.
      if (s > best || (s == best && found && cv::norm(p - c) < cv::norm(*found - c)))
        best = s, found = p;
    }
  return found;
}

// Where `grid` puts each module's centre, moved by `shift` modules (row-major, dim x dim).
std::vector<cv::Point2d> module_centres(const ModuleGrid& grid, int dim, cv::Point2d shift) {
  std::vector<cv::Point2d> c;
  c.reserve(static_cast<std::size_t>(dim) * static_cast<std::size_t>(dim));
  for (int y = 0; y < dim; ++y)
    for (int x = 0; x < dim; ++x)
      c.push_back(grid.to_pixel(cv::Point2d(x + 0.5, y + 0.5) + shift));
  return c;
}

// The mean brightness of each module, sampled at its centre (`centres`, module_centres' for the
// same shift) and at `spread` modules around that; empty when the code leaves the image. A
// spread of 0 samples the centre five times over, as a wider one samples five points. The
// module's axes are the differences of its neighbours' centres rather than two more points mapped
// through the grid: a bent grid's map sums over all its control points, so mapping three points a
// module tripled the cost of sampling a bent grid (qrcode-2/high-res-1.jpg: 50 ms, on about 100
// control points).
cv::Mat sample_modules(const cv::Mat& gray, int dim, const std::vector<cv::Point2d>& centres,
                       double spread) {
  auto at = [&](int x, int y) { return centres[static_cast<std::size_t>(y * dim + x)]; };
  cv::Mat v(dim, dim, CV_64F);
  for (int y = 0; y < dim; ++y)
    for (int x = 0; x < dim; ++x) {
      cv::Point2d c = at(x, y);
      cv::Point2d du, dv;
      if (spread != 0) {
        int x0 = std::max(x - 1, 0), x1 = std::min(x + 1, dim - 1);
        int y0 = std::max(y - 1, 0), y1 = std::min(y + 1, dim - 1);
        du = (at(x1, y) - at(x0, y)) * (spread / (x1 - x0));
        dv = (at(x, y1) - at(x, y0)) * (spread / (y1 - y0));
      }
      double sum = 0;
      for (cv::Point2d p : {c, c + du, c - du, c + dv, c - dv}) {
        double s = sample(gray, p);
        if (s < 0) return {};
        sum += s;
      }
      v.at<double>(y, x) = sum / 5;
    }
  return v;
}

enum class Threshold : std::uint8_t { kLocalMidrange, kLocalMean, kGlobal };

// The modules `v` thresholded: 1 for a dark module, 0 for a light one.
cv::Mat threshold_modules(const cv::Mat& v, Threshold how) {
  cv::Mat t;
  switch (how) {
    case Threshold::kLocalMidrange: {
      // The middle of the darkest and lightest modules within 3: follows shading across the
      // code, and a QR code has both colours in every 7x7 window.
      cv::Mat lo, hi;
      cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7));
      cv::erode(v, lo, k, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
      cv::dilate(v, hi, k, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
      t = (lo + hi) / 2;
      break;
    }
    case Threshold::kLocalMean:
      cv::blur(v, t, cv::Size(9, 9), cv::Point(-1, -1), cv::BORDER_REPLICATE);
      break;
    case Threshold::kGlobal: {
      cv::Mat v8;
      v.convertTo(v8, CV_8U);
      double otsu = cv::threshold(v8, v8, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
      t = cv::Mat(v.size(), CV_64F, cv::Scalar(otsu + 0.5));
      break;
    }
  }
  cv::Mat dark(v.size(), CV_8U, cv::Scalar(0));
  for (int y = 0; y < v.rows; ++y)
    for (int x = 0; x < v.cols; ++x)
      dark.at<std::uint8_t>(y, x) = v.at<double>(y, x) < t.at<double>(y, x) ? 1 : 0;
  return dark;
}

// How far the timing modules i in [from, to) of row 6 (`row`) or column 6, sampled through
// `grid` moved by `shift` modules, lie on their own side of `threshold` (dark at even
// positions), summed; nothing when a sample falls outside the image.
std::optional<double> timing_sum(const cv::Mat& gray, const ModuleGrid& grid, double threshold,
                                 bool row, int from, int to, cv::Point2d shift) {
  double sum = 0;
  for (int i = from; i < to; ++i) {
    cv::Point2d m = row ? cv::Point2d(i + 0.5, 6.5) : cv::Point2d(6.5, i + 0.5);
    double v = sample(gray, grid.to_pixel(m + shift));
    if (v < 0) return std::nullopt;
    sum += i % 2 == 0 ? threshold - v : v - threshold;
  }
  return sum;
}

// The timing patterns' mean contrast (row and column 6 between the finders) against
// `threshold`, sampled through `grid` moved by `shift` modules: highest when the samples fall on
// module centres, lower as they slide onto module edges.
double timing_contrast(const cv::Mat& gray, const ModuleGrid& grid, int dim, double threshold,
                       cv::Point2d shift) {
  auto r = timing_sum(gray, grid, threshold, true, 8, dim - 8, shift);
  auto c = timing_sum(gray, grid, threshold, false, 8, dim - 8, shift);
  if (!r || !c) return 0;
  return (*r + *c) / (2 * (dim - 16));  // dim >= 21: at least 5 modules a line
}

// The modules sampled through `grid` moved by `shift`, rendered and read (see decode).
std::optional<std::string> decode_at(const cv::Mat& gray, const ModuleGrid& grid, int dim,
                                     cv::Point2d shift) {
  const std::vector<cv::Point2d> centres = module_centres(grid, dim, shift);
  for (double spread : {0.25, 0.0}) {
    cv::Mat v = sample_modules(gray, dim, centres, spread);
    if (v.empty()) return std::nullopt;
    for (Threshold how : {Threshold::kLocalMidrange, Threshold::kLocalMean, Threshold::kGlobal}) {
      cv::Mat dark = threshold_modules(v, how);
      if (auto text = read_pure_qr(render_modules(dark))) return text;
      // ZXing 1.4 reads only Model 2; a Model 1 code has the same finders and sizes.
      if (dim <= kModel1MaxDimension)
        if (auto text = read_model1(dark)) return text;
    }
  }
  return std::nullopt;
}

// Samples the modules and lets error correction choose among the renderings: wide and
// centre-only samples, three thresholds (measured on the corpus with the warped stage alone:
// each reads 96 to 108 of 137 codes, together 111). A rendering costs a pure-code read of
// well under a millisecond; a wrong one fails Reed-Solomon, it never yields a text. When none
// reads, the grid is moved a fifth of a module the way that sharpens the timing patterns most,
// and the renderings tried once more: the centre of a blurred finder stone can be off by that
// much, and at 4 to 6 pixels per module the samples then fall on module edges
// (qrcode-4/13.webp reads only so). `threshold` is the finders' mid grey.
std::optional<Code> decode(const cv::Mat& gray, const ModuleGrid& grid, int dim, double threshold,
                           Stage stage, const InTime& in_time) {
  std::optional<std::string> text = decode_at(gray, grid, dim, {0, 0});
  if (!text && time_left(in_time)) {
    constexpr double kShift = 0.2;
    cv::Point2d best(0, 0);
    double best_contrast = timing_contrast(gray, grid, dim, threshold, best);
    for (cv::Point2d shift : {cv::Point2d(kShift, 0), cv::Point2d(-kShift, 0),
                              cv::Point2d(0, kShift), cv::Point2d(0, -kShift)}) {
      double c = timing_contrast(gray, grid, dim, threshold, shift);
      if (c > best_contrast) best_contrast = c, best = shift;
    }
    if (best != cv::Point2d(0, 0)) text = decode_at(gray, grid, dim, best);
  }
  if (!text) return std::nullopt;
  Code code;
  code.text = std::move(*text);
  const std::array<cv::Point2d, 4> corners = {cv::Point2d(0, 0), cv::Point2d(dim, 0),
                                              cv::Point2d(dim, dim), cv::Point2d(0, dim)};
  for (std::size_t i = 0; i < 4; ++i) {
    cv::Point2d p = grid.to_pixel(corners[i]);
    code.corners[i] = {static_cast<float>(p.x), static_cast<float>(p.y)};
  }
  code.stage = stage;
  return code;
}

// The share of the timing patterns' modules (row and column 6 between the finders) that
// alternate as they must, dark at even positions, against `threshold`: a cheap test that the
// finders belong to one code of `dim` modules before the costly work.
double timing_agreement(const cv::Mat& gray, const ModuleGrid& grid, int dim, double threshold) {
  int agree = 0, total = 0;
  for (int i = 8; i <= dim - 9; ++i)
    for (cv::Point2d m : {cv::Point2d(i + 0.5, 6.5), cv::Point2d(6.5, i + 0.5)}) {
      double v = sample(gray, grid.to_pixel(m));
      if (v < 0) return 0;
      agree += (v < threshold) == (i % 2 == 0);
      ++total;
    }
  return total > 0 ? static_cast<double>(agree) / total : 0;
}

// Bends `grid` through the alignment patterns at module coordinates `todo` (added to `points`
// as found), nearest the finders first, each within two modules of where the grid already bent
// by its neighbours puts it, with at least a quarter of the finders' contrast. When `wide` (the
// deep stage): then those still missing again from the grid the others bent, as long as that
// finds more; then within four and six modules with half the finders' contrast (a wider search
// meets more look-alikes in the data). A curled code's middle lies further than two modules
// from the plane of its finders (qrcode-2/high-res-1.jpg: 15 of its 33 found in one pass, all 33
// so). Whether it bent.
bool bend_through_alignments(const cv::Mat& gray, std::vector<cv::Point2d> todo,
                             double finder_contrast, bool wide, std::vector<ControlPoint>& points,
                             ModuleGrid& grid, const InTime& in_time) {
  bool bent = false;
  for (int reach : {8, 16, 24}) {  // quarter modules
    if (reach > 8 && (!wide || !time_left(in_time))) break;
    double min_contrast = finder_contrast / (reach == 8 ? 4 : 2);
    for (bool progress = true; progress && !todo.empty();) {
      progress = false;
      std::vector<cv::Point2d> missed;
      for (cv::Point2d m : todo) {
        auto p = locate_alignment(gray, grid, m, min_contrast, reach);
        if (!p) {
          missed.push_back(m);
          continue;
        }
        points.push_back({m, *p});
        ModuleGrid refit;
        if (refit.fit(points, grid.bend())) grid = std::move(refit), bent = progress = true;
      }
      todo = std::move(missed);
      if (!wide) break;
    }
  }
  return bent;
}

// Control points on the timing patterns (row and column 6 between the finders), which hold the
// strips along the top and left edges where no alignment pattern is: each run of 8 timing
// modules, one every 4, is moved by up to a module either way to where it alternates most
// strongly, and gives the pixel of its middle when it alternates at least half as strongly as
// the finders' rings do (a mean of a quarter of their contrast per module either side of
// `threshold`).
std::vector<ControlPoint> timing_points(const cv::Mat& gray, const ModuleGrid& grid, int dim,
                                        double threshold, double finder_contrast) {
  constexpr int kRun = 8;
  std::vector<ControlPoint> out;
  for (bool row : {true, false})
    for (int start = 8; start + kRun <= dim - 8; start += kRun / 2) {
      double best = kRun * finder_contrast / 4;
      std::optional<cv::Point2d> found;
      for (int j = -4; j <= 4; ++j)
        for (int i = -4; i <= 4; ++i) {
          cv::Point2d shift(i * 0.25, j * 0.25);
          auto sum = timing_sum(gray, grid, threshold, row, start, start + kRun, shift);
          if (sum && *sum > best) best = *sum, found = shift;
        }
      if (found) {
        double mid = start + kRun / 2.0;
        cv::Point2d middle = row ? cv::Point2d(mid, 6.5) : cv::Point2d(6.5, mid);
        out.push_back({middle, grid.to_pixel(middle + *found)});
      }
    }
  return out;
}

// Tries the versions the finders' spacing allows, first from the finders alone, then with the
// grid bent through every alignment pattern found. The deep stage (Stage::kWarpedDeep) goes
// further, for the codes the warped stage missed: one version more, a lower bar on the timing
// patterns, a wider and repeated search for the alignment patterns, control points along the
// timing patterns and a grid bent by local planes. It costs several times as much per frame.
//
// `in_time` is asked before each version after the first and before each costly part of one
// (the shifted sampling, the wider alignment searches, the timing points, the bent grid's
// decode): false ends the triple there, with nothing read. A curled code at 2 pixels per module
// costs the deep stage about 80 ms a version (qrcode-2/high-res-1.jpg, version 34).
std::optional<Code> read_triple(const cv::Mat& gray, const Triple& t, Stage stage,
                                const InTime& in_time) {
  const bool deep = stage == Stage::kWarpedDeep || stage == Stage::kWarpedFar;
  cv::Point2d a = t.tr->center - t.tl->center, b = t.bl->center - t.tl->center;
  double module = (t.tl->module + t.tr->module + t.bl->module) / 3.0;
  double span = (cv::norm(a) + cv::norm(b)) / 2 / module + 7;  // modules across the code
  auto nearest = static_cast<int>(std::lround((span - 17) / 4));
  cv::Point2d ax = a / cv::norm(a), ay = b / cv::norm(b);
  // Deep: two versions up too. At 2 to 3 pixels per module blur widens the finders' dark rings,
  // so the module comes out large and the version small (high-res-1: 2.25 for 2.07 pixels, 32
  // for 34).
  for (int version : {nearest, nearest - 1, nearest + 1, nearest + 2}) {
    if (version < 1 || version > 40 || (version == nearest + 2 && !deep)) continue;
    if (version != nearest && !time_left(in_time)) break;
    int dim = 17 + 4 * version;
    std::vector<ControlPoint> points;
    add_finder_points(*t.tl, {0, 0}, ax, ay, points);
    add_finder_points(*t.tr, {dim - 7.0, 0}, ax, ay, points);
    add_finder_points(*t.bl, {0, dim - 7.0}, ax, ay, points);
    ModuleGrid grid;
    if (!grid.fit(points, deep ? Bend::kLocalPlane : Bend::kInverseDistance)) continue;
    // The top-left finder's rings: dark at column 0, light at column 1 (rows 2 to 4).
    double dark = 0, light = 0;
    for (double y : {2.5, 3.5, 4.5}) {
      dark += sample(gray, grid.to_pixel({0.5, y})) / 3;
      light += sample(gray, grid.to_pixel({1.5, y})) / 3;
    }
    double finder_contrast = light - dark, threshold = (dark + light) / 2;
    if (!(finder_contrast > 0)) continue;
    // Random modules agree half the time; a code's own timing far more, even where the grid
    // drifts on a curved page (deep: high-res-1 agrees 0.58 through its finders alone).
    if (timing_agreement(gray, grid, dim, threshold) < (deep ? 0.55 : 0.6)) continue;
    if (auto code = decode(gray, grid, dim, threshold, stage, in_time)) return code;
    if (!time_left(in_time)) break;
    std::vector<int> pos = alignment_positions(version);
    if (pos.empty() && !deep) continue;
    std::vector<cv::Point2d> todo;
    for (int y : pos)
      for (int x : pos) {
        bool under_finder =
            (x == 6 && y == 6) || (x == 6 && y == pos.back()) || (y == 6 && x == pos.back());
        if (!under_finder) todo.emplace_back(x + 0.5, y + 0.5);
      }
    // Alignment patterns nearest the finders first, so that each search starts from a grid
    // already bent by its neighbours.
    std::sort(todo.begin(), todo.end(), [](cv::Point2d p, cv::Point2d q) {
      return std::min(p.x, p.y) + (p.x + p.y) / 100 < std::min(q.x, q.y) + (q.x + q.y) / 100;
    });
    bool bent = bend_through_alignments(gray, todo, finder_contrast, deep, points, grid, in_time);
    if (deep && time_left(in_time)) {
      std::vector<ControlPoint> timing = timing_points(gray, grid, dim, threshold, finder_contrast);
      if (!timing.empty()) {
        points.insert(points.end(), timing.begin(), timing.end());
        ModuleGrid refit;
        if (refit.fit(points, grid.bend())) grid = std::move(refit), bent = true;
      }
    }
    if (bent && time_left(in_time))
      if (auto code = decode(gray, grid, dim, threshold, stage, in_time)) return code;
  }
  return std::nullopt;
}

// `in_time` (ScanOptions::in_time) is asked before each triple: false ends the search there.
std::vector<Code> read_polarity(const cv::Mat& gray, Stage stage, const InTime& in_time) {
  // The far stage also looks for a far code's finders, which the quick search filters away.
  std::vector<FinderPattern> finders = find_finder_patterns(
      gray, kMaxFinders, stage == Stage::kWarpedFar ? FinderSearch::kFine : FinderSearch::kQuick);
  std::vector<Code> codes;
  for (const Triple& t : find_triples(finders)) {
    // A triple whose corner finder lies inside a code already read is part of that code.
    bool seen = false;
    for (const Code& c : codes) {
      std::vector<cv::Point2f> quad;
      for (const Point& p : c.corners)
        quad.emplace_back(p.x, p.y);
      if (cv::pointPolygonTest(quad, t.tl->center, false) >= 0) seen = true;
    }
    if (seen) continue;
    if (!time_left(in_time)) break;
    if (auto code = read_triple(gray, t, stage, in_time)) codes.push_back(std::move(*code));
  }
  return codes;
}

}  // namespace

namespace {

// Whether module (x, y) of a code of `dim` modules is dark as a finder pattern draws it;
// `inside` tells whether the module lies in a finder or its one-module light separator.
bool finder_dark(int dim, int x, int y, bool* inside) {
  for (auto [fx, fy] : {std::pair{0, 0}, std::pair{dim - 7, 0}, std::pair{0, dim - 7}}) {
    int dx = x - fx, dy = y - fy;
    if (dx < -1 || dx > 7 || dy < -1 || dy > 7) continue;
    *inside = true;
    if (dx < 0 || dx > 6 || dy < 0 || dy > 6) return false;
    int ring = std::min({dx, dy, 6 - dx, 6 - dy});
    return ring != 1;
  }
  *inside = false;
  return false;
}

}  // namespace

// The modules as a clean rendering: dark modules black, with a quiet zone. The three finder
// patterns are drawn as they must be, over what was sampled there (they carry no data):
// ZXing-C++ 1.4's pure-code detector takes the corners of the rendering for finders and, when
// they are not three finders of one size, fails an assertion, which aborts the process (Debian
// builds it with assertions). A sampled grid with a damaged finder is common (a grid shifted a
// fraction of a module over qrcode-2/qr-inv-1.webp makes one).
cv::Mat render_modules(const cv::Mat& dark) {
  // A version 1 code has 21 modules a side; anything else is not a code's module matrix.
  if (dark.empty() || dark.type() != CV_8UC1 || dark.rows != dark.cols || dark.cols < 21) return {};
  int side = (dark.cols + 2 * kQuietZone) * kRenderModule;
  cv::Mat out(side, side, CV_8U, cv::Scalar(255));
  for (int y = 0; y < dark.rows; ++y)
    for (int x = 0; x < dark.cols; ++x) {
      bool in_finder = false;
      bool finder = finder_dark(dark.cols, x, y, &in_finder);
      if (in_finder ? finder : dark.at<std::uint8_t>(y, x) != 0)
        out(cv::Rect((x + kQuietZone) * kRenderModule, (y + kQuietZone) * kRenderModule,
                     kRenderModule, kRenderModule))
            .setTo(0);
    }
  return out;
}

std::vector<Code> read_warped(const cv::Mat& gray, Stage stage,
                              const std::function<bool()>& in_time) {
  if (gray.empty() || gray.type() != CV_8UC1) return {};
  std::vector<Code> codes = read_polarity(gray, stage, in_time);
  if (codes.empty() && time_left(in_time)) codes = read_polarity(inverted(gray), stage, in_time);
  return codes;
}

}  // namespace kiosk::scan::detail
