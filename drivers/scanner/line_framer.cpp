#include "drivers/scanner/line_framer.h"

#include <cassert>
#include <cstdio>

namespace kiosk::drivers {

std::string_view name(ScanRejectReason r) {
  switch (r) {
    case ScanRejectReason::kLineTooLong:
      return "line_too_long";
    case ScanRejectReason::kNonPrintable:
      return "non_printable";
    case ScanRejectReason::kUnmappedKey:
      return "unmapped_key";
    case ScanRejectReason::kEventsDropped:
      return "events_dropped";
  }
  return "non_printable";
}

std::optional<Terminator> Terminator::parse(std::string_view s) {
  if (s == "CR") return cr();
  if (s == "LF") return lf();
  if (s == "CRLF") return crlf();
  if (s.size() == 4 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    unsigned v = 0;
    for (char c : s.substr(2)) {
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        return std::nullopt;
    }
    return byte(static_cast<std::uint8_t>(v));
  }
  return std::nullopt;
}

std::optional<ScanReject> check_printable(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto b = static_cast<unsigned char>(line[i]);
    if (b < 0x20 || b > 0x7E) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      return ScanReject{ScanRejectReason::kNonPrintable,
                        std::string(b < 0x20 ? "control" : "non-ASCII") + " byte " + hex +
                            " at offset " + std::to_string(i)};
    }
  }
  return std::nullopt;
}

LineFramer::LineFramer(Terminator terminator, std::size_t max_line)
    : term_(std::move(terminator)), max_line_(max_line) {
  assert(!term_.bytes.empty() && term_.bytes.size() <= 2 && max_line_ >= 1);
  buf_.reserve(max_line_ + term_.bytes.size());
}

void LineFramer::reset() {
  buf_.clear();
  discarding_ = false;
}

bool LineFramer::ends_with_terminator(const std::string& s) const {
  return s.size() >= term_.bytes.size() &&
         s.compare(s.size() - term_.bytes.size(), term_.bytes.size(), term_.bytes) == 0;
}

void LineFramer::finish(std::string_view line, std::vector<FramedLine>& out) const {
  if (line.empty()) return;
  if (auto bad = check_printable(line)) {
    out.emplace_back(std::move(*bad));
    return;
  }
  out.emplace_back(std::string(line));
}

void LineFramer::feed(std::span<const std::uint8_t> bytes, std::vector<FramedLine>& out) {
  const std::size_t t = term_.bytes.size();
  for (std::uint8_t b : bytes) {
    buf_.push_back(static_cast<char>(b));
    if (ends_with_terminator(buf_)) {
      if (!discarding_) finish(std::string_view(buf_).substr(0, buf_.size() - t), out);
      buf_.clear();
      discarding_ = false;
      continue;
    }
    if (discarding_) {
      // Keep only what could start a terminator.
      if (buf_.size() >= t) buf_.erase(0, buf_.size() - (t - 1));
      continue;
    }
    if (buf_.size() >= max_line_ + t) {
      // max_line content bytes plus a full terminator's worth and still no terminator.
      out.emplace_back(ScanReject{ScanRejectReason::kLineTooLong,
                                  "line longer than " + std::to_string(max_line_) + " bytes"});
      discarding_ = true;
      buf_.erase(0, buf_.size() - (t - 1));
    }
  }
}

}  // namespace kiosk::drivers
