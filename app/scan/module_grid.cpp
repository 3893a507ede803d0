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

bool ModuleGrid::fit(std::vector<ControlPoint> points) {
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
  residuals_.clear();
  for (const ControlPoint& p : points_)
    residuals_.push_back(p.pixel - apply(h_, p.module));
  return true;
}

cv::Point2d ModuleGrid::to_pixel(cv::Point2d m) const {
  cv::Point2d base = apply(h_, m);
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

}  // namespace kiosk::scan::detail
