// The valid test card of the conformance vectors: the "chip-valid" case's credential file and the
// "card-1" seed of test-keys.json (the credential's cnf key). TEST ONLY material.
#pragma once

#include <optional>
#include <string>

#include "sim/vcard/virtual_card.h"

namespace kiosk::sim {

/// Reads `dir`/cases.json and `dir`/test-keys.json; nullopt (with `why`) when they do not hold the
/// case and the key. `key` names the seed: "card-1" for the genuine chip, another for a clone.
std::optional<VcardConfig> vector_card(const std::string& dir, const std::string& key = "card-1",
                                       std::string* why = nullptr);

/// The seed named `key` in `dir`/test-keys.json.
std::optional<Seed> vector_seed(const std::string& dir, const std::string& key,
                                std::string* why = nullptr);

}  // namespace kiosk::sim
