// libFuzzer target for kioskctl's image loader: any bytes through the header check and the PNG,
// JPEG and WebP decoders (firmware/kioskctl/image_file). A decoded image must have exactly the
// size its header declared. Seeds: the small corpus images (tests/fuzz/seeds.py).
#include <cstddef>
#include <cstdint>
#include <span>

#include "firmware/kioskctl/image_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> file(data, size);
  auto header = kiosk::ctl::image_header_size(file);
  auto image = kiosk::ctl::decode_image(file);
  if (image && (!header || image->width != header->width || image->height != header->height ||
                image->pixels.size() != image->step() * static_cast<std::size_t>(image->height)))
    __builtin_trap();
  return 0;
}
