#include "app/scan/module_grid.h"

#include <cmath>

namespace kiosk::scan::detail {

namespace {

cv::Point2d apply(const cv::Matx33d& h, cv::Point2d p) {
  cv::Vec3d v = h * cv::Vec3d(p.x, p.y, 1.0);
  if (std::abs(v[2]) < 1e-12) return {v[0], v[1]};
  return {v[0] / v[2], v[1] / v[2]};
}

}  // namespace

bool ModuleGrid::fit(std::vector<ControlPoint> points, Bend bend) {
  if (points.size() < 4) return false;
  // Least squares for h with h33 = 1: two rows per point (the direct linear transform).
  cv::Mat a(static_cast<int>(2 * points.size()), 8, CV_64F), b(a.rows, 1, CV_64F);
  for (std::size_t i = 0; i < points.size(); ++i) {
    double u = points[i].module.x, v = points[i].module.y;
    double x = points[i].pixel.x, y = points[i].pixel.y;
    auto r = static_cast<int>(2 * i);
    double rx[8] = {u, v, 1, 0, 0, 0, -u * x, -v * x};
    double ry[8] = {0, 0, 0, u, v, 1, -u * y, -v * y};
    for (int k = 0; k < 8; ++k)
      a.at<double>(r, k) = rx[k], a.at<double>(r + 1, k) = ry[k];
    b.at<double>(r) = x;
    b.at<double>(r + 1) = y;
  }
  cv::Mat h;
  if (!cv::solve(a, b, h, cv::DECOMP_SVD)) return false;
  for (int k = 0; k < 8; ++k)
    if (!std::isfinite(h.at<double>(k))) return false;
  h_ = cv::Matx33d(h.at<double>(0), h.at<double>(1), h.at<double>(2), h.at<double>(3),
                   h.at<double>(4), h.at<double>(5), h.at<double>(6), h.at<double>(7), 1.0);
  points_ = std::move(points);
  bend_ = bend;
  residuals_.clear();
  for (const ControlPoint& p : points_)
    residuals_.push_back(p.pixel - apply(h_, p.module));
  return true;
}

cv::Point2d ModuleGrid::to_pixel(cv::Point2d m) const {
  cv::Point2d base = apply(h_, m);
  if (bend_ == Bend::kInverseDistance) {
    // Inverse squared distance, in modules; the quarter keeps a weight finite on a control point
    // and makes the map pass within a hair of it.
    double sum_w = 0;
    cv::Point2d sum;
    for (std::size_t i = 0; i < points_.size(); ++i) {
      cv::Point2d d = m - points_[i].module;
      double w = 1.0 / (d.dot(d) + 0.25);
      sum_w += w;
      sum += w * residuals_[i];
    }
    return sum_w > 0 ? base + sum / sum_w : base;
  }
  // Weighted least squares for the plane c0 + c1 dx + c2 dy through the residuals. Only c0, the
  // plane's value at `m`, is needed: the first row of the normal matrix's adjugate over its
  // determinant.
  double s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0;
  cv::Point2d b0, b1, b2;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    cv::Point2d d = points_[i].module - m;
    double q = d.dot(d) + 0.25;
    double w = 1.0 / (q * q);
    s00 += w, s01 += w * d.x, s02 += w * d.y;
    s11 += w * d.x * d.x, s12 += w * d.x * d.y, s22 += w * d.y * d.y;
    b0 += w * residuals_[i], b1 += w * d.x * residuals_[i], b2 += w * d.y * residuals_[i];
  }
  if (s00 <= 0) return base;
  double a0 = s11 * s22 - s12 * s12, a1 = s02 * s12 - s01 * s22, a2 = s01 * s12 - s02 * s11;
  double det = s00 * a0 + s01 * a1 + s02 * a2;
  // Points all in a line (or fewer than three) make no plane: their weighted mean.
  if (!(std::abs(det) > 1e-9 * s00 * (s11 + s22) * (s11 + s22))) return base + b0 / s00;
  return base + (a0 * b0 + a1 * b1 + a2 * b2) / det;
}

}  // namespace kiosk::scan::detail
