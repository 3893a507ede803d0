#include "app/scan/model1.h"

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

// ZXing-C++ 1.4 exports its Reed-Solomon decoder over the QR field but installs no header for it
// (ReedSolomonDecoder.h, GenericGF.h): these are its declarations. It corrects `message` in
// place and returns false when the errors exceed what `ec` codewords can correct.
namespace ZXing {
class GenericGF {
 public:
  static const GenericGF& QRCodeField256();
};
bool ReedSolomonDecode(const GenericGF& field, std::vector<int>& message, int ec);
}  // namespace ZXing

namespace kiosk::scan::detail {

namespace {

// Per version and level (L, M, Q, H): error correction codewords per block, blocks, data
// codewords per block (ISO/IEC 18004:2000 tables M.2 and M.4; every block of a level is alike).
struct Blocks {
  int ec;
  int count;
  int data;
};
constexpr std::array<std::array<Blocks, 4>, 14> kBlocks = {{
    {{{7, 1, 19}, {10, 1, 16}, {13, 1, 13}, {17, 1, 9}}},
    {{{10, 1, 36}, {16, 1, 30}, {22, 1, 24}, {30, 1, 16}}},
    {{{15, 1, 57}, {28, 1, 44}, {36, 1, 36}, {48, 1, 24}}},
    {{{20, 1, 80}, {40, 1, 60}, {50, 1, 50}, {66, 1, 34}}},
    {{{26, 1, 108}, {52, 1, 82}, {66, 1, 68}, {44, 2, 23}}},
    {{{34, 1, 136}, {32, 2, 53}, {42, 2, 43}, {56, 2, 29}}},
    {{{42, 1, 170}, {40, 2, 66}, {52, 2, 54}, {46, 3, 24}}},
    {{{24, 2, 104}, {48, 2, 80}, {64, 2, 64}, {56, 3, 29}}},
    {{{30, 2, 123}, {60, 2, 93}, {50, 3, 52}, {68, 3, 34}}},
    {{{34, 2, 145}, {68, 2, 111}, {58, 3, 61}, {58, 4, 31}}},
    {{{40, 2, 168}, {40, 4, 64}, {52, 4, 52}, {54, 5, 29}}},
    {{{46, 2, 192}, {46, 4, 73}, {58, 4, 61}, {62, 5, 33}}},
    {{{36, 3, 144}, {52, 4, 83}, {66, 4, 69}, {58, 6, 32}}},
    {{{40, 3, 163}, {60, 4, 92}, {60, 5, 62}, {66, 6, 35}}},
}};

constexpr int kFormatMask = 0x2825;  // Model 2 uses 0x5412

// The 15-bit BCH(15,5) format codeword of 5 data bits (generator x^10+x^8+x^5+x^4+x^2+x+1).
int format_codeword(int data) {
  int v = data << 10;
  for (int bit = 14; bit >= 10; --bit)
    if ((v >> bit) & 1) v ^= 0x537 << (bit - 10);
  return data << 10 | v;
}

struct Format {
  int level;  // 0..3: L, M, Q, H
  int mask;   // 0..7
};

// The format both copies read closest to, within 3 bit errors (the code corrects 3).
std::optional<Format> read_format(const cv::Mat& m) {
  const int d = m.rows;
  const auto at = [&](int x, int y) { return m.at<std::uint8_t>(y, x) != 0 ? 1 : 0; };
  int first = 0, second = 0;
  for (int x : {0, 1, 2, 3, 4, 5, 7, 8})
    first = first << 1 | at(x, 8);
  for (int y : {7, 5, 4, 3, 2, 1, 0})
    first = first << 1 | at(8, y);
  for (int y = d - 1; y >= d - 7; --y)
    second = second << 1 | at(8, y);
  for (int x = d - 8; x < d; ++x)
    second = second << 1 | at(x, 8);
  int best = 4, best_data = -1;
  for (int data = 0; data < 32; ++data) {
    int want = format_codeword(data) ^ kFormatMask;
    for (int got : {first, second}) {
      int distance = std::popcount(static_cast<unsigned>(want ^ got));
      if (distance < best) best = distance, best_data = data;
    }
  }
  if (best_data < 0) return std::nullopt;
  // The level bits: 01 L, 00 M, 11 Q, 10 H.
  static constexpr std::array<int, 4> kLevel = {1, 0, 3, 2};
  return Format{kLevel[static_cast<std::size_t>(best_data >> 3)], best_data & 7};
}

bool mask_bit(int mask, int x, int y) {
  switch (mask) {
    case 0:
      return (x + y) % 2 == 0;
    case 1:
      return y % 2 == 0;
    case 2:
      return x % 3 == 0;
    case 3:
      return (x + y) % 3 == 0;
    case 4:
      return (y / 2 + x / 3) % 2 == 0;
    case 5:
      return x * y % 6 == 0;
    case 6:
      return x * y % 6 < 3;
    default:
      return (x + y + x * y % 3) % 2 == 0;
  }
}

// Model 1's codeword layout (annex M): codewords of 2x4 modules in the two rightmost column
// pairs and the four leftmost, of 4x2 modules in between, each read from its bottom-right
// module leftward then upward; the places of the timing patterns and extension blocks skipped.
std::vector<int> read_codewords(const cv::Mat& m, int mask, int total) {
  const int d = m.rows;
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(total));
  const auto codeword = [&](int x, int y, int width) {
    int v = 0;
    for (int b = 0; b < 8; ++b) {
      int mx = x - b % width, my = y - b / width;
      bool dark = m.at<std::uint8_t>(my, mx) != 0;
      v = v << 1 | (dark != mask_bit(mask, mx, my) ? 1 : 0);
    }
    out.push_back(v);
  };
  const int columns = d / 4 + 3;
  for (int j = 0; j < columns; ++j) {
    if (j <= 1) {
      int rows = (d - 8) / 4;
      for (int i = 0; i < rows; ++i)
        if (!(j == 0 && i % 2 == 0 && i > 0 && i < rows - 1))  // extension blocks
          codeword(d - 1 - 2 * j, d - 1 - 4 * i, 2);
    } else if (columns - j <= 4) {
      int rows = (d - 16) / 4;
      int x = (columns - j - 1) * 2 + 1 + (columns - j == 4 ? 1 : 0);  // past the timing column
      for (int i = 0; i < rows; ++i)
        codeword(x, d - 9 - 4 * i, 2);
    } else {
      int rows = d / 2;
      for (int i = 0; i < rows; ++i) {
        if (j == 2 && i >= rows - 4) continue;                       // the top-right finder
        if (i == 0 && j % 2 == 1 && j + 1 != columns - 4) continue;  // extension blocks
        codeword(d - 5 - (j - 2) * 4, d - 1 - 2 * i - (i >= rows - 3 ? 1 : 0), 4);
      }
    }
  }
  if (static_cast<int>(out.size()) != total) return {};
  out[0] &= 0x0F;  // the first codeword's top half lies under the corner, not data
  return out;
}

}  // namespace

std::optional<std::string> parse_model1_bits(const std::vector<int>& data, int version) {
  std::size_t pos = 0;
  const std::size_t size = data.size() * 8;
  const auto read = [&](int n) -> std::optional<int> {
    if (pos + static_cast<std::size_t>(n) > size) return std::nullopt;
    int v = 0;
    for (int i = 0; i < n; ++i, ++pos)
      v = v << 1 | ((data[pos / 8] >> (7 - pos % 8)) & 1);
    return v;
  };
  static constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const bool small = version <= 9;
  std::string text;
  bool any = false;
  read(4);  // a Model 1 stream leads with four zero bits, under the corner (see read_codewords)
  while (pos + 4 <= size) {
    int mode = *read(4);
    if (mode == 0) break;  // terminator
    if (mode == 1) {       // numeric: 3 digits in 10 bits, 2 in 7, 1 in 4
      auto count = read(small ? 10 : 12);
      if (!count) return std::nullopt;
      for (int left = *count; left > 0;) {
        int digits = left >= 3 ? 3 : left;
        auto v = read(digits == 3 ? 10 : digits == 2 ? 7 : 4);
        if (!v || *v >= (digits == 3 ? 1000 : digits == 2 ? 100 : 10)) return std::nullopt;
        std::string s = std::to_string(*v);
        text += std::string(static_cast<std::size_t>(digits) - s.size(), '0') + s;
        left -= digits;
      }
    } else if (mode == 2) {  // alphanumeric: 2 characters in 11 bits, 1 in 6
      auto count = read(small ? 9 : 11);
      if (!count) return std::nullopt;
      for (int left = *count; left > 0; left -= 2) {
        auto v = read(left >= 2 ? 11 : 6);
        if (!v) return std::nullopt;
        if (left >= 2) {
          if (*v >= 45 * 45) return std::nullopt;
          text += kAlnum[*v / 45];
          text += kAlnum[*v % 45];
        } else {
          if (*v >= 45) return std::nullopt;
          text += kAlnum[*v];
        }
      }
    } else if (mode == 4) {  // bytes: UTF-8 when valid, otherwise ISO 8859-1
      auto count = read(small ? 8 : 16);
      if (!count) return std::nullopt;
      std::string raw;
      for (int i = 0; i < *count; ++i) {
        auto v = read(8);
        if (!v) return std::nullopt;
        raw += static_cast<char>(*v);
      }
      bool utf8 = true;
      for (std::size_t i = 0; i < raw.size() && utf8;) {
        auto c = static_cast<unsigned char>(raw[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > raw.size()) utf8 = false;
        for (std::size_t k = 1; k < n && utf8; ++k)
          utf8 = (static_cast<unsigned char>(raw[i + k]) >> 6) == 2;
        i += n == 0 ? 1 : n;
      }
      if (utf8) {
        text += raw;
      } else {
        for (char ch : raw) {
          auto c = static_cast<unsigned char>(ch);
          if (c < 0x80) {
            text += ch;
          } else {
            text += static_cast<char>(0xC0 | c >> 6);
            text += static_cast<char>(0x80 | (c & 0x3F));
          }
        }
      }
    } else {
      return std::nullopt;  // Kanji, ECI, structured append, FNC1 or no mode at all
    }
    any = true;
  }
  if (!any || text.empty()) return std::nullopt;
  return text;
}

std::optional<std::string> read_model1(const cv::Mat& modules) {
  if (modules.type() != CV_8UC1 || modules.rows != modules.cols) return std::nullopt;
  const int d = modules.rows;
  if (d < 21 || d > kModel1MaxDimension || (d - 17) % 4 != 0) return std::nullopt;
  const int version = (d - 17) / 4;
  auto format = read_format(modules);
  if (!format) return std::nullopt;
  const Blocks& b =
      kBlocks[static_cast<std::size_t>(version - 1)][static_cast<std::size_t>(format->level)];
  const int total = b.count * (b.data + b.ec);
  std::vector<int> codewords = read_codewords(modules, format->mask, total);
  if (codewords.empty()) return std::nullopt;
  // Blocks one after another, not interleaved as in Model 2: every block's data codewords in
  // block order, then every block's error correction codewords in the same order. The corpus'
  // version 5-H symbol (qrcode-2/#940, two blocks) corrects with 3 and 1 errors so laid out, and
  // fails with 22 in each block when read as Model 2 interleaves.
  std::vector<int> data;
  data.reserve(static_cast<std::size_t>(b.count * b.data));
  std::vector<std::vector<int>> blocks(static_cast<std::size_t>(b.count));
  for (int k = 0; k < b.count; ++k) {
    auto& block = blocks[static_cast<std::size_t>(k)];
    const auto at = [&](int i) { return codewords[static_cast<std::size_t>(i)]; };
    for (int i = 0; i < b.data; ++i)
      block.push_back(at(k * b.data + i));
    for (int i = 0; i < b.ec; ++i)
      block.push_back(at(b.count * b.data + k * b.ec + i));
  }
  for (auto& block : blocks) {
    if (!ZXing::ReedSolomonDecode(ZXing::GenericGF::QRCodeField256(), block, b.ec))
      return std::nullopt;
    data.insert(data.end(), block.begin(), block.begin() + b.data);
  }
  return parse_model1_bits(data, version);
}

}  // namespace kiosk::scan::detail
