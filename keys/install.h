// The install rules of spec sections 6 (key set bundles) and 7 (status lists), pure: the current
// trust and the file in, the result and the parsed new material out. The store applies it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/trust.h"
#include "keys/anchors.h"

namespace kiosk::keys {

enum class InstallResult {
  kInstalled,
  kUnchanged,
  kRollback,
  kExpired,
  kMalformed,
  kUnknownKey,
  kBadSignature,
  kKeyScope,
  kKeysetMissing,
};

std::string_view name(InstallResult r);
inline bool accepted(InstallResult r) {
  return r == InstallResult::kInstalled || r == InstallResult::kUnchanged;
}

/// What is installed now, as the rules need it.
struct InstalledTrust {
  std::optional<KeySet> keyset;
  Bytes keyset_cose;  ///< its exact bytes
  std::map<std::string, std::pair<std::uint64_t, Bytes>, std::less<>>
      status;  ///< iss -> seq, bytes
};

struct InstallDecision {
  InstallResult result = InstallResult::kMalformed;
  std::optional<TrustKind> kind;
  std::optional<KeySet> keyset;      ///< the parsed bundle, when it is to be installed
  std::optional<StatusList> status;  ///< the parsed list, when it is to be installed
};

/// Applies the rules in the spec's order and answers with the first result that applies.
InstallDecision decide_install(ByteView file, const Anchors& anchors, const InstalledTrust& current,
                               std::int64_t now);

}  // namespace kiosk::keys
