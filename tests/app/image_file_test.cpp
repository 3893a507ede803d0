// kioskctl's image loader (firmware/kioskctl/image_file): the same pixels as OpenCV's imdecode on
// every corpus image, and bounded refusals for files and headers that are not what they claim.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "firmware/kioskctl/image_file.h"

namespace fs = std::filesystem;
using kiosk::ctl::decode_image;
using kiosk::ctl::read_image_file;

namespace {

std::vector<std::uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> encode(const cv::Mat& m, const std::string& ext,
                                 const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> out;
  REQUIRE(cv::imencode(ext, m, out, params));
  return out;
}

cv::Mat pattern(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) = {static_cast<std::uint8_t>(x * 7), static_cast<std::uint8_t>(y * 3),
                               static_cast<std::uint8_t>((x ^ y) * 5)};
  return m;
}

// The start of a baseline JPEG's frame header (SOF0).
std::vector<std::uint8_t>::iterator sof0(std::vector<std::uint8_t>& jpg) {
  static constexpr std::uint8_t kMarker[] = {0xFF, 0xC0};
  return std::search(jpg.begin(), jpg.end(), std::begin(kMarker), std::end(kMarker));
}

bool same(const kiosk::ctl::BgrImage& got, const cv::Mat& want) {
  if (got.pixels.size() != got.step() * static_cast<std::size_t>(got.height)) return false;
  // A view of the decoded pixels (the test only reads them).
  cv::Mat a(got.height, got.width, CV_8UC3, const_cast<std::uint8_t*>(got.pixels.data()));
  return a.size() == want.size() && a.type() == want.type() && cv::norm(a, want, cv::NORM_INF) == 0;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "image_file_test.XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("every corpus image decodes to OpenCV's pixels") {
  int images = 0;
  for (const auto& e : fs::recursive_directory_iterator(KIOSK_TEST_DATA "/corpus/zxing-qr")) {
    auto ext = e.path().extension();
    if (ext != ".png" && ext != ".jpg" && ext != ".webp") continue;
    CAPTURE(e.path().string());
    auto bytes = slurp(e.path());
    cv::Mat want = cv::imdecode(bytes, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    auto got = read_image_file(e.path().string());
    REQUIRE(got);
    CHECK(same(*got, want));
    ++images;
  }
  CHECK(images == 137);
}

TEST_CASE("PNG, JPEG and WebP variants decode to OpenCV's pixels") {
  cv::Mat colour = pattern(67, 41);
  cv::Mat grey;
  cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
  cv::Mat alpha;
  cv::cvtColor(colour, alpha, cv::COLOR_BGR2BGRA);
  alpha.forEach<cv::Vec4b>(
      [](cv::Vec4b& p, const int* at) { p[3] = static_cast<std::uint8_t>(at[1] * 3); });
  cv::Mat deep;
  colour.convertTo(deep, CV_16UC3, 257.0);
  deep += cv::Scalar(3, 100, 200);
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> files = {
      {"png colour", encode(colour, ".png")},
      {"png grey", encode(grey, ".png")},
      {"png alpha", encode(alpha, ".png")},
      {"png 16-bit", encode(deep, ".png")},
      {"jpeg colour", encode(colour, ".jpg")},
      {"jpeg grey", encode(grey, ".jpg")},
      {"jpeg progressive", encode(colour, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
      {"webp lossy", encode(colour, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80})},
      {"webp lossless", encode(colour, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})},
      {"webp alpha", encode(alpha, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})},
  };
  for (const auto& [name, bytes] : files) {
    CAPTURE(name);
    auto got = decode_image(bytes);
    REQUIRE(got);
    CHECK(same(*got, cv::imdecode(bytes, cv::IMREAD_COLOR)));
  }
}

TEST_CASE("truncated, corrupt and lying images are refused with a reason, never a crash") {
  cv::Mat m = pattern(120, 90);
  for (const char* ext : {".png", ".jpg", ".webp"}) {
    CAPTURE(ext);
    auto whole = encode(m, ext, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    // Every cut: an error, or (a JPEG whose end is missing, which libjpeg pads) the full size.
    for (std::size_t cut = 0; cut < whole.size(); cut += 7) {
      auto r = decode_image(std::span(whole.data(), cut));
      if (r) {
        CHECK(r->width == 120);
        CHECK(r->height == 90);
      } else {
        CHECK_FALSE(r.error().empty());
      }
    }
  }
  SUBCASE("a JPEG whose frame header claims another size than its data") {
    auto jpg = encode(m, ".jpg");
    // The SOF0 segment's height (big-endian, 3 bytes after its length) set to 4000.
    auto sof = sof0(jpg);
    REQUIRE(sof != jpg.end());
    sof[5] = 0x0F;
    sof[6] = 0xA0;
    auto r = decode_image(jpg);
    // libjpeg pads the missing rows: the result, if any, has the size the header declares.
    if (r) CHECK(r->height == 4000);
  }
  SUBCASE("a PNG whose IHDR claims another size (CRC no longer matches)") {
    auto png = encode(m, ".png");
    png[19] = 200;  // width 200, low byte
    auto r = decode_image(png);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("corrupt PNG") == 0);
  }
  SUBCASE("headers declaring giant images are refused before any pixel is allocated") {
    std::string huge("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0",
                     29);
    auto r =
        decode_image(std::span(reinterpret_cast<const std::uint8_t*>(huge.data()), huge.size()));
    REQUIRE_FALSE(r);
    CHECK(r.error().find("image too large") == 0);
    auto jpg = encode(m, ".jpg");
    auto sof = sof0(jpg);
    REQUIRE(sof != jpg.end());
    sof[5] = 0xFF;  // 65535 rows by 120: over the side limit
    sof[6] = 0xFF;
    r = decode_image(jpg);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("image too large") == 0);
  }
}

TEST_CASE("read_image_file: only regular files, at most the cap, read to their size") {
  TempDir tmp;
  auto path = [&](const char* n) { return (tmp.path / n).string(); };
  cv::imwrite(path("ok.png"), pattern(30, 20));
  auto ok = read_image_file(path("ok.png"));
  REQUIRE(ok);
  CHECK(ok->width == 30);

  auto refused = [&](const std::string& p, const std::string& why) {
    CAPTURE(p);
    auto start = std::chrono::steady_clock::now();
    auto r = read_image_file(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().find(why) != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  };
  refused(path("missing.png"), "cannot open");
  refused(tmp.path.string(), "not a regular file");
  REQUIRE(mkfifo(path("fifo").c_str(), 0600) == 0);
  refused(path("fifo"), "not a regular file");  // and the open did not wait for a writer
  refused("/dev/zero", "not a regular file");
  std::ofstream(path("empty.png"));
  refused(path("empty.png"), "empty file");
  {
    // A sparse file one byte over the cap: refused from its size, never read.
    std::ofstream(path("big.png"));
    fs::resize_file(path("big.png"), kiosk::ctl::kMaxImageFileBytes + 1);
  }
  refused(path("big.png"), "file too large");
}
