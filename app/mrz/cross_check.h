// The passport cross-check: a read TD3 zone against the verified holder record, field by field.
// Pure. A zone whose check digits fail is "read again" (its fields are not facts); a record whose
// issuer signature did not verify is not compared (nothing unverified is shown as fact). The
// overall result says whether the passport is this record's; it never speaks for the credential:
// see screen_tone().
#pragma once

#include <cstdint>
#include <string_view>

#include "app/mrz/mrz.h"
#include "app/reason.h"
#include "app/verifier.h"

namespace kiosk::mrz {

enum class FieldMatch : std::uint8_t { kMatch, kMismatch, kNotComparable };
enum class Overall : std::uint8_t {
  kMatch,          ///< every field matches
  kMismatch,       ///< at least one field differs: another person's passport, or a misprint
  kNotComparable,  ///< no mismatch, but a field could not be compared (script, truncation, ...)
  kReadAgain,      ///< the zone's check digits fail: read the passport again
};

struct CrossCheck {
  Overall overall = Overall::kNotComparable;
  FieldMatch passport_number = FieldMatch::kNotComparable;
  FieldMatch date_of_birth = FieldMatch::kNotComparable;
  FieldMatch nationality = FieldMatch::kNotComparable;
  FieldMatch name = FieldMatch::kNotComparable;
};

std::string_view name(FieldMatch m);  ///< "match", "mismatch", "not_comparable"
std::string_view name(Overall o);     ///< "match", "mismatch", "not_comparable", "read_again"
std::string_view text(Overall o, Language lang);

/// Compares a zone with a holder record. `holder` null: the credential's record is not verified.
CrossCheck cross_check(const Td3& zone, const HolderRecord* holder);

/// The field rules, exposed for tests.
FieldMatch match_passport_number(const Td3& zone, std::string_view ppn);
FieldMatch match_birth(const Td3& zone, std::string_view dob);
FieldMatch match_nationality(const Td3& zone, std::string_view nat);
FieldMatch match_name(const Td3& zone, std::string_view holder_name);

/// The colour of the cross-check beside a verdict: "ok" only when the passport matches AND the
/// credential was accepted; "bad" on a mismatch or a rejected credential; else "warn".
std::string_view screen_tone(Outcome verdict, Overall cross);

}  // namespace kiosk::mrz
