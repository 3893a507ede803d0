// The verdict vocabulary of spec section 8: reasons (in the order of the spec's table), outcomes
// and documents, with their wire names and the officer's texts in English and Chinese.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk {

/// Reasons, declared in the order of the spec's table: sorting by value gives the listing order.
enum class Reason : std::uint8_t {
  kMalformed,
  kUnsupported,
  kWrongCarrier,
  kUnknownKey,
  kBadSignature,
  kKeyRevoked,
  kKeyNotValidAtIssue,
  kKeyScope,
  kHolderBindingFailed,
  kPresentationExpired,
  kPresentationNotYetValid,
  kCredentialExpired,
  kCredentialNotYetValid,
  kCredentialRevoked,
  kKeysetMissing,
  kKeysetExpired,
  kStatusUnknown,
  kJurisdictionMismatch,
  kClockUntrusted,
};
constexpr int kReasonCount = 19;

enum class Outcome : std::uint8_t { kAccept, kReview, kReject };

enum class Document : std::uint8_t {
  kUnknown = 0,
  kESsc = 1,
  kWpnl = 2,
  kWpCard = 3,
  kSscChip = 4
};

enum class Language : std::uint8_t { kEn, kZh };

/// The spec's name, e.g. "HOLDER_BINDING_FAILED".
std::string_view name(Reason r);
std::string_view name(Outcome o);
std::string_view name(Document d);
std::optional<Reason> reason_from_name(std::string_view s);
/// The names joined by commas, e.g. "CREDENTIAL_EXPIRED,STATUS_LIST_EXPIRED"; "-" when none.
std::string names(const std::vector<Reason>& reasons);

/// The outcome a reason forces on its own (REJECT or REVIEW).
Outcome outcome_of(Reason r);

/// What the officer reads for a reason, in one sentence.
std::string_view text(Reason r, Language lang);
/// The document's name for the officer, e.g. "Work Permit Notification Letter" /
/// "外国人工作许可通知".
std::string_view text(Document d, Language lang);
std::string_view text(Outcome o, Language lang);

}  // namespace kiosk
