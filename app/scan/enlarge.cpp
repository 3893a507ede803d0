#include "app/scan/enlarge.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "app/scan/zxing_read.h"

namespace kiosk::scan::detail {

namespace {

constexpr int kWeightBits = 11;  // OpenCV's INTER_RESIZE_COEF_BITS
constexpr float kWeightScale = 1 << kWeightBits;
constexpr int kTaps = 4;

// Keys' cubic convolution weights of the four samples around a point `x` (0 <= x < 1) past the
// second, as OpenCV's interpolateCubic (in float, as there, so that the weights round alike).
std::array<float, kTaps> cubic_weights(float x) {
  constexpr float a = -0.75f;
  std::array<float, kTaps> w{};
  w[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
  w[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
  w[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
  w[3] = 1.f - w[0] - w[1] - w[2];
  return w;
}

// Enlarging, a destination pixel's four source samples start at most two pixels before the side
// and end at most two past it (its centre maps to more than -0.5 and less than in - 0.5).
constexpr int kPad = 2;

// For each of `out` destination positions along a side of `in` source pixels: the first of its
// four source samples (from -kPad to in - 2), and their fixed-point weights.
struct Taps {
  std::vector<int> first;
  std::vector<std::int32_t> weight;
};

Taps taps(int in, int out, double scale) {
  Taps t;
  t.first.resize(static_cast<std::size_t>(out));
  t.weight.resize(static_cast<std::size_t>(out) * kTaps);
  for (int d = 0; d < out; ++d) {
    // The source position of the destination pixel's centre, as OpenCV computes it.
    auto f = static_cast<float>((d + 0.5) * scale - 0.5);
    int s = static_cast<int>(std::floor(f));
    std::array<float, kTaps> w = cubic_weights(f - static_cast<float>(s));
    t.first[static_cast<std::size_t>(d)] = std::clamp(s - 1, -kPad, in - 2);
    for (int k = 0; k < kTaps; ++k)
      // Rounded half to even, as OpenCV's saturate_cast.
      t.weight[static_cast<std::size_t>(d) * kTaps + static_cast<std::size_t>(k)] =
          static_cast<std::int32_t>(std::lrint(w[static_cast<std::size_t>(k)] * kWeightScale));
  }
  return t;
}

// One destination row from the four source rows enlarged across, weighted by `wt`, in float as
// OpenCV's vectorised columns: x86-64's baseline (SSE2) multiplies no 32-bit integers in a vector,
// and a row value (at most 255 * 1.15 * 2^11 in magnitude) times a weight needs 32 bits. A float
// keeps 24 bits, so the sum is off by far less than a grey level; only a sum that close to a half
// rounds otherwise than in integers. The rows and `dst` never overlap (restrict: the loop is
// vectorised).
void blend_rows(const std::int32_t* __restrict r0, const std::int32_t* __restrict r1,
                const std::int32_t* __restrict r2, const std::int32_t* __restrict r3,
                const std::int32_t* wt, std::uint8_t* __restrict dst, std::size_t n) {
  constexpr float kUnit = 1.0f / (kWeightScale * kWeightScale);
  const float w0 = static_cast<float>(wt[0]) * kUnit, w1 = static_cast<float>(wt[1]) * kUnit;
  const float w2 = static_cast<float>(wt[2]) * kUnit, w3 = static_cast<float>(wt[3]) * kUnit;
  for (std::size_t x = 0; x < n; ++x) {
    float v = static_cast<float>(r0[x]) * w0 + static_cast<float>(r1[x]) * w1 +
              static_cast<float>(r2[x]) * w2 + static_cast<float>(r3[x]) * w3;
    // Truncated after adding a half: a sum under zero ends at zero either way.
    int i = static_cast<int>(v + 0.5f);
    dst[x] = static_cast<std::uint8_t>(std::clamp(i, 0, 255));
  }
}

}  // namespace

std::optional<GrayImage> upscaled(const GrayView& src, double factor) {
  if (src.data == nullptr || src.width <= 0 || src.height <= 0 || src.stride < src.width ||
      !(factor > 1.0 && factor <= kMaxEnlargement))
    return std::nullopt;
  // cv::resize's size for fx = fy = factor: rounded to nearest (a half to even).
  auto width = static_cast<long>(std::nearbyint(src.width * factor));
  auto height = static_cast<long>(std::nearbyint(src.height * factor));
  if (width * height > kMaxEnlargedPixels) return std::nullopt;
  GrayImage out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.pixels.resize(static_cast<std::size_t>(width * height));

  const double scale = 1.0 / factor;
  const Taps across = taps(src.width, out.width, scale);
  const Taps down = taps(src.height, out.height, scale);
  auto w = static_cast<std::size_t>(out.width);

  // Each source row enlarged across is kept while four destination rows may need it: row r in
  // slot r % 4 (the four rows one destination row needs are consecutive, or equal at an edge).
  std::vector<std::int32_t> rows(kTaps * w);
  std::array<int, kTaps> held{-1, -1, -1, -1};
  // A source row with its edge pixels repeated kPad times on each side: the samples past the
  // side are the edge's (as OpenCV's, which clamps their indices).
  std::vector<std::uint8_t> padded(static_cast<std::size_t>(src.width) + 2 * kPad);
  auto row_across = [&](int r) -> const std::int32_t* {
    auto slot = static_cast<std::size_t>(r % kTaps);
    std::int32_t* dst = rows.data() + slot * w;
    if (held[slot] == r) return dst;
    const std::uint8_t* s = src.data + static_cast<std::size_t>(r) * src.stride;
    std::copy(s, s + src.width, padded.begin() + kPad);
    std::fill(padded.begin(), padded.begin() + kPad, s[0]);
    std::fill(padded.end() - kPad, padded.end(), s[src.width - 1]);
    const std::uint8_t* p = padded.data() + kPad;
    const int* first = across.first.data();
    const std::int32_t* wt = across.weight.data();
    for (std::size_t x = 0; x < w; ++x, wt += kTaps) {
      const std::uint8_t* q = p + first[x];
      dst[x] = q[0] * wt[0] + q[1] * wt[1] + q[2] * wt[2] + q[3] * wt[3];
    }
    held[slot] = r;
    return dst;
  };

  for (int y = 0; y < out.height; ++y) {
    // The rows past an edge are the edge row (clamped, as OpenCV's).
    const int top = down.first[static_cast<std::size_t>(y)], last = src.height - 1;
    const std::int32_t* r0 = row_across(std::clamp(top, 0, last));
    const std::int32_t* r1 = row_across(std::clamp(top + 1, 0, last));
    const std::int32_t* r2 = row_across(std::clamp(top + 2, 0, last));
    const std::int32_t* r3 = row_across(std::clamp(top + 3, 0, last));
    blend_rows(r0, r1, r2, r3, down.weight.data() + static_cast<std::size_t>(y) * kTaps,
               out.pixels.data() + static_cast<std::size_t>(y) * w, w);
  }
  return out;
}

std::vector<Code> read_upscaled(const GrayView& gray, Stage stage) {
  if (std::max(gray.width, gray.height) > kUpscaleMaxSide) return {};
  for (double factor : {1.5, 2.0}) {
    std::optional<GrayImage> big = upscaled(gray, factor);
    if (!big) continue;
    std::vector<Code> codes = read_qr_gray(big->view(), Binarizer::kLocalAverage, stage);
    if (codes.empty()) continue;
    // Corners back into `gray`, scaled as the other stages map theirs (Prepared::to_frame).
    for (Code& c : codes)
      for (Point& p : c.corners) {
        p.x = static_cast<float>(p.x / factor);
        p.y = static_cast<float>(p.y / factor);
      }
    return codes;
  }
  return {};
}

}  // namespace kiosk::scan::detail
