// The issuer-signed credential (spec section 3) and the holder presentation (section 4): parsing
// with every field rule checked. Parsing says nothing about signatures: see verifier.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/cose.h"
#include "app/reason.h"
#include "app/result.h"

namespace kiosk {

/// The `wp` map: the work-permit record.
struct WorkPermit {
  Document doc = Document::kUnknown;
  std::string wpn;                   ///< work permit number
  std::optional<std::string> ssn;    ///< social security number (docs 1 and 4)
  std::string name;                  ///< as in the passport
  std::string nat;                   ///< ISO 3166-1 alpha-3
  std::string dob;                   ///< YYYY-MM-DD
  std::string ppn;                   ///< passport number
  std::optional<char> cat;           ///< talent category A, B or C
  std::string uscc;                  ///< employer's unified social credit code
  std::string loc;                   ///< work location, GB/T 2260 code
  std::optional<std::uint64_t> sti;  ///< index into the issuer's status list
  std::optional<std::string> empn;   ///< employer name
};

/// A credential whose structure and fields are valid. Its signature is NOT yet verified.
struct Credential {
  cose::Sign1 cose;  ///< views into the credential bytes
  Kid kid{};
  std::string iss;
  std::uint64_t exp = 0;
  std::uint64_t nbf = 0;
  std::uint64_t iat = 0;
  Bytes cti;
  std::optional<VerifyKey> cnf;  ///< holder key (docs 1 and 4): Ed25519 or SM2, validated
  WorkPermit wp;
};

/// A holder presentation whose structure is valid; its signature is NOT yet verified.
struct Presentation {
  cose::Sign1 cose;     ///< views into the presentation bytes
  ByteView credential;  ///< the embedded credential COSE_Sign1 bytes
  std::uint64_t t = 0;  ///< presentation time, epoch seconds
};

/// Reason on failure: Reason::kMalformed or Reason::kUnsupported.
Result<Credential, Reason> parse_credential(ByteView cose_bytes);
Result<Presentation, Reason> parse_presentation(ByteView cose_bytes);

/// Field format rules of section 3, exposed for the simulator and tests.
namespace format {
bool wpn(std::string_view s);
bool nat(std::string_view s);
bool dob(std::string_view s);
bool uscc(std::string_view s);
bool loc(std::string_view s);
}  // namespace format

}  // namespace kiosk
