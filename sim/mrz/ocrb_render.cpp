#include "sim/mrz/ocrb_render.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <memory>

namespace kiosk::sim {
namespace {

struct Library {
  FT_Library lib = nullptr;
  FT_Face face = nullptr;
  ~Library() {
    if (face) FT_Done_Face(face);
    if (lib) FT_Done_FreeType(lib);
  }
};

}  // namespace

Result<cv::Mat, std::string> render_ocrb_line(std::string_view text, int px) {
  if (px < 4 || px > 1024 || text.size() > 256)
    return Unexpected{std::string("OCR-B: size or length out of range")};
  Library f;
  if (FT_Init_FreeType(&f.lib) != 0) return Unexpected{std::string("FreeType: cannot start")};
  if (FT_New_Face(f.lib, kOcrbFont, 0, &f.face) != 0)
    return Unexpected{std::string(kOcrbFont) + ": cannot open (install fonts-ocr-b)"};
  if (FT_Set_Pixel_Sizes(f.face, 0, static_cast<FT_UInt>(px)) != 0)
    return Unexpected{std::string("OCR-B: cannot set the size")};
  // Advance and cap height from the font: 'H' tops the capitals, the baseline is the bottom.
  if (FT_Load_Char(f.face, 'H', FT_LOAD_RENDER) != 0) return Unexpected{std::string("OCR-B: no H")};
  int cap = f.face->glyph->bitmap_top;
  int advance = static_cast<int>(f.face->glyph->advance.x >> 6);
  if (cap <= 0 || advance <= 0) return Unexpected{std::string("OCR-B: bad metrics")};
  cv::Mat line(cap, advance * static_cast<int>(text.size()), CV_8UC1, cv::Scalar(255));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (FT_Load_Char(f.face, static_cast<unsigned char>(text[i]), FT_LOAD_RENDER) != 0) continue;
    const FT_Bitmap& bm = f.face->glyph->bitmap;
    int x0 = static_cast<int>(i) * advance + f.face->glyph->bitmap_left;
    int y0 = cap - f.face->glyph->bitmap_top;
    for (unsigned r = 0; r < bm.rows; ++r) {
      for (unsigned c = 0; c < bm.width; ++c) {
        int y = y0 + static_cast<int>(r), x = x0 + static_cast<int>(c);
        if (y < 0 || y >= line.rows || x < 0 || x >= line.cols) continue;
        std::uint8_t ink = bm.buffer[r * static_cast<unsigned>(bm.pitch) + c];
        std::uint8_t& p = line.at<std::uint8_t>(y, x);
        p = static_cast<std::uint8_t>(std::min<int>(p, 255 - ink));
      }
    }
  }
  return line;
}

}  // namespace kiosk::sim
