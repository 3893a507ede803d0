#include "firmware/kioskctl/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

// clang-format off
#include <png.h>
#include <jpeglib.h>
#include <webp/decode.h>
// clang-format on

#include "app/scan/scanner.h"

namespace kiosk::ctl {

namespace {

using Bytes = std::span<const std::uint8_t>;

// A legitimate progressive JPEG has about ten scans; thousands of tiny ones are a known way
// to make a small file cost minutes (libjpeg-turbo's TurboJPEG API caps them the same way).
constexpr int kMaxJpegScans = 100;
// libjpeg's working memory (a progressive frame keeps every coefficient): a 4096x4096 4:4:4
// frame needs 96 MiB.
constexpr long kMaxJpegMemory = 128L << 20;
// libpng's largest ancillary chunk (text, ICC profile): the pixels need none of them.
constexpr png_alloc_size_t kMaxPngChunk = 8u << 20;

constexpr std::size_t kWhyLength = JMSG_LENGTH_MAX + 32;  // a libjpeg message and a prefix

std::uint32_t be16(Bytes b, std::size_t i) {
  return static_cast<std::uint32_t>(b[i] << 8 | b[i + 1]);
}
std::uint32_t be32(Bytes b, std::size_t i) {
  return be16(b, i) << 16 | be16(b, i + 2);
}
std::uint32_t le(Bytes b, std::size_t i, int n) {
  std::uint32_t v = 0;
  for (int k = n - 1; k >= 0; --k)
    v = v << 8 | b[i + static_cast<std::size_t>(k)];
  return v;
}
bool starts(Bytes b, std::size_t at, std::string_view s) {
  return b.size() >= at + s.size() && std::memcmp(b.data() + at, s.data(), s.size()) == 0;
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

enum class Format { kPng, kJpeg, kWebp };

Format format_of(Bytes b) {
  if (starts(b, 0, "\x89PNG\r\n\x1a\n")) return Format::kPng;
  if (b.size() >= 2 && b[0] == 0xFF && b[1] == 0xD8) return Format::kJpeg;
  return Format::kWebp;  // image_header_size has checked that it is one of the three
}

// ---- PNG: libpng with OpenCV's transformations --------------------------------------------
// libpng reports errors by longjmp: the functions that call it hold no C++ object with a
// destructor, and their callers own every buffer.

struct PngInput {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos;
  char* why;
};

void png_read_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* in = static_cast<PngInput*>(png_get_io_ptr(png));
  if (n > in->size - in->pos) png_error(png, "truncated PNG data");
  std::memcpy(out, in->data + in->pos, n);
  in->pos += n;
}

void png_fail(png_structp png, png_const_charp message) {
  auto* in = static_cast<PngInput*>(png_get_error_ptr(png));
  std::snprintf(in->why, kWhyLength, "corrupt PNG: %s", message);
  std::longjmp(png_jmpbuf(png), 1);
}

void png_quiet(png_structp, png_const_charp) {}

bool decode_png(PngInput* in, png_bytepp rows, png_uint_32 width, png_uint_32 height) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, in, png_fail, png_quiet);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, in, png_read_memory);
  png_set_user_limits(png, width, height);
  png_set_chunk_malloc_max(png, kMaxPngChunk);
  png_read_info(png, info);
  if (png_get_image_width(png, info) != width || png_get_image_height(png, info) != height)
    png_error(png, "the image size differs from the header's");
  int depth = png_get_bit_depth(png, info);
  int color = png_get_color_type(png, info);
  if (depth == 16) png_set_strip_16(png);
  png_set_strip_alpha(png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if ((color & PNG_COLOR_MASK_COLOR) == 0 && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if ((color & PNG_COLOR_MASK_COLOR) != 0)
    png_set_bgr(png);
  else
    png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != static_cast<png_size_t>(width) * 3)
    png_error(png, "unexpected row layout");
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

// ---- JPEG: libjpeg-turbo, BGR out (CMYK converted as OpenCV does) --------------------------

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char why[kWhyLength];
};

void jpeg_fail(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  char message[JMSG_LENGTH_MAX];
  (*c->err->format_message)(c, message);
  std::snprintf(e->why, kWhyLength, "corrupt JPEG: %s", message);
  std::longjmp(e->jump, 1);
}

void jpeg_quiet(j_common_ptr, int) {}

[[noreturn]] void jpeg_refuse(j_common_ptr c, const char* why) {
  auto* e = reinterpret_cast<JpegErrors*>(c->err);
  std::snprintf(e->why, kWhyLength, "%s", why);
  std::longjmp(e->jump, 1);
}

void jpeg_count_scans(j_common_ptr c) {
  if (c->is_decompressor &&
      reinterpret_cast<j_decompress_ptr>(c)->input_scan_number > kMaxJpegScans)
    jpeg_refuse(c, "JPEG of too many scans refused");
}

void cmyk_to_bgr(const std::uint8_t* cmyk, std::uint8_t* bgr, JDIMENSION width) {
  // OpenCV's icvCvt_CMYK2BGR_8u_C4C3R (Adobe's inverted CMYK, as libjpeg gives it).
  for (JDIMENSION x = 0; x < width; ++x, cmyk += 4, bgr += 3) {
    int k = cmyk[3];
    bgr[2] = static_cast<std::uint8_t>(k - ((255 - cmyk[0]) * k >> 8));
    bgr[1] = static_cast<std::uint8_t>(k - ((255 - cmyk[1]) * k >> 8));
    bgr[0] = static_cast<std::uint8_t>(k - ((255 - cmyk[2]) * k >> 8));
  }
}

bool decode_jpeg(Bytes bytes, JDIMENSION width, JDIMENSION height, std::uint8_t* out,
                 std::size_t step, std::uint8_t* cmyk_row, JpegErrors* errors) {
  jpeg_decompress_struct d;
  std::memset(&d, 0, sizeof d);
  jpeg_progress_mgr progress{};
  progress.progress_monitor = jpeg_count_scans;
  d.err = jpeg_std_error(&errors->mgr);
  errors->mgr.error_exit = jpeg_fail;
  errors->mgr.emit_message = jpeg_quiet;
  if (setjmp(errors->jump)) {
    jpeg_destroy_decompress(&d);
    return false;
  }
  jpeg_create_decompress(&d);
  d.mem->max_memory_to_use = kMaxJpegMemory;
  d.progress = &progress;
  jpeg_mem_src(&d, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&d, TRUE);
  if (d.image_width != width || d.image_height != height)
    jpeg_refuse(reinterpret_cast<j_common_ptr>(&d),
                "corrupt JPEG: the image size differs from the header's");
  bool cmyk = d.num_components == 4;
  d.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
  jpeg_start_decompress(&d);
  if (d.output_width != width || d.output_height != height || d.output_components != (cmyk ? 4 : 3))
    jpeg_refuse(reinterpret_cast<j_common_ptr>(&d), "corrupt JPEG: unexpected output layout");
  while (d.output_scanline < d.output_height) {
    std::uint8_t* row = out + static_cast<std::size_t>(d.output_scanline) * step;
    JSAMPROW target = cmyk ? cmyk_row : row;
    if (jpeg_read_scanlines(&d, &target, 1) != 1)
      jpeg_refuse(reinterpret_cast<j_common_ptr>(&d), "truncated JPEG");
    if (cmyk) cmyk_to_bgr(cmyk_row, row, width);
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return true;
}

Result<BgrImage, std::string> decode_checked(Bytes bytes, ImageSize size) {
  BgrImage image;
  image.width = size.width;
  image.height = size.height;
  image.pixels.resize(image.step() * static_cast<std::size_t>(size.height));
  char why[kWhyLength] = "";
  bool ok = false;
  switch (format_of(bytes)) {
    case Format::kPng: {
      std::vector<png_bytep> rows(static_cast<std::size_t>(size.height));
      for (int y = 0; y < size.height; ++y)
        rows[static_cast<std::size_t>(y)] =
            image.pixels.data() + image.step() * static_cast<std::size_t>(y);
      PngInput in{bytes.data(), bytes.size(), 0, why};
      ok = decode_png(&in, rows.data(), static_cast<png_uint_32>(size.width),
                      static_cast<png_uint_32>(size.height));
      break;
    }
    case Format::kJpeg: {
      std::vector<std::uint8_t> cmyk_row(static_cast<std::size_t>(size.width) * 4);
      JpegErrors errors{};
      ok = decode_jpeg(bytes, static_cast<JDIMENSION>(size.width),
                       static_cast<JDIMENSION>(size.height), image.pixels.data(), image.step(),
                       cmyk_row.data(), &errors);
      if (!ok) std::memcpy(why, errors.why, kWhyLength);
      break;
    }
    case Format::kWebp: {
      WebPBitstreamFeatures f;
      if (WebPGetFeatures(bytes.data(), bytes.size(), &f) != VP8_STATUS_OK) {
        std::snprintf(why, kWhyLength, "corrupt WebP");
      } else if (f.has_animation) {
        std::snprintf(why, kWhyLength, "animated WebP not supported");
      } else if (f.width != size.width || f.height != size.height) {
        std::snprintf(why, kWhyLength, "corrupt WebP: the image size differs from the header's");
      } else {
        ok = WebPDecodeBGRInto(bytes.data(), bytes.size(), image.pixels.data(), image.pixels.size(),
                               static_cast<int>(image.step())) != nullptr;
        if (!ok)
          std::snprintf(why, kWhyLength, "cannot decode the WebP data (truncated or corrupt)");
      }
      break;
    }
  }
  if (!ok)
    return Unexpected{why[0] != '\0' ? std::string(why) : std::string("cannot decode the image")};
  return image;
}

}  // namespace

Result<ImageSize, std::string> image_header_size(Bytes b) {
  const auto truncated = Unexpected{std::string("truncated image header")};
  if (starts(b, 0, "\x89PNG\r\n\x1a\n")) {
    // The IHDR chunk comes first: length, "IHDR", width, height (big-endian).
    if (b.size() < 24) return truncated;
    if (!starts(b, 12, "IHDR")) return Unexpected{std::string("PNG without IHDR")};
    return sized(be32(b, 16), be32(b, 20));
  }
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8) {
    // Walk the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
    std::size_t i = 2;
    while (i + 4 <= b.size()) {
      if (b[i] != 0xFF) return Unexpected{std::string("corrupt JPEG")};
      std::uint8_t marker = b[i + 1];
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
  if (starts(b, 0, "RIFF") && starts(b, 8, "WEBP")) {
    if (b.size() < 30) return truncated;
    if (starts(b, 12, "VP8 ")) return sized(le(b, 26, 2) & 0x3FFF, le(b, 28, 2) & 0x3FFF);
    if (starts(b, 12, "VP8L")) {
      std::uint32_t bits = le(b, 21, 4);
      return sized((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (starts(b, 12, "VP8X")) return sized(le(b, 24, 3) + 1, le(b, 27, 3) + 1);
    return Unexpected{std::string("unknown WebP chunk")};
  }
  return Unexpected{std::string("not a PNG, JPEG or WebP image")};
}

Result<BgrImage, std::string> decode_image(Bytes bytes) {
  auto size = image_header_size(bytes);
  if (!size) return Unexpected{size.error()};
  try {
    return decode_checked(bytes, *size);
  } catch (const std::bad_alloc&) {  // the pixel buffer could not be allocated
  }
  return Unexpected{std::string("out of memory for the image")};
}

Result<BgrImage, std::string> read_image_file(const std::string& path) {
  // O_NONBLOCK: a FIFO or a device must not hang the open; it is refused below anyway.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return Unexpected{"cannot open: " + std::string(std::strerror(errno))};
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected{std::string("cannot open: ") + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Unexpected{std::string("not a regular file")};
  if (st.st_size == 0) return Unexpected{std::string("empty file")};
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxImageFileBytes)
    return Unexpected{"file too large: " + std::to_string(st.st_size) + " bytes (limit " +
                      std::to_string(kMaxImageFileBytes) + ")"};
  // One byte more than the size: a file that grew while read is refused, not cut short.
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected{std::string("cannot read: ") + std::strerror(errno)};
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != static_cast<std::size_t>(st.st_size))
    return Unexpected{std::string("the file changed size while it was read")};
  bytes.pop_back();
  return decode_image(bytes);
}

}  // namespace kiosk::ctl
