// Internal to the scan pipeline: the map from a QR code's module coordinates to image pixels,
// for codes that no single homography fits (a curved letter, a crumpled or stretched print).
// Not a public header (it uses cv::Mat).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

/// A point known both in module coordinates (x right, y down, the code's top-left corner at 0,0,
/// one unit per module) and in image pixels.
struct ControlPoint {
  cv::Point2d module;
  cv::Point2d pixel;
};

/// A homography fitted to the control points by least squares, plus the control points'
/// residuals interpolated by inverse squared distance: it passes through every control point and
/// bends between them, so a grid of located alignment patterns follows the paper's shape.
class ModuleGrid {
 public:
  /// Fits the map; false when the points are too few (fewer than 4) or degenerate.
  bool fit(std::vector<ControlPoint> points);

  /// The image pixel of module coordinates `m`.
  cv::Point2d to_pixel(cv::Point2d m) const;

  const std::vector<ControlPoint>& points() const { return points_; }

 private:
  cv::Matx33d h_ = cv::Matx33d::eye();
  std::vector<ControlPoint> points_;
  std::vector<cv::Point2d> residuals_;
};

}  // namespace kiosk::scan::detail
