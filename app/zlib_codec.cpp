#include "app/zlib_codec.h"

#include <zlib.h>

#include <limits>

namespace kiosk::zlib {

Result<Bytes, InflateError> inflate(ByteView in, std::size_t limit) {
  if (in.size() > std::numeric_limits<uInt>::max() || limit >= std::numeric_limits<uInt>::max()) {
    return Unexpected{InflateError::kTooLarge};
  }
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Unexpected{InflateError::kCorrupt};
  // One byte beyond the limit tells "exactly at the limit" from "past it".
  Bytes out(std::min<std::size_t>(limit + 1, 64 * 1024));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  std::size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > limit) break;
      // reserve() first: resize() alone may double the capacity past what the limit allows.
      std::size_t grown = std::min<std::size_t>(out.size() * 2, limit + 1);
      out.reserve(grown);
      out.resize(grown);
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    rc = ::inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) continue;  // needs room
    break;  // Z_BUF_ERROR with room: input ended early; Z_DATA_ERROR etc.
  }
  inflateEnd(&zs);
  if (produced > limit) return Unexpected{InflateError::kTooLarge};
  if (rc != Z_STREAM_END || zs.avail_in != 0) return Unexpected{InflateError::kCorrupt};
  out.resize(produced);
  return out;
}

Bytes deflate(ByteView in) {
  uLongf cap = compressBound(static_cast<uLong>(in.size()));
  Bytes out(cap);
  int rc =
      compress2(out.data(), &cap, in.data(), static_cast<uLong>(in.size()), Z_BEST_COMPRESSION);
  assert(rc == Z_OK);
  (void)rc;
  out.resize(cap);
  return out;
}

}  // namespace kiosk::zlib
