// Officer sessions: a 256-bit random token in a cookie; the table keeps only a BLAKE2b hash of
// it, so neither a memory dump nor a log line holds a usable token. Pure bookkeeping: the time is
// passed in, nothing is read or written elsewhere.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "firmware/auth/officer_store.h"

namespace kiosk::auth {

struct SessionLimits {
  std::int64_t idle_timeout = 900;    ///< seconds without a request before the session ends
  std::int64_t max_lifetime = 43200;  ///< seconds after sign-in, whatever the activity (a shift)
  std::size_t max_sessions = 64;      ///< more sign-ins end the least recently used session
};

struct SignedIn {
  std::string officer;
  Role role = Role::kOfficer;
  std::string client;  ///< the address it signed in from (for the audit log)
  std::int64_t since = 0;
  std::int64_t last_seen = 0;
};

class SessionTable {
 public:
  explicit SessionTable(SessionLimits limits = {}) : limits_(limits) {}

  /// Starts a session; returns the token for the cookie (64 lower-case hex characters).
  std::string create(const Officer& who, std::string client, std::int64_t now);
  /// The session of `token` when it is known, not idle too long and not too old; refreshes its
  /// idle time. Anything else (malformed, forged, ended, expired) is nullopt.
  std::optional<SignedIn> check(std::string_view token, std::int64_t now);
  /// As check(), without refreshing the idle time (an open screen is not activity).
  std::optional<SignedIn> peek(std::string_view token, std::int64_t now) const;
  /// Ends the session of `token`; the officer it belonged to, or nullopt if there was none.
  std::optional<SignedIn> end(std::string_view token);
  /// Ends every session of `officer` (disabled, password changed).
  void end_officer(std::string_view officer);
  /// Drops the expired sessions and returns them (for the audit log).
  std::vector<SignedIn> expire(std::int64_t now);
  std::size_t size() const { return sessions_.size(); }
  const SessionLimits& limits() const { return limits_; }

 private:
  using Key = std::array<std::uint8_t, 32>;
  static std::optional<Key> key_of(std::string_view token);
  bool live(const SignedIn& s, std::int64_t now) const;
  SessionLimits limits_;
  std::map<Key, SignedIn> sessions_;
};

}  // namespace kiosk::auth
