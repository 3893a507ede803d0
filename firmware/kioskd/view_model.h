// What the two screens show, as JSON messages pushed over the WebSocket. Pure: the kiosk's state
// in, text out. The officer's message carries every reason in both languages and the holder
// record (only when the issuer signature verified); the applicant's message carries no reason
// code and no personal data, by construction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/coach.h"
#include "app/places.h"
#include "app/trust.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/input_source.h"
#include "firmware/kioskd/session.h"

namespace kiosk::kioskd {

/// The result of the last trust update (watched directory, URL or start-up).
struct UpdateReport {
  std::int64_t time = 0;
  std::string source;  ///< "usb:/media/usb", "http://...", "start-up"
  std::vector<std::pair<std::string, std::string>> results;  ///< file, INSTALLED/ROLLBACK/...
  std::string error;  ///< a failure that stopped the update ("" when none)
};

struct AuditStatus {
  bool writable = true;
  std::string message;       ///< the last failure, or the break found at start-up
  bool chain_intact = true;  ///< at start-up, before the segment record
  std::uint64_t last_seq = 0;
  std::uint64_t forwarded_seq = 0;  ///< acknowledged by the syslog collector (0: none or off)
  std::string forward_error;        ///< why forwarding is stuck ("" when fine or off)
  std::string alarm;                ///< a log missing, emptied, replaced or tampered with ("" none)
  std::string checkpoint;           ///< the latest checkpoint, short: "#SEQ HEAD16 epoch E"
};

struct KioskView {
  const Config* config = nullptr;
  std::int64_t now = 0;
  const Session* session = nullptr;
  const TrustSnapshot* trust = nullptr;
  std::optional<UpdateReport> last_update;
  std::vector<DeviceStatus> devices;
  std::map<std::string, std::uint64_t> today;  ///< verdicts today by outcome
  AuditStatus audit;
  const Places* places = nullptr;           ///< place and issuer names (null: codes shown)
  std::optional<std::int64_t> next_update;  ///< the next scheduled trust update, when one is
  Advice advice = Advice::kNone;            ///< the camera's coaching for the applicant
};

/// How fresh the trust a verdict was checked against is: ages in seconds (nullopt when none was
/// installed) and whether either is older than the limit.
struct Freshness {
  std::optional<std::int64_t> keyset_age, status_age;
  bool stale = false;
};
Freshness freshness(const SessionEntry& e, std::int64_t now, std::int64_t limit_s);

/// The officer's state message: {"type":"officer", ...}.
std::string officer_json(const KioskView& v);

/// The applicant's state message: {"type":"self", "session", "phase", "documents", "next",
/// "verdict" (the newest verdict's entry id, 0 for none), "cue" (its sound: "accept", "counter",
/// "another" or null), "ready", "coach"}.
std::string self_json(const KioskView& v);

enum class ApplicantNext { kGoToCounter, kPresentAnother };
/// What the applicant is told after a verdict: present another document (or the live code) when
/// what was shown could not be used, else go to the counter.
ApplicantNext applicant_next(const Verdict& v);

/// Trust bundle warning: "none", "missing", "expiring" (within the warning window), "expired".
std::string trust_warning(const TrustSnapshot& t, std::int64_t now, std::int64_t warn_days);

}  // namespace kiosk::kioskd
