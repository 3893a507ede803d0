// libFuzzer target for the scan path: arbitrary pixels through every stage of the pipeline
// (with an arbitrary hint), arbitrary bytes through kioskctl's image header reader (its
// decoders have their own target, fuzz_image_file), and through the QR Model 1 reader: as a
// module matrix (format, layout, Reed-Solomon) and as a bit stream after error correction; the
// same module matrix rendered (finders drawn) through ZXing's pure-code reader.
//
// Built by hand (not part of the CMake build), from the repository root:
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I. -I/usr/include/opencv4 \
//     tests/fuzz/fuzz_scan.cpp app/scan/*.cpp firmware/kioskctl/image_file.cpp \
//     -lZXing -lopencv_imgproc -lopencv_core -lpng -ljpeg -lwebp \
//     -o build-fuzz/fuzz_scan
//   build-fuzz/fuzz_scan -max_len=20000 -max_total_time=600
//
// Input: byte 0 selects the format, bytes 1..2 the width, 3..4 a hint (x, y as 8-bit), the rest
// are the pixels (the height is what they fill).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "app/scan/model1.h"
#include "app/scan/read_qr.h"
#include "app/scan/scanner.h"
#include "app/scan/warped_reader.h"
#include "firmware/kioskctl/image_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)kiosk::ctl::image_header_size(std::span<const std::uint8_t>(data, size));
  if (size > 1) {
    std::vector<int> codewords(data + 1, data + size);
    (void)kiosk::scan::detail::parse_model1_bits(codewords, 1 + data[0] % 14);
    int dim = 21 + 4 * (data[0] % 14);
    if (size - 1 >= static_cast<std::size_t>(dim * dim / 8 + 1)) {
      cv::Mat modules(dim, dim, CV_8U);
      for (int i = 0; i < dim * dim; ++i)
        modules.at<std::uint8_t>(i / dim, i % dim) = (data[1 + i / 8] >> (i % 8)) & 1;
      (void)kiosk::scan::detail::read_model1(modules);
      // Any module matrix, rendered for ZXing's pure reader (which aborts on broken finders).
      (void)kiosk::scan::detail::read_pure_qr(kiosk::scan::detail::render_modules(modules));
    }
  }
  if (size < 6) return 0;
  auto format = (data[0] & 1) ? kiosk::scan::PixelFormat::kBgr8 : kiosk::scan::PixelFormat::kGray8;
  int bpp = format == kiosk::scan::PixelFormat::kBgr8 ? 3 : 1;
  int width = 1 + (data[1] | (data[2] & 0x01) << 8);
  int stride = width * bpp + (data[0] >> 1 & 7);
  const std::uint8_t* pixels = data + 5;
  std::size_t bytes = size - 5;
  int height = static_cast<int>(bytes / static_cast<std::size_t>(stride));
  kiosk::scan::ScanOptions options;
  options.stages = kiosk::scan::all_stages();
  options.hint = kiosk::scan::Region{data[3] - 64, data[4] - 64, data[3], data[4]};
  // The last row may be short of the stride: it needs only width * bpp bytes.
  if (height == 0 && bytes >= static_cast<std::size_t>(width * bpp)) height = 1;
  kiosk::scan::ImageView view{pixels, width, height, stride, format};
  (void)kiosk::scan::scan(view, options);
  return 0;
}
