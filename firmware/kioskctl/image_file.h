// Reading an image file for `kioskctl scan`: the size from the file's header first (so that a
// small file declaring an enormous image is refused before anything is allocated), then OpenCV.
#pragma once

#include <string>

#include <opencv2/core.hpp>

#include "app/result.h"

namespace kiosk::ctl {

struct ImageSize {
  int width = 0;
  int height = 0;
};

/// The pixel size declared by a PNG, JPEG or WebP header in `bytes`; an error text otherwise.
Result<ImageSize, std::string> image_header_size(const std::string& bytes);

/// Reads `path` as a BGR image: its bytes (at most 256 MiB), the header size (at most the scan
/// pipeline's pixel limit), then the decoder. The error is a one-line reason.
Result<cv::Mat, std::string> read_image_file(const std::string& path);

}  // namespace kiosk::ctl
