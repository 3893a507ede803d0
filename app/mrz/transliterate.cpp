#include "app/mrz/transliterate.h"

#include <array>
#include <cstdint>

namespace kiosk::mrz {
namespace {

constexpr std::size_t kMaxSpellings = 8;

// U+00C0..U+017F: the MRZ spelling of each letter ("" for the two signs × and ÷), alternatives
// after '|'. From the transliteration table of ICAO 9303 part 3; the single-letter alternative of
// Ä, Ö, Ü, Å and Ø is what many issuing states print.
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatin = {
    "A",    "A", "A",  "A",  "AE|A", "AA|A", "AE", "C",  "E",    "E",    "E",    "E", "I",    "I",
    "I",    "I", "D",  "N",  "O",    "O",    "O",  "O",  "OE|O", "",     "OE|O", "U", "U",    "U",
    "UE|U", "Y", "TH", "SS", "A",    "A",    "A",  "A",  "AE|A", "AA|A", "AE",   "C", "E",    "E",
    "E",    "E", "I",  "I",  "I",    "I",    "D",  "N",  "O",    "O",    "O",    "O", "OE|O", "",
    "OE|O", "U", "U",  "U",  "UE|U", "Y",    "TH", "Y",  "A",    "A",    "A",    "A", "A",    "A",
    "C",    "C", "C",  "C",  "C",    "C",    "C",  "C",  "D",    "D",    "D",    "D", "E",    "E",
    "E",    "E", "E",  "E",  "E",    "E",    "E",  "E",  "G",    "G",    "G",    "G", "G",    "G",
    "G",    "G", "H",  "H",  "H",    "H",    "I",  "I",  "I",    "I",    "I",    "I", "I",    "I",
    "I",    "I", "IJ", "IJ", "J",    "J",    "K",  "K",  "K",    "L",    "L",    "L", "L",    "L",
    "L",    "L", "L",  "L",  "L",    "N",    "N",  "N",  "N",    "N",    "N",    "N", "N",    "N",
    "O",    "O", "O",  "O",  "O",    "O",    "OE", "OE", "R",    "R",    "R",    "R", "R",    "R",
    "S",    "S", "S",  "S",  "S",    "S",    "S",  "S",  "T",    "T",    "T",    "T", "T",    "T",
    "U",    "U", "U",  "U",  "U",    "U",    "U",  "U",  "U",    "U",    "U",    "U", "W",    "W",
    "Y",    "Y", "Y",  "Z",  "Z",    "Z",    "Z",  "Z",  "Z",    "S",
};

// Decodes one UTF-8 code point at s[i]; nullopt for an invalid or overlong sequence.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) return std::nullopt;
  char32_t cp = len == 1 ? b : (b & (0x7F >> len));
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c >> 6) != 2) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += static_cast<std::size_t>(len);
  return cp;
}

// Appends one letter's spellings to every spelling of the word (capped).
void extend(Component& word, std::string_view alternatives) {
  Component out;
  for (const auto& w : word) {
    std::size_t start = 0;
    while (start <= alternatives.size() && out.size() < kMaxSpellings) {
      std::size_t bar = alternatives.find('|', start);
      if (bar == std::string_view::npos) bar = alternatives.size();
      out.push_back(w + std::string(alternatives.substr(start, bar - start)));
      start = bar + 1;
    }
  }
  word = std::move(out);
}

}  // namespace

std::optional<std::vector<Component>> mrz_components(std::string_view s) {
  std::vector<Component> words;
  Component word{""};
  bool in_word = false;
  auto finish = [&] {
    if (in_word) words.push_back(std::move(word));
    word = Component{""};
    in_word = false;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    auto cp = next_code_point(s, i);
    if (!cp) return std::nullopt;
    char32_t c = *cp;
    if (c == ' ' || c == '-' || c == ',' || c == '\t' || c == 0x2010 || c == 0x2011) {
      finish();
    } else if (c == '\'' || c == '.' || c == 0x2019) {
      continue;  // O'Neil -> ONEIL
    } else if (c >= 'a' && c <= 'z') {
      extend(word, std::string(1, static_cast<char>(c - 'a' + 'A')));
      in_word = true;
    } else if (c >= 'A' && c <= 'Z') {
      extend(word, std::string(1, static_cast<char>(c)));
      in_word = true;
    } else if (c >= 0xC0 && c < 0x180 && !kLatin[c - 0xC0].empty()) {
      extend(word, kLatin[c - 0xC0]);
      in_word = true;
    } else {
      return std::nullopt;  // a digit, a sign, or another script
    }
  }
  finish();
  return words;
}

}  // namespace kiosk::mrz
