// Internal to the scan pipeline: the map from a QR code's module coordinates to image pixels,
// for codes that no single homography fits (a curved letter, a crumpled or stretched print).
// Not a public header (it uses cv::Mat).
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

/// A point known both in module coordinates (x right, y down, the code's top-left corner at 0,0,
/// one unit per module) and in image pixels.
struct ControlPoint {
  cv::Point2d module;
  cv::Point2d pixel;
};

/// How the residuals of the control points are spread between them.
enum class Bend : std::uint8_t {
  /// Their mean weighted by inverse squared distance: cheap, follows the paper's offset.
  kInverseDistance,
  /// A plane through those near the point, weighted by the inverse fourth power of distance:
  /// follows the paper's local stretch and turn too, so it extrapolates from the nearest control
  /// points the way the paper runs there (the strip between a curled code's top-row alignment
  /// patterns and its edge, qrcode-2/high-res-1.jpg).
  kLocalPlane,
};

/// A homography fitted to the control points by least squares, plus the control points'
/// residuals interpolated between them (see Bend): it passes through every control point and
/// bends between them, so a grid of located alignment patterns follows the paper's shape.
class ModuleGrid {
 public:
  /// Fits the map; false when the points are too few (fewer than 4) or degenerate.
  bool fit(std::vector<ControlPoint> points, Bend bend = Bend::kInverseDistance);

  /// The image pixel of module coordinates `m`.
  cv::Point2d to_pixel(cv::Point2d m) const;

  const std::vector<ControlPoint>& points() const { return points_; }
  Bend bend() const { return bend_; }

 private:
  cv::Matx33d h_ = cv::Matx33d::eye();
  std::vector<ControlPoint> points_;
  std::vector<cv::Point2d> residuals_;
  Bend bend_ = Bend::kInverseDistance;
};

}  // namespace kiosk::scan::detail
