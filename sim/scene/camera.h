// The kiosk camera looking at a carrier held over the counter: placement in perspective, then the
// optical and sensor degradations of a real capture. Everything is deterministic given the Rng.
#pragma once

#include <array>

#include <opencv2/core.hpp>

#include "sim/rng.h"
#include "sim/scene/carrier.h"

namespace kiosk::sim::scene {

/// Where and how the carrier is held.
struct Pose {
  double module_px = 3;   ///< the size of one QR module in the frame, at the code's centre
  double roll_deg = 0;    ///< rotation in the image plane
  double tilt_x_deg = 0;  ///< rotation about the horizontal axis (top away from the camera)
  double tilt_y_deg = 0;  ///< rotation about the vertical axis
  cv::Point2f centre;     ///< where the code's centre lands in the frame (frame pixels)
};

/// The captured frame and where things are in it.
struct Capture {
  cv::Mat frame;                      ///< BGR
  cv::Mat object;                     ///< 8-bit mask of the carrier
  cv::Mat screen;                     ///< 8-bit mask of the emitting screen (empty for paper)
  std::array<cv::Point2f, 4> code{};  ///< the code's corners in frame pixels (when it has one)
};

/// An empty counter seen from the kiosk: a desk surface with some clutter.
cv::Mat counter_background(cv::Size size, Rng& rng);

/// `doc` (drawn at `doc_module_px` pixels per module) held in `pose` over `background`.
Capture place(const Document& doc, int doc_module_px, const Pose& pose, const cv::Mat& background);

// Degradations, applied in place to a capture's frame.
void dim_screen(Capture& c, double factor);  ///< phone brightness turned down
void cast_shadow(Capture& c, Rng& rng);      ///< the counter's edge shades the object
void add_glare(Capture& c, Rng& rng);        ///< a ceiling light mirrored in the screen
void add_moire(Capture& c, Rng& rng);        ///< screen pixel grid beating with the sensor's
void defocus(Capture& c, double sigma);      ///< out of focus
void motion_blur(Capture& c, double length, double angle);  ///< a moving hand
/// A dark room: low signal, high gain; the light from `rng`, the noise from `noise`.
void low_light(Capture& c, Rng& rng, Rng& noise);
void sensor_noise(Capture& c, double sigma, Rng& rng);  ///< shot and read noise
void jpeg_roundtrip(Capture& c, int quality);           ///< the camera's MJPG compression

}  // namespace kiosk::sim::scene
