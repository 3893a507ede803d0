// Reading a passport's machine-readable zone from an image (a camera frame, a photo, a scan).
// Pure: pixels in, text out. The zone is two lines of 44 OCR-B characters at a fixed pitch;
// the reader finds the two lines (tilt, uneven light), cuts each into its 44 cells by the pitch,
// and classifies each cell against the 37 glyph templates rendered from the font (mrz-glyphs),
// keeping per position only the characters TD3 allows there (digits in dates and check digits,
// letters or '<' in names and codes). A field whose check digit fails is repaired only by the
// single runner-up character that makes it hold at the least cost; otherwise it stays as read,
// and parse() then reports it invalid ("read again").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/scan/image_view.h"

namespace kiosk::mrz {

constexpr int kGlyphWidth = 20;
constexpr int kGlyphHeight = 28;
/// The MRZ alphabet, in the order of the templates.
constexpr std::string_view kOcrAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

struct OcrRead {
  std::string text;   ///< the two lines, separated by '\n'
  int repaired = 0;   ///< characters changed to their runner-up by a check digit
  double margin = 0;  ///< the smallest lead of a chosen character over its runner-up (0..2)
};

/// Reads the lowest TD3 zone in the image; nullopt when no two lines of 44 characters are found.
/// Images larger than 2400 pixels on a side are read scaled down.
std::optional<OcrRead> read_mrz(const scan::ImageView& image);

}  // namespace kiosk::mrz
