#include "sim/scene/camera.h"

#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kiosk::sim::scene {

namespace {

double rad(double deg) {
  return deg * CV_PI / 180.0;
}

// A float image of the same size filled by normally distributed values (Box-Muller over Rng, so
// that the result depends on the seed only, not on OpenCV's generator).
cv::Mat gaussian_field(cv::Size size, Rng& rng) {
  cv::Mat out(size, CV_32FC1);
  for (int y = 0; y < size.height; ++y) {
    auto* row = out.ptr<float>(y);
    for (int x = 0; x < size.width; x += 2) {
      double u1 = std::max(1e-12, rng.uniform(0, 1)), u2 = rng.uniform(0, 1);
      double r = std::sqrt(-2 * std::log(u1));
      row[x] = static_cast<float>(r * std::cos(2 * CV_PI * u2));
      if (x + 1 < size.width) row[x + 1] = static_cast<float>(r * std::sin(2 * CV_PI * u2));
    }
  }
  return out;
}

// Applies `f` (on a float BGR image) to the pixels under `mask`, blending at the mask's edge.
template <class F>
void on_mask(cv::Mat& frame, const cv::Mat& mask, F f) {
  if (mask.empty()) return;
  cv::Mat img;
  frame.convertTo(img, CV_32FC3);
  cv::Mat changed = img.clone();
  f(changed);
  cv::Mat a;
  mask.convertTo(a, CV_32FC1, 1 / 255.0);
  cv::Mat a3;
  cv::merge(std::vector<cv::Mat>{a, a, a}, a3);
  cv::Mat out = changed.mul(a3) + img.mul(cv::Scalar(1, 1, 1) - a3);
  out.convertTo(frame, CV_8UC3);
}

}  // namespace

cv::Mat counter_background(cv::Size size, Rng& rng) {
  cv::Mat bg(size, CV_8UC3);
  cv::Scalar top(rng.uniform(80, 140), rng.uniform(90, 150), rng.uniform(100, 170));
  cv::Scalar bottom = top * rng.uniform(0.6, 0.9);
  for (int y = 0; y < size.height; ++y) {
    double t = static_cast<double>(y) / size.height;
    bg.row(y).setTo(top * (1 - t) + bottom * t);
  }
  // Clutter: forms, a pen, the edge of a keyboard.
  int items = 2 + static_cast<int>(rng.below(4));
  for (int i = 0; i < items; ++i) {
    cv::Point p(static_cast<int>(rng.uniform(0, size.width)),
                static_cast<int>(rng.uniform(0, size.height)));
    cv::Size s(static_cast<int>(rng.uniform(40, size.width / 3.0)),
               static_cast<int>(rng.uniform(10, size.height / 3.0)));
    cv::Scalar c(rng.uniform(30, 240), rng.uniform(30, 240), rng.uniform(30, 240));
    cv::RotatedRect r(p, s, static_cast<float>(rng.uniform(0, 180)));
    cv::Point2f v[4];
    r.points(v);
    std::vector<cv::Point> poly(v, v + 4);
    cv::fillConvexPoly(bg, poly, c, cv::LINE_AA);
  }
  cv::Mat texture = gaussian_field(size, rng) * 4;
  cv::Mat f;
  bg.convertTo(f, CV_32FC3);
  cv::Mat t3;
  cv::merge(std::vector<cv::Mat>{texture, texture, texture}, t3);
  f += t3;
  f.convertTo(bg, CV_8UC3);
  return bg;
}

Capture place(const Document& doc, int doc_module_px, const Pose& pose, const cv::Mat& background) {
  Capture c;
  cv::Size size = background.size();
  double s = pose.module_px / doc_module_px;
  cv::Point2f code_centre = doc.has_code ? (doc.code[0] + doc.code[2]) * 0.5f
                                         : cv::Point2f(static_cast<float>(doc.image.cols) / 2,
                                                       static_cast<float>(doc.image.rows) / 2);
  // The carrier is a plane in front of a pinhole camera of focal length f (pixels), rotated
  // about its code's centre.
  double f = 1.2 * size.width;
  cv::Matx33d rz(std::cos(rad(pose.roll_deg)), -std::sin(rad(pose.roll_deg)), 0,
                 std::sin(rad(pose.roll_deg)), std::cos(rad(pose.roll_deg)), 0, 0, 0, 1);
  cv::Matx33d rx(1, 0, 0, 0, std::cos(rad(pose.tilt_x_deg)), -std::sin(rad(pose.tilt_x_deg)), 0,
                 std::sin(rad(pose.tilt_x_deg)), std::cos(rad(pose.tilt_x_deg)));
  cv::Matx33d ry(std::cos(rad(pose.tilt_y_deg)), 0, std::sin(rad(pose.tilt_y_deg)), 0, 1, 0,
                 -std::sin(rad(pose.tilt_y_deg)), 0, std::cos(rad(pose.tilt_y_deg)));
  cv::Matx33d r = rz * rx * ry;
  auto project = [&](cv::Point2f p) {
    cv::Vec3d v = r * cv::Vec3d((p.x - code_centre.x) * s, (p.y - code_centre.y) * s, 0);
    double z = f + v[2];
    return cv::Point2f(static_cast<float>(f * v[0] / z + pose.centre.x),
                       static_cast<float>(f * v[1] / z + pose.centre.y));
  };
  auto w = static_cast<float>(doc.image.cols), h = static_cast<float>(doc.image.rows);
  std::vector<cv::Point2f> src = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  std::vector<cv::Point2f> dst;
  for (auto p : src)
    dst.push_back(project(p));
  cv::Mat hm = cv::getPerspectiveTransform(src, dst);
  for (std::size_t i = 0; i < 4; ++i)
    c.code[i] = project(doc.code[i]);

  // Shrinking by warping alone aliases: low-pass the carrier to the frame's resolution first.
  cv::Mat img = doc.image, mask = doc.mask, screen = doc.screen;
  if (s < 0.8) {
    double sigma = 0.45 / s;
    cv::GaussianBlur(doc.image, img, cv::Size(0, 0), sigma);
    cv::GaussianBlur(doc.mask, mask, cv::Size(0, 0), sigma);
    if (!doc.screen.empty()) cv::GaussianBlur(doc.screen, screen, cv::Size(0, 0), sigma);
  }
  cv::Mat warped;
  cv::warpPerspective(img, warped, hm, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  cv::warpPerspective(mask, c.object, hm, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  if (!screen.empty())
    cv::warpPerspective(screen, c.screen, hm, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  c.frame = background.clone();
  cv::Mat fw = warped;
  on_mask(c.frame, c.object, [&](cv::Mat& x) { fw.convertTo(x, CV_32FC3); });
  return c;
}

void dim_screen(Capture& c, double factor) {
  on_mask(c.frame, c.screen, [&](cv::Mat& x) { x *= factor; });
}

void cast_shadow(Capture& c, Rng& rng) {
  // A soft-edged half-plane shadow across the object.
  cv::Size size = c.frame.size();
  double angle = rng.uniform(0, 2 * CV_PI);
  double nx = std::cos(angle), ny = std::sin(angle);
  double offset = rng.uniform(-0.2, 0.2) * size.width;
  double softness = rng.uniform(0.02, 0.12) * size.width;
  double depth = rng.uniform(0.35, 0.65);
  cv::Mat shade(size, CV_32FC1);
  for (int y = 0; y < size.height; ++y) {
    auto* row = shade.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) {
      double d = (x - size.width / 2.0) * nx + (y - size.height / 2.0) * ny - offset;
      double t = 1 / (1 + std::exp(-d / softness));
      row[x] = static_cast<float>(1 - depth * t);
    }
  }
  cv::Mat s3;
  cv::merge(std::vector<cv::Mat>{shade, shade, shade}, s3);
  on_mask(c.frame, c.object, [&](cv::Mat& x) { x = x.mul(s3); });
}

void add_glare(Capture& c, Rng& rng) {
  if (c.screen.empty()) return;
  cv::Rect box = cv::boundingRect(c.screen);
  if (box.empty()) return;
  cv::Size size = c.frame.size();
  cv::Mat g = cv::Mat::zeros(size, CV_32FC1);
  cv::Point centre(box.x + static_cast<int>(rng.uniform(0.1, 0.9) * box.width),
                   box.y + static_cast<int>(rng.uniform(0.1, 0.9) * box.height));
  cv::Size axes(static_cast<int>(rng.uniform(0.1, 0.35) * box.width),
                static_cast<int>(rng.uniform(0.05, 0.2) * box.height));
  cv::ellipse(g, centre, axes, rng.uniform(0, 180), 0, 360, cv::Scalar(rng.uniform(120, 260)),
              cv::FILLED, cv::LINE_AA);
  cv::GaussianBlur(g, g, cv::Size(0, 0), std::max(2.0, axes.height * 0.5));
  cv::Mat g3;
  cv::merge(std::vector<cv::Mat>{g, g, g}, g3);
  on_mask(c.frame, c.screen, [&](cv::Mat& x) { x += g3; });
}

void add_moire(Capture& c, Rng& rng) {
  // Two sinusoidal beats of the screen's pixel grid against the sensor's.
  cv::Size size = c.frame.size();
  cv::Mat m(size, CV_32FC1);
  double a1 = rng.uniform(0, CV_PI), a2 = a1 + rng.uniform(0.2, 1.2);
  double p1 = rng.uniform(3, 14), p2 = rng.uniform(5, 25);
  double depth = rng.uniform(0.15, 0.35);
  for (int y = 0; y < size.height; ++y) {
    auto* row = m.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) {
      double v = std::sin(2 * CV_PI * (x * std::cos(a1) + y * std::sin(a1)) / p1) +
                 std::sin(2 * CV_PI * (x * std::cos(a2) + y * std::sin(a2)) / p2);
      row[x] = static_cast<float>(1 + depth * 0.5 * v);
    }
  }
  cv::Mat m3;
  cv::merge(std::vector<cv::Mat>{m, m, m}, m3);
  on_mask(c.frame, c.screen, [&](cv::Mat& x) { x = x.mul(m3); });
}

void defocus(Capture& c, double sigma) {
  // A disc (the aperture's image) rather than a Gaussian: defocus rings edges.
  int r = std::max(1, static_cast<int>(std::lround(sigma * 1.6)));
  cv::Mat k = cv::Mat::zeros(2 * r + 1, 2 * r + 1, CV_32FC1);
  cv::circle(k, {r, r}, r, cv::Scalar(1), cv::FILLED, cv::LINE_AA);
  k /= cv::sum(k)[0];
  cv::filter2D(c.frame, c.frame, -1, k, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
}

void motion_blur(Capture& c, double length, double angle) {
  int n = std::max(3, static_cast<int>(std::lround(length)) | 1);
  cv::Mat k = cv::Mat::zeros(n, n, CV_32FC1);
  cv::Point2d mid(n / 2.0, n / 2.0), d(std::cos(angle) * n / 2.0, std::sin(angle) * n / 2.0);
  cv::line(k, mid - d, mid + d, cv::Scalar(1), 1, cv::LINE_AA);
  k /= cv::sum(k)[0];
  cv::filter2D(c.frame, c.frame, -1, k, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
}

void low_light(Capture& c, Rng& rng, Rng& noise) {
  // A dim room: a fifth of the light, then the sensor's gain brings it half way back up, raising
  // the noise with it.
  double light = rng.uniform(0.1, 0.25);
  double gain = rng.uniform(1.5, 2.5);
  cv::Mat f;
  c.frame.convertTo(f, CV_32FC3, light);
  cv::Mat n = gaussian_field(c.frame.size(), noise) * rng.uniform(1.5, 3.0);
  cv::Mat n3;
  cv::merge(std::vector<cv::Mat>{n, n, n}, n3);
  f = (f + n3) * gain;
  f.convertTo(c.frame, CV_8UC3);
}

void sensor_noise(Capture& c, double sigma, Rng& rng) {
  cv::Mat f;
  c.frame.convertTo(f, CV_32FC3);
  // Shot noise grows with the square root of the signal; read noise is flat. Per channel.
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  for (auto& x : ch) {
    cv::Mat root;
    cv::sqrt(cv::max(x, 0), root);
    cv::Mat n = gaussian_field(c.frame.size(), rng);
    x += n.mul(root * (sigma / 16.0) + sigma * 0.5);
  }
  cv::merge(ch, f);
  f.convertTo(c.frame, CV_8UC3);
}

void jpeg_roundtrip(Capture& c, int quality) {
  std::vector<std::uint8_t> buf;
  cv::imencode(".jpg", c.frame, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  c.frame = cv::imdecode(buf, cv::IMREAD_COLOR);
}

}  // namespace kiosk::sim::scene
