// The parts of a verdict that kioskctl's JSON line (cli.md) and kioskd's officer screen both
// write: the holder record and the reason messages. The two differ only where HolderJsonStyle
// says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/json.h"
#include "app/reason.h"
#include "app/verifier.h"

namespace kiosk {

/// How a holder record is written. The defaults are the verdict line of cli.md.
struct HolderJsonStyle {
  /// Writes each instant (epoch seconds, clamped to INT64_MAX) as this function's text of it;
  /// when null, as a JSON number.
  std::string (*instant)(std::int64_t epoch) = nullptr;
  bool issued_at = true;             ///< writes "issued_at" after "valid_until"
  bool empty_employer_name = false;  ///< an absent employer name is "" instead of left out
};

/// Writes the holder record as one JSON object (the value after the writer's current key).
void write_holder(json::Writer& w, const HolderRecord& h, const HolderJsonStyle& style = {});

/// Writes the reasons as an array of {"code","en","zh"} objects, in order.
void write_messages(json::Writer& w, const std::vector<Reason>& reasons);

}  // namespace kiosk
