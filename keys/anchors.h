// Trust anchors: the raw Ed25519 keys the firmware carries, one `*.pub` file (64 hex characters)
// each. Only bundles signed by an anchor are installed.
#pragma once

#include <string>
#include <vector>

#include "app/crypto.h"
#include "app/result.h"

namespace kiosk::keys {

struct Anchors {
  std::vector<PublicKey> keys;
  const PublicKey* find(const Kid& kid) const;
};

/// Parses one anchor file's text: 64 hex characters, surrounding white space allowed.
std::optional<PublicKey> parse_anchor(std::string_view text);

/// Loads every `*.pub` in `dir`. Fails naming the file for an unreadable or malformed anchor, and
/// when the directory holds none.
Result<Anchors, std::string> load_anchors(const std::string& dir);

}  // namespace kiosk::keys
