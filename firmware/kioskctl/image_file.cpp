#include "firmware/kioskctl/image_file.h"

#include <cstdint>
#include <fstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "app/scan/scanner.h"

namespace kiosk::ctl {

namespace {

constexpr std::size_t kMaxFileBytes = 256u << 20;

std::uint32_t be16(const std::string& b, std::size_t i) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i]) << 8 |
                                    static_cast<unsigned char>(b[i + 1]));
}
std::uint32_t be32(const std::string& b, std::size_t i) {
  return be16(b, i) << 16 | be16(b, i + 2);
}
std::uint32_t le(const std::string& b, std::size_t i, int n) {
  std::uint32_t v = 0;
  for (int k = n - 1; k >= 0; --k)
    v = v << 8 | static_cast<unsigned char>(b[i + static_cast<std::size_t>(k)]);
  return v;
}

Result<ImageSize, std::string> sized(std::uint32_t w, std::uint32_t h) {
  if (w == 0 || h == 0) return Unexpected{std::string("image header declares no pixels")};
  if (w > static_cast<std::uint32_t>(scan::kMaxSide) ||
      h > static_cast<std::uint32_t>(scan::kMaxSide) ||
      static_cast<std::uint64_t>(w) * h > static_cast<std::uint64_t>(scan::kMaxPixels))
    return Unexpected{"image too large: " + std::to_string(w) + "x" + std::to_string(h) +
                      " pixels (limit " + std::to_string(scan::kMaxPixels) + " pixels)"};
  return ImageSize{static_cast<int>(w), static_cast<int>(h)};
}

}  // namespace

Result<ImageSize, std::string> image_header_size(const std::string& b) {
  const auto truncated = Unexpected{std::string("truncated image header")};
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    // The IHDR chunk comes first: length, "IHDR", width, height (big-endian).
    if (b.size() < 24) return truncated;
    if (b.compare(12, 4, "IHDR") != 0) return Unexpected{std::string("PNG without IHDR")};
    return sized(be32(b, 16), be32(b, 20));
  }
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
      static_cast<unsigned char>(b[1]) == 0xD8) {
    // Walk the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
    std::size_t i = 2;
    while (i + 4 <= b.size()) {
      if (static_cast<unsigned char>(b[i]) != 0xFF) return Unexpected{std::string("corrupt JPEG")};
      auto marker = static_cast<unsigned char>(b[i + 1]);
      if (marker == 0xFF) {
        ++i;
        continue;
      }
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        i += 2;
        continue;
      }
      std::uint32_t len = be16(b, i + 2);
      if (len < 2) return Unexpected{std::string("corrupt JPEG")};
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        if (i + 9 > b.size()) return truncated;
        return sized(be16(b, i + 7), be16(b, i + 5));
      }
      if (marker == 0xD9 || marker == 0xDA) break;
      i += 2 + len;
    }
    return Unexpected{std::string("JPEG without a frame header (truncated or corrupt)")};
  }
  if (b.size() >= 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
    if (b.size() < 30) return truncated;
    if (b.compare(12, 4, "VP8 ") == 0) return sized(le(b, 26, 2) & 0x3FFF, le(b, 28, 2) & 0x3FFF);
    if (b.compare(12, 4, "VP8L") == 0) {
      std::uint32_t bits = le(b, 21, 4);
      return sized((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (b.compare(12, 4, "VP8X") == 0) return sized(le(b, 24, 3) + 1, le(b, 27, 3) + 1);
    return Unexpected{std::string("unknown WebP chunk")};
  }
  return Unexpected{std::string("not a PNG, JPEG or WebP image")};
}

Result<cv::Mat, std::string> read_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{std::string("cannot open")};
  std::string bytes(kMaxFileBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) return Unexpected{std::string("cannot read")};
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.empty()) return Unexpected{std::string("empty file")};
  if (bytes.size() > kMaxFileBytes) return Unexpected{std::string("file too large")};
  auto size = image_header_size(bytes);
  if (!size) return Unexpected{size.error()};
  cv::Mat m;
  try {
    std::vector<std::uint8_t> buf(bytes.begin(), bytes.end());
    bytes.clear();
    m = cv::imdecode(buf, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    m.release();
  }
  if (m.empty()) return Unexpected{std::string("cannot decode the image (truncated or corrupt)")};
  return m;
}

}  // namespace kiosk::ctl
