// The QR scan pipeline: an image in, the QR texts it holds and where they are out. Pure: no clock,
// no file; the caller passes the frame, the hint from the previous frame and the deadline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/result.h"
#include "app/scan/image_view.h"

namespace kiosk::scan {

/// The stages of the pipeline. Each reads the frame through ZXing-C++ (QR codes only) after its
/// own preparation; a stage runs only when every stage before it found nothing. Stages outside
/// default_stages() are kept for measurement (bench/decode_rate --ablation).
enum class Stage : std::uint8_t {
  kDirect,           ///< the frame as it is (ZXing's local-average binarizer, its own downscaling)
  kHint,             ///< the region where the previous frame found a code, enlarged
  kInvert,           ///< the frame inverted: light modules on a dark ground (dark mode)
  kClahe,            ///< contrast-limited adaptive histogram equalisation (dim screen, shadow)
  kUpscale,          ///< the frame enlarged 1.5 and 2 times (small or far codes); small frames only
  kDownscale,        ///< the frame halved (textured or noisy codes); small frames only
  kSharpen,          ///< unsharp masking (defocus)
  kDenoise,          ///< a Gaussian blur (sensor noise, screen moire)
  kGlobalHistogram,  ///< ZXing's global-histogram binarizer
  kFixedThreshold,   ///< ZXing's fixed threshold at 127
  kWarped,           ///< our own finder search and a grid bent through the alignment patterns
                     ///< (curved, creased or stretched codes), decoded by ZXing
  kDeblur,           ///< Wiener deconvolution of a motion or defocus blur estimated from the
                     ///< frame; frames up to 1920x1080
  kWarpedDeep,       ///< the warped stage searching further (one version more, alignment
                     ///< patterns up to six modules off, the timing patterns as control points,
                     ///< a grid bent by local planes): a curled page at 2-3 pixels per module
  kWarpedFar,        ///< the deep warped stage on the finders of a far code too (modules of
                     ///< 1.3 to 2 pixels), which the other stages' finder search filters away
                     ///< from a camera frame; frames up to 1920x1080 and noise_level 32; not on the
                     ///< camera (20 to 50 ms at 720p)
  kRegions,          ///< up to three regions busy with a code's texture, each cut out, enlarged
                     ///< three times and read sharpened and as it is (a small code in a large
                     ///< frame: 1.3 to 2 pixels per module); frames up to 1920x1080
};

/// A short lower-case name ("direct", "invert", ...), for reports and JSON.
std::string_view stage_name(Stage stage);

/// The stages in the order the kiosk runs them (chosen by measurement, see bench/).
std::vector<Stage> default_stages();

/// `stages` with its fallbacks (every stage after the direct read and the hint) rotated by
/// `frame`: on a camera whose frames cannot afford every fallback, each fallback still comes
/// first after the cheap reads once in every few frames.
std::vector<Stage> rotated_stages(const std::vector<Stage>& stages, std::uint64_t frame);

/// default_stages() without those too slow for a live camera frame (the deconvolution, 0.3 s at
/// 720p; the far-code search, 20 to 50 ms): a hand that moved during one frame is still a few
/// frames later. The enlargement comes after the contrast stages here (default_stages() runs it
/// before them only to spare a one-file process from loading OpenCV). The regions stage stays: each
/// of its readings asks ScanOptions::in_time first, so a frame overruns by one reading of one
/// enlarged region at most.
std::vector<Stage> camera_stages();

/// Every stage, in declaration order: for measurement and tests.
std::vector<Stage> all_stages();

struct Point {
  float x = 0;
  float y = 0;
};

/// A rectangle in frame pixels.
struct Region {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct Code {
  std::string text;  ///< the decoded text (UTF-8)
  std::array<Point, 4>
      corners;  ///< in frame pixels: top-left, top-right, bottom-right, bottom-left
  Stage stage = Stage::kDirect;  ///< the stage that read it
};

/// The smallest rectangle holding the code's corners: the hint to pass with the next frame.
Region bounding_region(const Code& code);

enum class ScanError : std::uint8_t {
  kEmpty,      ///< no pixels: a null data pointer, or zero width or height
  kTooLarge,   ///< more than kMaxPixels pixels, or a side longer than kMaxSide
  kBadLayout,  ///< a negative size, or a stride shorter than a row
};

/// A one-line English reason for `e`.
std::string_view error_text(ScanError e);

inline constexpr long kMaxPixels = 4096L * 4096L;
inline constexpr int kMaxSide = 16384;
/// An image with a side shorter than this holds no QR code (a version 1 code is 21 modules
/// across and no stage reads a module smaller than a pixel): it is valid, and no stage runs.
inline constexpr int kMinSide = 21;

struct ScanOptions {
  /// The stages to try, in order; a stage not listed is not run.
  std::vector<Stage> stages = default_stages();
  /// Where the previous frame found a code; used by the kHint stage (skipped without it).
  std::optional<Region> hint;
  /// Asked before each stage after the first, with that stage: false skips it (the frame's
  /// time budget cannot afford it) and the next stage is asked. Empty: every stage runs. The
  /// pipeline never reads a clock; FrameBudget is the kiosk's policy.
  std::function<bool(Stage next)> afford;
  /// Asked by the warped stages, whose cost depends on what the frame holds (finder-like
  /// shapes, noise, a large code) more than on its size, between their parts (the two
  /// polarities, the enlarged image, each finder triple, and within a triple each version tried
  /// and its costly steps), and by the regions stage before each reading of each region: false
  /// ends the stage there, with what it read so far. So such a frame overruns the frame's time
  /// by one part, not by the whole stage. (The other stages cost about the same on every frame
  /// of a size, which the budget learns.) Empty: every stage runs to its end.
  /// FrameBudget::in_time is the kiosk's policy.
  std::function<bool()> in_time;
};

/// `in_time` (ScanOptions::in_time) asked: whether a stage may go on to its next part; always
/// when it is empty.
inline bool time_left(const std::function<bool()>& in_time) {
  return !in_time || in_time();
}

struct ScanReport {
  std::vector<Code> codes;     ///< empty when no code was read
  std::vector<Stage> tried;    ///< the stages that ran, in order
  std::vector<Stage> skipped;  ///< the stages `afford` refused, in order
};

/// Reads the QR codes in `image`. Returns the codes of the first stage that reads any (never a
/// text that did not pass the QR error correction), or an error for an image that cannot be
/// scanned. The same as scan_plain() followed, when it read nothing, by scan_rest().
Result<ScanReport, ScanError> scan(const ImageView& image, const ScanOptions& options = {});

/// A read-only view of 8-bit gray pixels; `stride` is at least `width`.
struct GrayView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
};

/// scan()'s first part, which needs ZXing-C++ but not OpenCV (app/scan/plain_scan.cpp): a process
/// that reads most images here never loads OpenCV's libraries (kioskctl scan).
struct PartialScan {
  std::vector<std::uint8_t> gray;  ///< the frame in 8-bit gray, width x height, rows contiguous
  int width = 0;
  int height = 0;
  ScanReport report;
  /// The index in ScanOptions::stages of the first stage not yet considered: the size of the list
  /// when a code was read or every stage was considered.
  std::size_t next = 0;

  GrayView view() const { return {gray.data(), width, height, width}; }
};

/// True for the stages that need no OpenCV: the direct read, the hint when there is none, the
/// inversion, ZXing's other binarizers and the enlargement (app/scan/enlarge.h).
bool is_plain_stage(Stage stage, const ScanOptions& options);

/// Validates `image`, converts it to gray (as OpenCV's BGR2GRAY, to the bit) and runs the leading
/// plain stages of `options.stages`, stopping at the first code read or the first stage that is
/// not plain. An image with a side under kMinSide runs no stage (`next` is past the last).
Result<PartialScan, ScanError> scan_plain(const ImageView& image, const ScanOptions& options);

/// Runs the stages of `options.stages` from `partial.next` on, on `partial.gray` (OpenCV), unless
/// `partial` already holds a code; returns the whole report.
ScanReport scan_rest(PartialScan partial, const ScanOptions& options);

}  // namespace kiosk::scan
