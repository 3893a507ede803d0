#include "app/scan/deblur.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace kiosk::scan::detail {

namespace {

// Motion blurs are looked for up to this length in pixels (a hand moving during a 1/30 s
// exposure, a few modules at most); shorter than kMinMotion is left to the sharpen stage.
constexpr int kMinMotion = 3;
constexpr int kMaxMotion = 24;
// Below this anisotropy of the gradients the blur is taken for defocus, not motion.
constexpr double kMinAnisotropy = 0.08;
// How far the motion's direction is turned either way when the estimate does not read: 6 degrees.
constexpr double kTurn = CV_PI / 30;

cv::Mat motion_psf(double length, double angle) {
  int n = std::max(3, static_cast<int>(std::lround(length)) | 1);
  cv::Mat k = cv::Mat::zeros(n, n, CV_32F);
  cv::Point2d mid(n / 2.0, n / 2.0), d(std::cos(angle) * n / 2.0, std::sin(angle) * n / 2.0);
  cv::line(k, mid - d, mid + d, cv::Scalar(1), 1, cv::LINE_AA);
  k /= cv::sum(k)[0];
  return k;
}

cv::Mat disc_psf(int radius) {
  cv::Mat k = cv::Mat::zeros(2 * radius + 1, 2 * radius + 1, CV_32F);
  cv::circle(k, {radius, radius}, radius, cv::Scalar(1), cv::FILLED, cv::LINE_AA);
  k /= cv::sum(k)[0];
  return k;
}

}  // namespace

std::vector<BlurGuess> blur_guesses(const cv::Mat& gray) {
  if (static_cast<long>(gray.cols) * gray.rows > kMaxDeblurPixels) return {};
  if (gray.cols < 4 * kMaxMotion || gray.rows < 4 * kMaxMotion) return {};
  cv::Mat f, gx, gy;
  gray.convertTo(f, CV_32F);
  cv::Sobel(f, gx, CV_32F, 1, 0);
  cv::Sobel(f, gy, CV_32F, 0, 1);
  // The structure tensor of the whole frame: motion weakens the gradients along its direction.
  double a = gx.dot(gx), b = gx.dot(gy), c = gy.dot(gy);
  std::vector<BlurGuess> out;
  double trace = a + c;
  if (!(trace > 0)) return out;
  double anisotropy = std::sqrt((a - c) * (a - c) + 4 * b * b) / trace;
  if (anisotropy >= kMinAnisotropy) {
    double strongest = 0.5 * std::atan2(2 * b, a - c);
    double angle = strongest + CV_PI / 2;  // the weakest direction: the motion
    // The derivative along the motion of a blurred edge is a box as long as the motion: its
    // autocorrelation is lowest near a lag of that length.
    cv::Mat d = gx * std::cos(angle) + gy * std::sin(angle);
    double best = 0;
    int lag = 0;
    for (int l = kMinMotion; l <= kMaxMotion; ++l) {
      cv::Mat shift =
          (cv::Mat_<double>(2, 3) << 1, 0, l * std::cos(angle), 0, 1, l * std::sin(angle));
      cv::Mat s;
      cv::warpAffine(d, s, shift, d.size());
      double v = d.dot(s);
      if (v < best) best = v, lag = l;
    }
    // Measured on rendered scenes: the minimum falls a pixel beyond the motion's length. The
    // kernel's side is odd, so two lengths can make one kernel: each is tried once. A long blur
    // of a quiet frame needs the smaller noise-to-signal ratio (it restores more of the
    // frequencies the blur nearly cancelled); a noisy one the larger.
    if (lag > 0) {
      std::vector<int> sides;
      for (int l : {lag - 1, lag, lag - 2}) {
        if (l < kMinMotion) continue;
        cv::Mat psf = motion_psf(l, angle);
        if (std::find(sides.begin(), sides.end(), psf.cols) != sides.end()) continue;
        sides.push_back(psf.cols);
        out.push_back({psf, 0.01});
        out.push_back({psf, 0.003});
      }
      // The tensor's direction is pulled a few degrees by the code's own edges: the likeliest
      // length again, turned either way.
      if (lag - 1 >= kMinMotion)
        for (double turn : {-kTurn, kTurn})
          out.push_back({motion_psf(lag - 1, angle + turn), 0.01});
    }
  }
  // Defocus: the lens's aperture as a disc. A disc larger than the blur rings every edge, one
  // smaller leaves it soft, so three radii are tried. The smaller discs cancel fewer
  // frequencies and are tried at the larger noise-to-signal ratio only: the smaller one added no
  // read on seven seeds of decode_rate's rendered scenes (one of 32 defocus scenes rendered apart)
  // for a fifth more time a scene; a disc of 5 added none on six seeds.
  out.push_back({disc_psf(2), 0.03});
  out.push_back({disc_psf(3), 0.03});
  out.push_back({disc_psf(4), 0.003});
  out.push_back({disc_psf(4), 0.03});
  return out;
}

Deconvolver::Deconvolver(const cv::Mat& gray) : size_(gray.size()) {
  cv::Mat f;
  gray.convertTo(f, CV_32F);
  int w = cv::getOptimalDFTSize(f.cols), h = cv::getOptimalDFTSize(f.rows);
  cv::copyMakeBorder(f, f, 0, h - f.rows, 0, w - f.cols, cv::BORDER_REPLICATE);
  cv::dft(f, spectrum_, cv::DFT_COMPLEX_OUTPUT);
}

cv::Mat Deconvolver::apply(const BlurGuess& guess) const {
  const cv::Mat& p = guess.psf;
  bool same = !last_psf_.empty() && last_psf_.size() == p.size() && last_psf_.type() == p.type() &&
              cv::norm(last_psf_, p, cv::NORM_INF) == 0;
  if (!same) {
    int w = spectrum_.cols, h = spectrum_.rows;
    // The kernel, its centre moved to the origin (wrapped around), at the padded size.
    cv::Mat k = cv::Mat::zeros(h, w, CV_32F);
    for (int y = 0; y < p.rows; ++y)
      for (int x = 0; x < p.cols; ++x)
        k.at<float>((y - p.rows / 2 + h) % h, (x - p.cols / 2 + w) % w) = p.at<float>(y, x);
    cv::Mat ks;
    cv::dft(k, ks, cv::DFT_COMPLEX_OUTPUT);
    std::vector<cv::Mat> kc;
    cv::split(ks, kc);
    cv::Mat power = kc[0].mul(kc[0]) + kc[1].mul(kc[1]);
    // Kept only once all three are made: a throw above leaves the last kernel's set whole.
    last_spectrum_ = ks;
    last_power_ = power;
    last_psf_ = p.clone();
  }
  // Wiener: F * conj(K) / (|K|^2 + nsr).
  cv::Mat num;
  cv::mulSpectrums(spectrum_, last_spectrum_, num, 0, true);
  cv::Mat den = last_power_ + guess.nsr;
  std::vector<cv::Mat> nc;
  cv::split(num, nc);
  nc[0] /= den;
  nc[1] /= den;
  cv::merge(nc, num);
  cv::Mat out, out8;
  cv::idft(num, out, cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  out(cv::Rect(cv::Point(0, 0), size_)).convertTo(out8, CV_8U);
  return out8;
}

}  // namespace kiosk::scan::detail
