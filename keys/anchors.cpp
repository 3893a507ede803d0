#include "keys/anchors.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::keys {

const VerifyKey* Anchors::find(const Kid& kid) const {
  for (const auto& k : keys) {
    if (k.kid() == kid) return &k;
  }
  return nullptr;
}

std::optional<VerifyKey> parse_anchor(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  SigAlg alg;
  if (text.size() == 2 * sign::public_key_bytes(SigAlg::kEd25519)) {
    alg = SigAlg::kEd25519;
  } else if (text.size() == 2 * sign::public_key_bytes(SigAlg::kSm2)) {
    alg = SigAlg::kSm2;
  } else {
    return std::nullopt;
  }
  auto bytes = from_hex(text);
  if (!bytes) return std::nullopt;
  return VerifyKey::make(alg, *bytes);
}

Result<Anchors, std::string> load_anchors(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Unexpected{dir + ": cannot read the anchors directory: " + ec.message()};
  std::vector<fs::path> files;
  for (const auto& entry : it) {
    if (entry.path().extension() == ".pub") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  Anchors anchors;
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::string text(200, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return Unexpected{p.string() + ": cannot read"};
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto key = parse_anchor(text);
    if (!key)
      return Unexpected{p.string() +
                        ": not an anchor (64 hex characters for Ed25519 or 130 for an SM2 point on "
                        "the curve expected)"};
    anchors.keys.push_back(*key);
  }
  if (anchors.keys.empty()) return Unexpected{dir + ": no *.pub trust anchor found"};
  return anchors;
}

}  // namespace kiosk::keys
