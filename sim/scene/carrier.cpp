#include "sim/scene/carrier.h"

#include <string>

#include <opencv2/imgproc.hpp>

namespace kiosk::sim::scene {

namespace {

// Module count used for layout when there is no code (a negative): a version 17 symbol.
constexpr int kDefaultModules = 85;

cv::Scalar grey(double v) {
  return {v, v, v};
}

void rounded_rect(cv::Mat& m, cv::Rect r, int radius, const cv::Scalar& colour) {
  radius = std::min({radius, r.width / 2, r.height / 2});
  cv::rectangle(m, cv::Rect(r.x + radius, r.y, r.width - 2 * radius, r.height), colour, cv::FILLED);
  cv::rectangle(m, cv::Rect(r.x, r.y + radius, r.width, r.height - 2 * radius), colour, cv::FILLED);
  for (cv::Point c :
       {cv::Point(r.x + radius, r.y + radius), cv::Point(r.x + r.width - radius - 1, r.y + radius),
        cv::Point(r.x + radius, r.y + r.height - radius - 1),
        cv::Point(r.x + r.width - radius - 1, r.y + r.height - radius - 1)})
    cv::circle(m, c, radius, colour, cv::FILLED, cv::LINE_AA);
}

std::string random_words(Rng& rng, int chars) {
  static const char* kWords[] = {"PERMIT",   "WORK",     "ENTRY", "HOLDER",   "VALID", "UNTIL",
                                 "ISSUED",   "BUREAU",   "NO.",   "CATEGORY", "A",     "B",
                                 "EMPLOYER", "SHANGHAI", "2026",  "PASSPORT", "NAME",  "DATE"};
  std::string s;
  while (static_cast<int>(s.size()) < chars) {
    if (!s.empty()) s += ' ';
    s += kWords[rng.index(std::size(kWords))];
  }
  return s;
}

void text_lines(cv::Mat& m, cv::Rect area, int line_h, const cv::Scalar& colour, Rng& rng) {
  double scale = line_h / 30.0;
  int thick = std::max(1, line_h / 14);
  for (int y = area.y + line_h; y < area.y + area.height; y += line_h * 3 / 2) {
    int chars = static_cast<int>(area.width / (line_h * 0.62) * rng.uniform(0.5, 1.0));
    cv::putText(m, random_words(rng, chars), cv::Point(area.x, y), cv::FONT_HERSHEY_SIMPLEX, scale,
                colour, thick, cv::LINE_AA);
  }
}

// Draws the symbol with a four-module quiet zone at (x, y); returns its corners.
std::array<cv::Point2f, 4> draw_symbol(cv::Mat& m, const cv::Mat& modules, int module_px, int x,
                                       int y, const cv::Scalar& dark, const cv::Scalar& light) {
  int n = modules.cols;
  int quiet = 4 * module_px;
  cv::rectangle(m, cv::Rect(x, y, n * module_px + 2 * quiet, n * module_px + 2 * quiet), light,
                cv::FILLED);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      if (modules.at<std::uint8_t>(r, c) == 0)
        cv::rectangle(
            m, cv::Rect(x + quiet + c * module_px, y + quiet + r * module_px, module_px, module_px),
            dark, cv::FILLED);
  auto x0 = static_cast<float>(x + quiet), y0 = static_cast<float>(y + quiet);
  auto s = static_cast<float>(n * module_px);
  return {cv::Point2f(x0, y0), cv::Point2f(x0 + s, y0), cv::Point2f(x0 + s, y0 + s),
          cv::Point2f(x0, y0 + s)};
}

Document phone(bool dark, const cv::Mat& modules, int module_px, const CarrierStyle& style,
               Rng& rng) {
  int n = modules.empty() ? kDefaultModules : modules.cols;
  int qr_side = (n + 8) * module_px;
  int sw = static_cast<int>(qr_side / rng.uniform(0.72, 0.86));
  int sh = static_cast<int>(sw * rng.uniform(2.0, 2.2));
  int bezel = sw / 25;
  Document d;
  cv::Size size(sw + 2 * bezel, sh + 2 * bezel);
  d.image = cv::Mat(size, CV_8UC3, grey(0));
  d.mask = cv::Mat::zeros(size, CV_8UC1);
  rounded_rect(d.mask, cv::Rect({0, 0}, size), sw / 8, cv::Scalar(255));
  rounded_rect(d.image, cv::Rect({0, 0}, size), sw / 8, grey(rng.uniform(15, 60)));
  cv::Rect screen(bezel, bezel, sw, sh);
  d.screen = cv::Mat::zeros(size, CV_8UC1);
  rounded_rect(d.screen, screen, sw / 12, cv::Scalar(255));
  cv::Scalar bg = dark ? grey(rng.uniform(10, 35)) : grey(rng.uniform(238, 252));
  cv::Scalar ink = dark ? grey(rng.uniform(200, 235)) : grey(rng.uniform(20, 60));
  rounded_rect(d.image, screen, sw / 12, bg);
  cv::Mat s = d.image(screen);
  // Status bar, app bar, the QR card, captions and a button: the UI around the code.
  int line = sw / 28;
  cv::putText(s, "9:41", {sw / 12, line * 2}, cv::FONT_HERSHEY_SIMPLEX, line / 30.0, ink, 2,
              cv::LINE_AA);
  cv::rectangle(s, cv::Rect(sw - sw / 6, line, sw / 12, line), ink, 2);
  cv::Scalar bar = dark ? cv::Scalar(70, 60, 30) : cv::Scalar(rng.uniform(150, 200), 120, 20);
  cv::rectangle(s, cv::Rect(0, line * 3, sw, line * 3), bar, cv::FILLED);
  cv::putText(s, "E-SSC  WORK PERMIT", {sw / 12, line * 5}, cv::FONT_HERSHEY_SIMPLEX, line / 28.0,
              grey(250), 2, cv::LINE_AA);
  int qx = (sw - qr_side) / 2;
  int qy = line * 8;
  if (!modules.empty()) {
    // Dark mode draws light modules on the dark ground (the app inverts the whole card).
    cv::Scalar mod_dark = dark ? grey(rng.uniform(215, 240)) : grey(rng.uniform(0, 25));
    cv::Scalar mod_light = dark ? bg : grey(255);
    d.code = draw_symbol(s, modules, module_px, qx, qy, mod_dark, mod_light);
    for (auto& p : d.code)
      p += cv::Point2f(static_cast<float>(bezel), static_cast<float>(bezel));
    d.has_code = true;
  } else {
    // Without a code the app shows its "loading" card: a framed area with a spinner.
    cv::rectangle(s, cv::Rect(qx, qy, qr_side, qr_side), ink, 2);
    cv::circle(s, {sw / 2, qy + qr_side / 2}, qr_side / 8, ink, 3, cv::LINE_AA);
  }
  text_lines(s, cv::Rect(sw / 10, qy + qr_side + line, sw * 8 / 10, line * 6), line, ink, rng);
  rounded_rect(s, cv::Rect(sw / 8, sh - line * 6, sw * 3 / 4, line * 3), line, bar);
  if (style.cracked) {
    // Cracks in the protector scatter light: thin bright polylines from an impact point.
    cv::Point hit(static_cast<int>(rng.uniform(0, sw)), static_cast<int>(rng.uniform(0, sh)));
    int cracks = 4 + static_cast<int>(rng.below(6));
    for (int i = 0; i < cracks; ++i) {
      cv::Point p = hit;
      double angle = rng.uniform(0, 2 * CV_PI);
      for (int k = 0; k < 6; ++k) {
        angle += rng.uniform(-0.4, 0.4);
        double len = rng.uniform(0.05, 0.2) * sw;
        cv::Point q(p.x + static_cast<int>(len * std::cos(angle)),
                    p.y + static_cast<int>(len * std::sin(angle)));
        cv::line(s, p, q, grey(rng.uniform(120, 255)), std::max(1, module_px / 3), cv::LINE_AA);
        p = q;
      }
    }
  }
  return d;
}

Document letter(const cv::Mat& modules, int module_px, const CarrierStyle& style, Rng& rng) {
  int n = modules.empty() ? kDefaultModules : modules.cols;
  int qr_side = (n + 8) * module_px;
  int w = static_cast<int>(qr_side / rng.uniform(0.2, 0.28));
  int h = static_cast<int>(w * 1.414);
  Document d;
  cv::Scalar paper(rng.uniform(225, 245), rng.uniform(232, 250), rng.uniform(236, 252));
  d.image = cv::Mat(h, w, CV_8UC3, paper);
  d.mask = cv::Mat(h, w, CV_8UC1, cv::Scalar(255));
  int line = w / 70;
  cv::Scalar ink = grey(rng.uniform(20, 60));
  cv::putText(d.image, "WORK PERMIT NOTIFICATION LETTER", {w / 10, w / 10},
              cv::FONT_HERSHEY_SIMPLEX, line / 20.0, ink, std::max(1, line / 8), cv::LINE_AA);
  text_lines(d.image, cv::Rect(w / 10, w / 7, w * 8 / 10, h / 2), line, ink, rng);
  int qx = w - w / 10 - qr_side;
  int qy = h - w / 10 - qr_side;
  text_lines(d.image, cv::Rect(w / 10, qy, qx - w / 5, qr_side), line, ink, rng);
  // The issuing bureau's red seal overlaps the signature line.
  cv::circle(d.image, {w / 4, qy + qr_side / 2}, w / 12, cv::Scalar(40, 40, 200),
             std::max(2, line / 4), cv::LINE_AA);
  if (!modules.empty()) {
    d.code = draw_symbol(d.image, modules, module_px, qx, qy, ink, paper);
    d.has_code = true;
  }
  if (style.folded) {
    // Folded in three, the lower crease running through the code: the panel between the creases
    // tilts away from the light, and a dark line marks each crease.
    int y1 = h / 3 + static_cast<int>(rng.uniform(-h / 40.0, h / 40.0));
    int y2 = qy + static_cast<int>(qr_side * rng.uniform(0.25, 0.75));
    cv::Mat mid = d.image(cv::Rect(0, y1, w, y2 - y1));
    mid.convertTo(mid, -1, rng.uniform(0.7, 0.9));
    for (int y : {y1, y2})
      cv::line(d.image, {0, y}, {w, y}, paper * rng.uniform(0.45, 0.7), std::max(1, module_px / 2),
               cv::LINE_AA);
  }
  return d;
}

Document card(const cv::Mat& modules, int module_px, Rng& rng) {
  int n = modules.empty() ? kDefaultModules : modules.cols;
  int qr_side = (n + 8) * module_px;
  int h = static_cast<int>(qr_side / rng.uniform(0.55, 0.7));
  int w = static_cast<int>(h * 1.586);
  Document d;
  cv::Size size(w, h);
  d.image = cv::Mat(size, CV_8UC3, cv::Scalar(0, 0, 0));
  d.mask = cv::Mat::zeros(size, CV_8UC1);
  rounded_rect(d.mask, cv::Rect({0, 0}, size), h / 16, cv::Scalar(255));
  cv::Scalar base(rng.uniform(200, 235), rng.uniform(180, 215), rng.uniform(150, 190));
  rounded_rect(d.image, cv::Rect({0, 0}, size), h / 16, base);
  // A guilloche-like pattern of fine curves, a photo and the printed fields.
  for (int i = 0; i < 12; ++i)
    cv::ellipse(d.image, {w / 2, h / 2}, {w / 3 + i * w / 60, h / 4 + i * h / 50},
                rng.uniform(0, 180), 0, 360, base * 0.85, 1, cv::LINE_AA);
  cv::rectangle(d.image, cv::Rect(w / 20, h / 5, w / 5, h / 2), grey(rng.uniform(90, 160)),
                cv::FILLED);
  int line = h / 18;
  cv::Scalar ink = grey(30);
  cv::putText(d.image, "FOREIGNER'S WORK PERMIT", {w / 20, h / 8}, cv::FONT_HERSHEY_SIMPLEX,
              line / 24.0, ink, 1, cv::LINE_AA);
  text_lines(d.image, cv::Rect(w / 20, h * 3 / 4, w / 2, h / 5), line, ink, rng);
  int qx = w - w / 25 - qr_side;
  int qy = (h - qr_side) / 2;
  if (!modules.empty()) {
    d.code = draw_symbol(d.image, modules, module_px, qx, qy, ink, grey(250));
    d.has_code = true;
  } else {
    text_lines(d.image, cv::Rect(qx, qy, qr_side, qr_side), line, ink, rng);
  }
  return d;
}

}  // namespace

Document draw_carrier(Carrier carrier, const cv::Mat& modules, int module_px,
                      const CarrierStyle& style, Rng& rng) {
  switch (carrier) {
    case Carrier::kPhoneLight:
      return phone(false, modules, module_px, style, rng);
    case Carrier::kPhoneDark:
      return phone(true, modules, module_px, style, rng);
    case Carrier::kLetter:
      return letter(modules, module_px, style, rng);
    case Carrier::kCard:
      return card(modules, module_px, rng);
  }
  return {};
}

}  // namespace kiosk::sim::scene
