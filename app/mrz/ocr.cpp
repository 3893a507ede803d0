#include "app/mrz/ocr.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "app/mrz/mrz.h"

namespace kiosk::mrz {
namespace {

constexpr int kClasses = 37;
constexpr int kCell = kGlyphWidth * kGlyphHeight;

constexpr std::uint8_t kGlyphs[kClasses][kCell] = {
#include "app/mrz/ocrb_glyphs.inc"
};

// Zero-mean, unit-norm templates: a correlation is then a dot product.
struct Templates {
  std::array<std::array<float, kCell>, kClasses> t{};
  Templates() {
    for (int k = 0; k < kClasses; ++k)
      normalise(kGlyphs[k], t[static_cast<std::size_t>(k)].data());
  }
  static bool normalise(const std::uint8_t* in, float* out) {
    double mean = 0;
    for (int i = 0; i < kCell; ++i)
      mean += in[i];
    mean /= kCell;
    double norm = 0;
    for (int i = 0; i < kCell; ++i) {
      out[i] = static_cast<float>(in[i] - mean);
      norm += static_cast<double>(out[i]) * out[i];
    }
    if (norm < 1e-6) return false;
    auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (int i = 0; i < kCell; ++i)
      out[i] *= inv;
    return true;
  }
};

const Templates& templates() {
  static const Templates t;
  return t;
}

// What TD3 allows at each position: digits, letters and '<', or any.
enum Allowed : std::uint8_t { kAny, kDigit, kAlphaFiller, kDigitOrFiller, kSex, kP };

Allowed allowed(int line, int pos) {
  if (line == 0) return pos == 0 ? kP : kAlphaFiller;
  if (pos == 9 || (pos >= 13 && pos <= 19) || (pos >= 21 && pos <= 27) || pos == 43) return kDigit;
  if (pos >= 10 && pos <= 12) return kAlphaFiller;
  if (pos == 20) return kSex;
  if (pos == 42) return kDigitOrFiller;
  return kAny;
}

bool permits(Allowed a, char c) {
  bool digit = c >= '0' && c <= '9';
  switch (a) {
    case kAny:
      return true;
    case kDigit:
      return digit;
    case kAlphaFiller:
      return !digit;
    case kDigitOrFiller:
      return digit || c == '<';
    case kSex:
      return c == 'M' || c == 'F' || c == '<';
    case kP:
      return c == 'P';
  }
  return true;
}

struct Cell {
  std::array<float, kClasses> score{};
};

struct Choice {
  char c = '<';
  float score = -2;
};

// The best and runner-up characters a position allows.
std::pair<Choice, Choice> best_two(const Cell& cell, Allowed a) {
  Choice best, second;
  for (int k = 0; k < kClasses; ++k) {
    char c = kOcrAlphabet[static_cast<std::size_t>(k)];
    if (!permits(a, c)) continue;
    float s = cell.score[static_cast<std::size_t>(k)];
    if (s > best.score) {
      second = best;
      best = {c, s};
    } else if (s > second.score) {
      second = {c, s};
    }
  }
  return {best, second};
}

double angle_of(const cv::RotatedRect& r, float* length, float* thickness) {
  cv::Point2f p[4];
  r.points(p);
  double best = 0, ang = 0, other = 0;
  for (int i = 0; i < 2; ++i) {
    cv::Point2f d = p[i + 1] - p[i];
    double len = std::hypot(d.x, d.y);
    if (len > best) {
      other = best;
      best = len;
      ang = std::atan2(d.y, d.x) * 180.0 / CV_PI;
    } else {
      other = len;
    }
  }
  while (ang > 90)
    ang -= 180;
  while (ang <= -90)
    ang += 180;
  *length = static_cast<float>(best);
  *thickness = static_cast<float>(other);
  return ang;
}

struct Line {
  cv::RotatedRect rect;
  double angle = 0;
  float length = 0, thickness = 0;
  int components = 0;
};

// The text lines long enough to be an MRZ line: characters merged by a horizontal closing.
std::vector<Line> find_lines(const cv::Mat& ink, int char_h,
                             const std::vector<cv::Point2f>& centres) {
  cv::Mat merged;
  cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT,
                                        cv::Size(std::max(3, char_h), std::max(1, char_h / 4)));
  cv::morphologyEx(ink, merged, cv::MORPH_CLOSE, k);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(merged, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Line> lines;
  for (const auto& c : contours) {
    if (c.size() < 4) continue;
    Line l;
    l.rect = cv::minAreaRect(c);
    l.angle = angle_of(l.rect, &l.length, &l.thickness);
    if (l.length < 20.0f * l.thickness || std::abs(l.angle) > 30 || l.thickness < 4) continue;
    std::vector<cv::Point> hull;
    cv::convexHull(c, hull);
    for (const auto& p : centres)
      if (cv::pointPolygonTest(hull, p, false) >= 0) ++l.components;
    if (l.components < 30 || l.components > 70) continue;
    lines.push_back(l);
  }
  return lines;
}

struct Strip {
  cv::Mat grey;  ///< the line levelled, paper light
  int top = 0, bottom = 0;
  std::vector<double> centres;  ///< ink centres of the characters, left to right
};

std::optional<Strip> straighten(const cv::Mat& grey, const Line& l) {
  cv::Mat m = cv::getRotationMatrix2D(l.rect.center, l.angle, 1.0);
  // Pad sideways by a character, up and down by half a line: never as far as the other line.
  int pad = static_cast<int>(l.thickness);
  int w = static_cast<int>(l.length) + 2 * pad, h = static_cast<int>(l.thickness) * 2;
  // Rotate and crop in one step: move the line's centre to the strip's centre.
  m.at<double>(0, 2) += w / 2.0 - l.rect.center.x;
  m.at<double>(1, 2) += h / 2.0 - l.rect.center.y;
  Strip s;
  cv::warpAffine(grey, s.grey, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat ink;
  cv::threshold(s.grey, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, cents;
  int n = cv::connectedComponentsWithStats(ink, labels, stats, cents, 8, CV_32S);
  struct Box {
    int x0, x1, y0, y1;
  };
  std::vector<Box> boxes;
  int max_h = 0;
  for (int i = 1; i < n; ++i) {
    int bh = stats.at<int>(i, cv::CC_STAT_HEIGHT), bw = stats.at<int>(i, cv::CC_STAT_WIDTH);
    int area = stats.at<int>(i, cv::CC_STAT_AREA);
    double cy = stats.at<int>(i, cv::CC_STAT_TOP) + bh / 2.0;
    if (bh > h * 0.9 || static_cast<float>(bw) > l.thickness * 2 || area < 3 ||
        std::abs(cy - h / 2.0) > l.thickness / 2)
      continue;
    boxes.push_back({stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_LEFT) + bw,
                     stats.at<int>(i, cv::CC_STAT_TOP), stats.at<int>(i, cv::CC_STAT_TOP) + bh});
    max_h = std::max(max_h, bh);
  }
  if (boxes.size() < 30) return std::nullopt;
  // Drop specks; merge pieces of one broken glyph (x ranges overlapping).
  std::vector<Box> glyphs;
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) { return a.x0 < b.x0; });
  for (const Box& b : boxes) {
    if (b.y1 - b.y0 < max_h / 4 && b.x1 - b.x0 < max_h / 4) continue;
    if (!glyphs.empty() && b.x0 < glyphs.back().x1 - (b.x1 - b.x0) / 2) {
      Box& g = glyphs.back();
      g = {std::min(g.x0, b.x0), std::max(g.x1, b.x1), std::min(g.y0, b.y0), std::max(g.y1, b.y1)};
    } else {
      glyphs.push_back(b);
    }
  }
  if (glyphs.size() < 30 || glyphs.size() > 70) return std::nullopt;
  std::vector<int> tops, bottoms;
  for (const Box& g : glyphs) {
    if (g.y1 - g.y0 >= max_h * 0.7) {
      tops.push_back(g.y0);
      bottoms.push_back(g.y1);
    }
    s.centres.push_back((g.x0 + g.x1) / 2.0);
  }
  if (tops.empty()) return std::nullopt;
  std::nth_element(tops.begin(), tops.begin() + static_cast<long>(tops.size() / 2), tops.end());
  std::nth_element(bottoms.begin(), bottoms.begin() + static_cast<long>(bottoms.size() / 2),
                   bottoms.end());
  s.top = tops[tops.size() / 2];
  s.bottom = bottoms[bottoms.size() / 2];
  if (s.bottom - s.top < 6) return std::nullopt;
  return s;
}

// Scores of one cell against every template, the best over small shifts of the cut.
Cell classify(const Strip& s, double centre, double pitch) {
  Cell out;
  out.score.fill(-2);
  const Templates& t = templates();
  double ch = s.bottom - s.top;
  // The template cell is the advance wide and the cap height tall.
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -2; dx <= 2; ++dx) {
      double x0 = centre - pitch / 2 + dx * pitch / kGlyphWidth;
      double y0 = s.top + dy * ch / kGlyphHeight;
      cv::Point2f src[3] = {{static_cast<float>(x0), static_cast<float>(y0)},
                            {static_cast<float>(x0 + pitch), static_cast<float>(y0)},
                            {static_cast<float>(x0), static_cast<float>(y0 + ch)}};
      cv::Point2f dst[3] = {{0, 0}, {kGlyphWidth, 0}, {0, kGlyphHeight}};
      cv::Mat cell;
      cv::warpAffine(s.grey, cell, cv::getAffineTransform(src, dst),
                     cv::Size(kGlyphWidth, kGlyphHeight), cv::INTER_AREA, cv::BORDER_REPLICATE);
      std::array<float, kCell> v{};
      if (!Templates::normalise(cell.ptr<std::uint8_t>(0), v.data())) continue;
      for (int k = 0; k < kClasses; ++k) {
        const auto& tk = t.t[static_cast<std::size_t>(k)];
        float dot = 0;
        for (int i = 0; i < kCell; ++i)
          dot += tk[static_cast<std::size_t>(i)] * v[static_cast<std::size_t>(i)];
        out.score[static_cast<std::size_t>(k)] =
            std::max(out.score[static_cast<std::size_t>(k)], dot);
      }
    }
  }
  return out;
}

std::optional<std::vector<Cell>> read_line(const cv::Mat& grey, const Line& l) {
  auto s = straighten(grey, l);
  if (!s) return std::nullopt;
  double first = s->centres.front(), last = s->centres.back();
  double pitch = (last - first) / (kTd3Line - 1);
  if (pitch < 3) return std::nullopt;
  std::vector<Cell> cells;
  for (std::size_t i = 0; i < kTd3Line; ++i)
    cells.push_back(classify(*s, first + static_cast<double>(i) * pitch, pitch));
  return cells;
}

// Repairs a field whose check digit fails with the one runner-up that makes it hold at the
// least loss of score; positions [from, to) and the check digit at `check`.
int repair(std::string& line, const std::vector<std::pair<Choice, Choice>>& ranked, int from,
           int to, int check, bool filler_check) {
  auto holds = [&] {
    std::string_view field(line.data() + from, static_cast<std::size_t>(to - from));
    if (filler_check && line[static_cast<std::size_t>(check)] == '<')
      return std::all_of(field.begin(), field.end(), [](char c) { return c == '<'; });
    return check_digit(field) == line[static_cast<std::size_t>(check)];
  };
  if (holds()) return 0;
  int best_pos = -1;
  float best_loss = 1e9f;
  char best_char = 0;
  for (int p = from; p <= check; ++p) {
    if (p == to && p != check) continue;
    if (p >= to && p != check) continue;
    const auto& [first, second] = ranked[static_cast<std::size_t>(p)];
    if (second.score < -1) continue;
    char keep = line[static_cast<std::size_t>(p)];
    line[static_cast<std::size_t>(p)] = second.c;
    float loss = first.score - second.score;
    if (holds() && loss < best_loss) {
      best_loss = loss;
      best_pos = p;
      best_char = second.c;
    }
    line[static_cast<std::size_t>(p)] = keep;
  }
  // Only a close call is repaired: a clear read that fails its check is a misread to read again.
  if (best_pos < 0 || best_loss > 0.3f) return 0;
  line[static_cast<std::size_t>(best_pos)] = best_char;
  return 1;
}

}  // namespace

std::optional<OcrRead> read_mrz(const scan::ImageView& image) {
  if (!image.data || image.width < 50 || image.height < 20 || image.width > 20000 ||
      image.height > 20000)
    return std::nullopt;
  int type = image.format == scan::PixelFormat::kGray8 ? CV_8UC1 : CV_8UC3;
  std::size_t stride = image.stride > 0 ? static_cast<std::size_t>(image.stride)
                                        : static_cast<std::size_t>(cv::Mat::AUTO_STEP);
  cv::Mat src(image.height, image.width, type, const_cast<std::uint8_t*>(image.data), stride);
  cv::Mat grey;
  if (type == CV_8UC3) {
    cv::cvtColor(src, grey, cv::COLOR_BGR2GRAY);
  } else {
    grey = src.clone();
  }
  double scale = 2400.0 / std::max(grey.cols, grey.rows);
  if (scale < 1) cv::resize(grey, grey, cv::Size(), scale, scale, cv::INTER_AREA);

  // Ink against uneven light: a local mean threshold.
  int block = std::max(15, (std::min(grey.cols, grey.rows) / 16) | 1);
  cv::Mat ink, smooth;
  cv::GaussianBlur(grey, smooth, cv::Size(0, 0), 1.2);
  cv::adaptiveThreshold(smooth, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block,
                        12);
  cv::Mat labels, stats, cents;
  int n = cv::connectedComponentsWithStats(ink, labels, stats, cents, 8, CV_32S);
  std::vector<int> heights;
  std::vector<cv::Point2f> centres;
  for (int i = 1; i < n; ++i) {
    int h = stats.at<int>(i, cv::CC_STAT_HEIGHT), w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    if (h < 6 || h > grey.rows / 8 || w > 2 * h) continue;
    centres.emplace_back(static_cast<float>(cents.at<double>(i, 0)),
                         static_cast<float>(cents.at<double>(i, 1)));
    if (w * 3 > h) heights.push_back(h);
  }
  if (heights.size() < 60) return std::nullopt;
  std::sort(heights.begin(), heights.end());
  // The MRZ's 88 glyphs are most of a page's same-sized characters: try the common heights.
  std::optional<OcrRead> best;
  for (double q : {0.5, 0.75, 0.3}) {
    int char_h = heights[static_cast<std::size_t>(q * static_cast<double>(heights.size() - 1))];
    auto lines = find_lines(ink, char_h, centres);
    // The lowest pair of parallel lines of one length, one above the other.
    std::sort(lines.begin(), lines.end(),
              [](const Line& a, const Line& b) { return a.rect.center.y > b.rect.center.y; });
    for (std::size_t i = 0; i + 1 < lines.size() && !best; ++i) {
      const Line& lo = lines[i];
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        const Line& hi = lines[j];
        double dy = lo.rect.center.y - hi.rect.center.y;
        if (std::abs(lo.length - hi.length) > 0.12 * lo.length ||
            std::abs(lo.angle - hi.angle) > 4 || dy > 4 * lo.thickness || dy < 1.1 * lo.thickness)
          continue;
        auto top = read_line(grey, hi);
        auto bottom = read_line(grey, lo);
        if (!top || !bottom) continue;
        OcrRead r;
        std::array<std::string, 2> text;
        std::array<std::vector<std::pair<Choice, Choice>>, 2> ranked;
        double margin = 2;
        for (int li = 0; li < 2; ++li) {
          const auto& cells = li == 0 ? *top : *bottom;
          for (int p = 0; p < static_cast<int>(kTd3Line); ++p) {
            auto two = best_two(cells[static_cast<std::size_t>(p)], allowed(li, p));
            text[static_cast<std::size_t>(li)] += two.first.c;
            margin = std::min(margin, static_cast<double>(two.first.score - two.second.score));
            ranked[static_cast<std::size_t>(li)].push_back(two);
          }
        }
        std::string& l2 = text[1];
        r.repaired += repair(l2, ranked[1], 0, 9, 9, false);
        r.repaired += repair(l2, ranked[1], 13, 19, 19, false);
        r.repaired += repair(l2, ranked[1], 21, 27, 27, false);
        r.repaired += repair(l2, ranked[1], 28, 42, 42, true);
        r.text = text[0] + "\n" + text[1];
        r.margin = margin;
        best = r;
        break;
      }
    }
    if (best) break;
  }
  return best;
}

}  // namespace kiosk::mrz
