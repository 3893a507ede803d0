#include "sim/camera/image_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include <opencv2/imgcodecs.hpp>

namespace kiosk::sim {

using drivers::CameraError;
using drivers::CameraFault;

namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}

Result<cv::Size, std::string> size_of(std::int64_t w, std::int64_t h) {
  if (w <= 0 || h <= 0) return Unexpected(std::string("image header gives a zero size"));
  if (w > (1 << 20) || h > (1 << 20))
    return Unexpected(std::string("image header size out of range"));
  return cv::Size(static_cast<int>(w), static_cast<int>(h));
}

Result<cv::Size, std::string> probe_jpeg(std::span<const std::uint8_t> b) {
  // Walk the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return Unexpected(std::string("corrupt JPEG: bad marker"));
    std::uint8_t m = b[i + 1];
    if (m == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // markers without a length
      i += 2;
      continue;
    }
    std::size_t len = std::size_t{b[i + 2]} << 8 | b[i + 3];
    if (len < 2) return Unexpected(std::string("corrupt JPEG: bad segment length"));
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (i + 9 > b.size()) break;
      return size_of(std::int64_t{b[i + 7]} << 8 | b[i + 8],
                     std::int64_t{b[i + 5]} << 8 | b[i + 6]);
    }
    if (m == 0xDA || m == 0xD9) return Unexpected(std::string("corrupt JPEG: no frame header"));
    i += 2 + len;
  }
  return Unexpected(std::string("truncated JPEG: no frame header"));
}

Result<cv::Size, std::string> probe_pnm(std::span<const std::uint8_t> b) {
  std::size_t i = 2;
  std::int64_t v[2] = {0, 0};
  for (auto& x : v) {
    while (i < b.size() && (std::isspace(b[i]) || b[i] == '#')) {
      if (b[i] == '#')
        while (i < b.size() && b[i] != '\n')
          ++i;
      else
        ++i;
    }
    std::size_t digits = 0;
    while (i < b.size() && std::isdigit(b[i]) && digits < 9)
      x = x * 10 + (b[i++] - '0'), ++digits;
    if (digits == 0 || digits == 9) return Unexpected(std::string("corrupt PNM header"));
  }
  return size_of(v[0], v[1]);
}

bool contains_near_end(std::span<const std::uint8_t> b, std::string_view what, std::size_t window) {
  auto from = b.size() > window ? b.size() - window : 0;
  auto tail = b.subspan(from);
  return std::search(tail.begin(), tail.end(), what.begin(), what.end(),
                     [](std::uint8_t x, char y) { return x == static_cast<std::uint8_t>(y); }) !=
         tail.end();
}

}  // namespace

Result<cv::Size, std::string> probe_image_size(std::span<const std::uint8_t> b) {
  static constexpr std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (b.size() >= 8 && std::equal(kPng, kPng + 8, b.begin())) {
    if (b.size() < 24) return Unexpected(std::string("truncated PNG header"));
    if (!std::equal(b.begin() + 12, b.begin() + 16, "IHDR"))
      return Unexpected(std::string("corrupt PNG: no IHDR"));
    return size_of(be32(&b[16]), be32(&b[20]));
  }
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return probe_jpeg(b);
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') {
    if (b.size() < 26) return Unexpected(std::string("truncated BMP header"));
    auto h = static_cast<std::int32_t>(le32(&b[22]));
    return size_of(static_cast<std::int32_t>(le32(&b[18])), h < 0 ? -std::int64_t{h} : h);
  }
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return probe_pnm(b);
  return Unexpected(std::string("unsupported image format (PNG, JPEG, BMP or PNM expected)"));
}

Result<cv::Mat, CameraFault> load_image_file(const std::string& path, const ImageLimits& limits) {
  namespace fs = std::filesystem;
  auto bad = [&](std::string why) {
    return Unexpected(CameraFault{CameraError::kBadInput, path + ": " + why});
  };
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return bad("file not found");
  if (!fs::is_regular_file(st)) return bad("not a regular file");
  auto size = fs::file_size(path, ec);
  if (ec) return bad("cannot read the size: " + ec.message());
  if (size == 0) return bad("empty file");
  if (size > limits.max_file_bytes || size > std::numeric_limits<std::size_t>::max())
    return bad("file too large (" + std::to_string(size) + " bytes, limit " +
               std::to_string(limits.max_file_bytes) + ")");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));  // <= the limit
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    return bad("cannot read the file");

  auto dims = probe_image_size(bytes);
  if (!dims) return bad(dims.error());
  auto pixels = std::uint64_t(dims->width) * std::uint64_t(dims->height);
  if (pixels > limits.max_pixels)
    return bad("too many pixels (" + std::to_string(dims->width) + "x" +
               std::to_string(dims->height) + ", limit " + std::to_string(limits.max_pixels) + ")");
  // Decoders fill a truncated image with grey and say so only on stderr: check the end marker.
  if (bytes[0] == 0x89 && !contains_near_end(bytes, "IEND", 16)) return bad("truncated PNG");
  if (bytes[0] == 0xFF && !contains_near_end(bytes, "\xFF\xD9", 64)) return bad("truncated JPEG");

  cv::Mat img;
  try {
    img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return bad(std::string("corrupt image: ") + e.what());
  }
  if (img.empty()) return bad("corrupt image (does not decode)");
  if (img.size() != *dims) return bad("corrupt image (decoded size differs from its header)");
  return img;
}

}  // namespace kiosk::sim
