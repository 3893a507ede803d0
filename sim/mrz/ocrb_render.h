// OCR-B text as ICAO 9303 prints an MRZ, rendered with FreeType from Debian's fonts-ocr-b: for
// the glyph templates of app/mrz/ocr (mrz-glyphs) and kiosk-sim's passport pages. Test material.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "app/result.h"

namespace kiosk::sim {

constexpr const char* kOcrbFont = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

/// One line of monospaced OCR-B: ink 0 on paper 255, `px` pixels per em, exactly
/// `text.size()` advances wide and the cap height tall (MRZ characters have no descenders).
/// The font's own advance keeps the pitch (ICAO: 2.54 mm a character at 10 characters per inch).
Result<cv::Mat, std::string> render_ocrb_line(std::string_view text, int px);

}  // namespace kiosk::sim
