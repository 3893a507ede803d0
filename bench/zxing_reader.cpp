// ZXing-C++ 1.4's own reader, as its example program ZXingReader is written: the image loaded by
// stb_image as 8-bit RGB, then ZXing::ReadBarcodes with the library's default hints (try harder,
// try rotated) restricted to QR codes, one text a line. stb_image has no WebP, so WebP files are
// loaded by libwebp into the same RGB buffer. bench/file_cost runs it beside `kioskctl scan`,
// one process per image, as the per-image cost to match.
//
//   zxing_reader IMAGE...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <stb/stb_image.h>
#include <webp/decode.h>

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

namespace {

struct Rgb {
  std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  bool webp = false;
  ~Rgb() {
    if (webp)
      WebPFree(pixels);
    else
      stbi_image_free(pixels);
  }
};

bool load(const std::string& path, Rgb& out) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".webp") == 0) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>()};
    out.webp = true;
    out.pixels = WebPDecodeRGB(bytes.data(), bytes.size(), &out.width, &out.height);
  } else {
    int channels = 0;
    out.pixels = stbi_load(path.c_str(), &out.width, &out.height, &channels, 3);
  }
  return out.pixels != nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  int status = 0;
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  for (int i = 1; i < argc; ++i) {
    Rgb image;
    if (!load(argv[i], image)) {
      std::fprintf(stderr, "zxing_reader: %s: cannot load\n", argv[i]);
      status = 1;
      continue;
    }
    ZXing::ImageView view(image.pixels, image.width, image.height, ZXing::ImageFormat::RGB);
    for (const auto& r : ZXing::ReadBarcodes(view, hints))
      if (r.isValid()) std::printf("%s\n", r.text().c_str());
  }
  return status;
}
