// Base45 (RFC 9285), the QR alphanumeric-friendly encoding of the credential QR texts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/bytes.h"

namespace kiosk::base45 {

/// Decodes `text`; nullopt for a character outside the alphabet, a dangling single character,
/// or a group whose value exceeds its byte width (a triplet above 65535, a pair above 255).
std::optional<Bytes> decode(std::string_view text);

/// Encodes `data` (RFC 9285 section 4).
std::string encode(ByteView data);

}  // namespace kiosk::base45
