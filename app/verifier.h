// The offline verifier of spec section 8: presented bytes in, a verdict out. Pure: no clock, no
// file, no socket; the caller passes the trust snapshot, the settings and `now`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/bytes.h"
#include "app/reason.h"
#include "app/trust.h"

namespace kiosk {

struct VerifySettings {
  std::vector<std::string> jurisdiction;  ///< prefixes of GB/T 2260 codes; empty: rule not applied
  std::int64_t max_age = 90;              ///< seconds a presentation stays fresh
  std::int64_t skew = 30;                 ///< seconds a presentation may be ahead of the kiosk
};

/// What the chip answered (spec section 5).
struct ChipInput {
  Bytes ef;         ///< the credential file as READ BINARY returned it: 2-byte length, then bytes
  Bytes challenge;  ///< the 32 random bytes sent with INTERNAL AUTHENTICATE
  Bytes signature;  ///< the card's answer
};

constexpr std::size_t kMaxQrText = 2000;     ///< characters
constexpr std::size_t kMaxCoseBytes = 4096;  ///< decompressed, and the chip file's L
constexpr std::size_t kChallengeSize = 32;
constexpr std::string_view kChipAuthContext = "WPCN-AA1";

/// The holder record, present only when the issuer signature verified.
struct HolderRecord {
  std::string name, nat, dob, ppn, wpn;
  std::optional<std::string> ssn;
  std::optional<char> cat;
  std::string uscc;
  std::optional<std::string> empn;
  std::string loc;
  std::string iss;
  std::uint64_t nbf = 0, exp = 0, iat = 0;
};

struct Verdict {
  Outcome outcome = Outcome::kReject;
  Document document = Document::kUnknown;
  std::vector<Reason> reasons;  ///< in the order of the spec's table
  std::optional<HolderRecord> holder;
  std::optional<Kid> issuer_kid;  ///< the key that verified the credential
  Bytes cti;                      ///< the credential id, once the signature verified (for audit)
  std::optional<std::uint64_t> presented_at;  ///< e-card presentation time

  bool has(Reason r) const;
};

/// Verifies the text of a QR code (`WPC1:` or `WPP1:`).
Verdict verify_qr(std::string_view text, const TrustSnapshot& trust, const VerifySettings& settings,
                  std::int64_t now);

/// Verifies what a chip answered.
Verdict verify_chip(const ChipInput& chip, const TrustSnapshot& trust,
                    const VerifySettings& settings, std::int64_t now);

/// The JSON line of cli.md: {"outcome","document","reasons","holder",...}.
std::string to_json(const Verdict& v);

}  // namespace kiosk
