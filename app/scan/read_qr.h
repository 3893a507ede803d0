// Internal to the scan pipeline: one ZXing-C++ read of a prepared gray image, with the corner
// points mapped back into frame pixels. Not a public header (it uses cv::Mat).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "app/scan/scanner.h"
#include "app/scan/zxing_read.h"

namespace kiosk::scan::detail {

/// `gray` (8-bit, single channel) as a GrayView for the stages that need no OpenCV.
GrayView gray_view(const cv::Mat& gray);

/// Reads the valid QR codes in the 8-bit single-channel `gray` (any stride). `to_frame` maps a
/// point of `gray` to the frame (a homography; identity when `gray` is the frame).
std::vector<Code> read_qr(const cv::Mat& gray, Binarizer binarizer, const cv::Matx33d& to_frame,
                          Stage stage);

/// Maps the corners of `codes`, found in a prepared image, into the frame through `to_frame`.
void map_corners(std::vector<Code>& codes, const cv::Matx33d& to_frame);

/// Reads `rendering`, a clean image of one code (whole modules, a quiet zone, nothing else) as
/// ZXing's pure-code reader does; the text when it passed error correction.
std::optional<std::string> read_pure_qr(const cv::Mat& rendering);

}  // namespace kiosk::scan::detail
