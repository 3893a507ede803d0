// Trust anchors: the keys the firmware carries, one `*.pub` file each: 64 hex characters for an
// Ed25519 key, 130 for an SM2 point (spec section 9). Only bundles signed by an anchor are
// installed.
#pragma once

#include <string>
#include <vector>

#include "app/crypto.h"
#include "app/result.h"
#include "app/sign/sign.h"

namespace kiosk::keys {

struct Anchors {
  std::vector<VerifyKey> keys;
  const VerifyKey* find(const Kid& kid) const;
};

/// Parses one anchor file's text: 64 hex characters (Ed25519) or 130 (an SM2 point on the
/// curve), surrounding white space allowed.
std::optional<VerifyKey> parse_anchor(std::string_view text);

/// Loads every `*.pub` in `dir`. Fails naming the file for an unreadable or malformed anchor, and
/// when the directory holds none.
Result<Anchors, std::string> load_anchors(const std::string& dir);

}  // namespace kiosk::keys
