#include "app/scan/scanner.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "app/scan/code_regions.h"
#include "app/scan/deblur.h"
#include "app/scan/enlarge.h"
#include "app/scan/prepare.h"
#include "app/scan/read_qr.h"
#include "app/scan/warped_reader.h"

namespace kiosk::scan {

namespace {

using detail::Binarizer;
using detail::Prepared;
using detail::read_qr;

// Above this, ZXing's own downscaling already covers halving.
constexpr int kDownscaleMaxSide = 1000;
// Up to this, the warped stage reads the image once more at twice its size when it found
// nothing: a code of one or two pixels per module has finders too small for the finder search
// (qrcode-2/#940: 41x41 pixels, one per module). Camera frames are larger and never pay for it.
constexpr int kWarpedEnlargeMaxSide = 320;

// `gray` read as it is, then, when that read nothing and `in_time` allows, inverted (light
// modules on a dark ground: a dark-mode screen).
std::vector<Code> read_either_polarity(const cv::Mat& gray, const cv::Matx33d& to_frame,
                                       Stage stage, const std::function<bool()>& in_time = {}) {
  auto codes = read_qr(gray, Binarizer::kLocalAverage, to_frame, stage);
  if (codes.empty() && time_left(in_time))
    codes = read_qr(detail::inverted(gray), Binarizer::kLocalAverage, to_frame, stage);
  return codes;
}

std::vector<Code> run_stage(Stage stage, const cv::Mat& gray, const ScanOptions& options) {
  const cv::Matx33d id = cv::Matx33d::eye();
  switch (stage) {
    case Stage::kDirect:
      return read_qr(gray, Binarizer::kLocalAverage, id, stage);
    case Stage::kHint: {
      if (!options.hint) return {};
      auto p = detail::hint_crop(gray, *options.hint);
      if (!p) return {};
      return read_either_polarity(p->gray, p->to_frame, stage);
    }
    case Stage::kInvert:
      return read_qr(detail::inverted(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kClahe:
      return read_qr(detail::equalised(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kUpscale:
      return detail::read_upscaled(detail::gray_view(gray), stage);
    case Stage::kDownscale: {
      // ZXing's own pyramid starts only above 500 pixels; textured or noisy small codes read
      // once halved.
      if (std::max(gray.cols, gray.rows) > kDownscaleMaxSide) return {};
      Prepared p = detail::enlarged(gray, 0.5);
      return read_qr(p.gray, Binarizer::kLocalAverage, p.to_frame, stage);
    }
    case Stage::kSharpen:
      return read_qr(detail::sharpened(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kDenoise:
      return read_qr(detail::denoised(gray), Binarizer::kLocalAverage, id, stage);
    case Stage::kGlobalHistogram:
      return read_qr(gray, Binarizer::kGlobalHistogram, id, stage);
    case Stage::kFixedThreshold:
      return read_qr(gray, Binarizer::kFixedThreshold, id, stage);
    case Stage::kWarped:
    case Stage::kWarpedDeep:
    case Stage::kWarpedFar: {
      auto codes = detail::read_warped(gray, stage, options.in_time);
      if (codes.empty() && std::max(gray.cols, gray.rows) <= kWarpedEnlargeMaxSide &&
          time_left(options.in_time)) {
        Prepared p = detail::enlarged(gray, 2.0);
        codes = detail::read_warped(p.gray, stage, options.in_time);
        detail::map_corners(codes, p.to_frame);
      }
      return codes;
    }
    case Stage::kRegions: {
      if (static_cast<long>(gray.total()) > detail::kMaxRegionPixels) return {};
      // On a camera each reading asks the frame budget first: a frame overruns by one reading
      // of one enlarged region at most.
      for (const Region& r : detail::code_regions(gray, detail::kMaxRegions)) {
        if (!time_left(options.in_time)) break;
        auto p = detail::region_crop(gray, r);
        if (!p) continue;
        // The enlarged crop sharpened (in the rendered scenes' small codes, what reads most),
        // then as it is; each also inverted (a dark-mode screen).
        auto codes =
            read_either_polarity(detail::sharpened(p->gray), p->to_frame, stage, options.in_time);
        if (codes.empty() && time_left(options.in_time))
          codes = read_either_polarity(p->gray, p->to_frame, stage, options.in_time);
        if (!codes.empty()) return codes;
      }
      return {};
    }
    case Stage::kDeblur: {
      auto guesses = detail::blur_guesses(gray);
      if (guesses.empty()) return {};
      detail::Deconvolver deconvolver(gray);
      for (const detail::BlurGuess& g : guesses) {
        auto codes = read_either_polarity(deconvolver.apply(g), id, stage);
        if (!codes.empty()) return codes;
      }
      return {};
    }
  }
  return {};
}

}  // namespace

ScanReport scan_rest(PartialScan partial, const ScanOptions& options) {
  ScanReport report = std::move(partial.report);
  if (!report.codes.empty() || partial.next >= options.stages.size() || partial.width <= 0 ||
      partial.height <= 0 ||
      partial.gray.size() != static_cast<std::size_t>(partial.width) * partial.height)
    return report;
  const cv::Mat gray(partial.height, partial.width, CV_8UC1, partial.gray.data());
  for (std::size_t i = partial.next; i < options.stages.size(); ++i) {
    Stage stage = options.stages[i];
    if (i > 0 && options.afford && !options.afford(stage)) {
      report.skipped.push_back(stage);
      continue;
    }
    report.tried.push_back(stage);
    std::vector<Code> codes;
    try {
      codes = run_stage(stage, gray, options);
    } catch (const cv::Exception&) {
      // OpenCV reports failures (e.g. out of memory) as exceptions: the stage read nothing.
    } catch (const std::bad_alloc&) {
    }
    if (!codes.empty()) {
      report.codes = std::move(codes);
      break;
    }
  }
  return report;
}

Result<ScanReport, ScanError> scan(const ImageView& image, const ScanOptions& options) {
  auto partial = scan_plain(image, options);
  if (!partial) return Unexpected{partial.error()};
  return scan_rest(std::move(*partial), options);
}

}  // namespace kiosk::scan
