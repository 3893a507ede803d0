// Internal to the scan pipeline: QR Code Model 1 (ISO/IEC 18004:2000 annex M), the original QR
// code that ZXing-C++ 1.4 does not read. It shares Model 2's sizes, finder and timing patterns
// and format information (masked with 0x2825 instead of 0x5412), but has no alignment patterns
// and lays its codewords out in its own order. The warped-grid stage samples the modules; this
// decodes them: format, unmasking, codewords, Reed-Solomon per block, then the bit stream
// (numeric, alphanumeric and byte segments). A text comes only from codewords that passed error
// correction and a bit stream that parsed to its end. Not a public header (it uses cv::Mat).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::scan::detail {

/// Model 1 sizes: versions 1 to 14, 21 to 73 modules.
inline constexpr int kModel1MaxDimension = 73;

/// The text of the Model 1 code whose modules are `modules` (CV_8U, dimension x dimension,
/// non-zero = dark, top-left finder at 0,0), or nullopt: not a Model 1 size, format information
/// not Model 1's, too many errors, or a bit stream this reader does not take (Kanji, ECI,
/// structured append, FNC1).
std::optional<std::string> read_model1(const cv::Mat& modules);

/// The text of a Model 1 bit stream (the data codewords after error correction) of `version`
/// (1 to 14): numeric, alphanumeric and byte segments up to a terminator or the end; nullopt for
/// another mode, a segment longer than the stream, or no text. Exposed for the fuzzer and tests.
std::optional<std::string> parse_model1_bits(const std::vector<int>& data, int version);

}  // namespace kiosk::scan::detail
