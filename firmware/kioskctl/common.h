// What the verifying commands (verify, card) share: the store, the settings and the time.
#pragma once

#include "app/result.h"
#include "app/verifier.h"
#include "firmware/kioskctl/args.h"

namespace kiosk::ctl {

struct VerifyContext {
  TrustSnapshot trust;
  VerifySettings settings;
  std::int64_t now = 0;
};

/// Reads --db, --now, --jurisdiction, --max-age, --skew and loads the trust snapshot. On failure
/// it has printed the reason and returns the exit status (2 usage, 1 store).
Result<VerifyContext, int> open_verify_context(const Args& a);

}  // namespace kiosk::ctl
