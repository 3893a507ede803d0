// Loading an image file for a simulated camera, safely: the file's size and the image's pixel
// count are checked from the header before anything is decoded, so an enormous or hostile file is
// refused without allocating its pixels. Formats: PNG, JPEG, BMP, PNM (P1-P6).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "app/result.h"
#include "drivers/camera/camera.h"

namespace kiosk::sim {

struct ImageLimits {
  std::uintmax_t max_file_bytes = 32u << 20;  ///< larger files are refused unread
  std::uint64_t max_pixels = 16'000'000;      ///< width x height from the header
};

/// Width and height from the header, or the reason it is not a supported image.
Result<cv::Size, std::string> probe_image_size(std::span<const std::uint8_t> bytes);

/// The decoded image (BGR). Errors, all kBadInput with the reason in the detail: file not found,
/// not a regular file, empty file, file too large, unsupported format, too many pixels, truncated,
/// corrupt (does not decode, or decodes to another size than its header says).
Result<cv::Mat, drivers::CameraFault> load_image_file(const std::string& path,
                                                      const ImageLimits& limits);

}  // namespace kiosk::sim
