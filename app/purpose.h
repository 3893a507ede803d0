// The purpose line: the counter's service and a one-line answer, above a verdict's details, to
// the officer's question "is this what the application needs?". Pure.
//
// Facts it rests on (DEVELOPERS.md): since 1 Dec 2024 a foreign national's work permit is carried
// by the social security card, as the e-card (a QR in a phone app) or on the card's chip. Old
// physical WP cards stay valid until their next extension or amendment. For a residence permit a
// Z-visa holder brings the e-card or the Work Permit Notification Letter (WPNL): those are the
// documents the RP procedure names; a legacy WP card is a valid work permit but not one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/reason.h"

namespace kiosk {

enum class CounterService : std::uint8_t {
  kResidencePermit,  ///< residence-permit application (the default)
  kWorkPermitCheck,  ///< any other counter: is the work permit valid?
};
std::string_view name(CounterService s);  ///< "residence-permit", "work-permit-check"
std::optional<CounterService> counter_service_from_name(std::string_view s);
std::string_view text(CounterService s, Language lang);

/// How the line is shown: "ok" (green), "warn" (amber: the officer decides), "bad" (red).
enum class Tone : std::uint8_t { kOk, kWarn, kBad };
std::string_view name(Tone t);

struct PurposeLine {
  Tone tone = Tone::kBad;
  std::string en, zh;
};

/// The line of a verdict that identified no document (unreadable, unknown type, or a signature
/// that did not verify): nothing on the card can be relied on.
inline constexpr std::string_view kUnknownEn =
    "Unknown document: do not rely on anything shown. Nothing on it was identified or verified.";
inline constexpr std::string_view kUnknownZh =
    "无法识别的证件：显示的任何内容均不可依据，其内容未经识别或核验。";

/// The answer for one verdict at a counter of `service`. Green only for an accepted document the
/// service names; REVIEW is amber and REJECT red whatever the document (their reasons stay below);
/// an unidentified document gets the unknown-document line.
PurposeLine purpose_line(CounterService service, Outcome outcome, Document document);

}  // namespace kiosk
