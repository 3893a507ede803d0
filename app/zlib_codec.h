// zlib streams (RFC 1950) with a hard output limit: the decompressor stops at the limit.
#pragma once

#include <cstddef>

#include "app/bytes.h"
#include "app/result.h"

namespace kiosk::zlib {

enum class InflateError {
  kCorrupt,   ///< not a complete, valid zlib stream, or bytes follow its end
  kTooLarge,  ///< the stream would inflate past the limit (it was stopped there)
};

/// Inflates one whole zlib stream. Never allocates more than `limit` bytes of output.
Result<Bytes, InflateError> inflate(ByteView in, std::size_t limit);

/// Compresses `in` as a zlib stream at the highest level (for issuers and the simulator).
Bytes deflate(ByteView in);

}  // namespace kiosk::zlib
