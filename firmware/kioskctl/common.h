// What the commands share: opening the trust store and, for the verifying ones (verify, card),
// the settings and the time.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/result.h"
#include "app/verifier.h"
#include "firmware/kioskctl/args.h"
#include "keys/store.h"

namespace kiosk::ctl {

struct VerifyContext {
  TrustSnapshot trust;
  VerifySettings settings;
  std::int64_t now = 0;
};

/// Opens the trust store at `db`, printing the store's notice if it has one. When the store
/// cannot be opened it prints the reason and returns null (the command exits with status 1).
std::unique_ptr<keys::TrustStore> open_store(const std::string& db);

/// The store's trust snapshot; when it cannot be read, prints the reason and returns nullopt (the
/// command exits with status 1).
std::optional<TrustSnapshot> read_snapshot(keys::TrustStore& store);

/// Reads --db, --now, --jurisdiction, --max-age, --skew and loads the trust snapshot. On failure
/// it has printed the reason and returns the exit status (2 usage, 1 store).
Result<VerifyContext, int> open_verify_context(const Args& a);

}  // namespace kiosk::ctl
