// Internal to the scan pipeline: undoing the blur of a moving hand or of a code held too close
// to the lens, by Wiener deconvolution with a blur estimated from the frame itself. Not a public
// header (it uses cv::Mat).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

/// Frames of more pixels than this are not deconvolved (the transform's cost grows with the
/// frame; a still photo that large is rarely blurred by modules).
inline constexpr long kMaxDeblurPixels = 1920L * 1080L;

/// A blur to undo: its point spread function and the Wiener noise-to-signal ratio.
struct BlurGuess {
  cv::Mat psf;  ///< CV_32F, sums to 1, centred
  double nsr = 0.01;
};

/// The blurs worth undoing in `gray`, most likely first: a straight motion along the direction
/// where the frame's gradients are weakest, at the lengths near where the gradients'
/// autocorrelation along that direction is lowest (each distinct kernel at two noise-to-signal
/// ratios), then the likeliest length turned 6 degrees either way; and defocus discs of radius 2, 3
/// and 4 pixels (the largest at two ratios). Empty for a frame too large.
std::vector<BlurGuess> blur_guesses(const cv::Mat& gray);

/// Wiener deconvolution of one image by any number of guesses: the image's spectrum is
/// computed once, and a kernel's for as many guesses in a row as share it (blur_guesses gives
/// most kernels at two noise-to-signal ratios, one after the other). Not for use from two threads.
class Deconvolver {
 public:
  explicit Deconvolver(const cv::Mat& gray);
  /// The image deconvolved by `guess`, 8-bit, the size of the image.
  cv::Mat apply(const BlurGuess& guess) const;

 private:
  cv::Size size_;
  cv::Mat spectrum_;  // of the image padded to a size the transform likes
  // The last kernel applied, its spectrum and its power |K|^2, at the padded size.
  mutable cv::Mat last_psf_, last_spectrum_, last_power_;
};

}  // namespace kiosk::scan::detail
