// The chip-file JSON of spec/cli.md and the vectors: {"ef", "challenge", "signature"} in hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/verifier.h"

namespace kiosk {

/// Parses a chip file; nullopt (with `why`) when it is not a JSON object with the three hex
/// strings.
std::optional<ChipInput> parse_chip_file(std::string_view text, std::string* why = nullptr);

/// Writes a chip file for `chip` (one line).
std::string chip_file_json(const ChipInput& chip);

}  // namespace kiosk
