// The officer console's gatekeeper at run time: officer sign-in (Argon2id off the event loop, on
// one worker thread that alone uses the officer store), sessions, throttling, and the audit
// events. Everything but the password check runs on the event loop.
//
// Session and throttle times are monotonic seconds (steady clock), not the kiosk's verdict clock:
// a fixed demo clock or a clock set back must neither freeze nor end sessions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "firmware/auth/officer_store.h"
#include "firmware/auth/sessions.h"
#include "firmware/auth/throttle.h"
#include "firmware/kioskd/console_config.h"

namespace kiosk::kioskd {

/// An access event for the audit log: event, officer name, client address (no secret).
using AccessAudit =
    std::function<void(std::string_view event, std::string_view officer, std::string_view client)>;

struct SignInResult {
  enum class Kind {
    kOk,         ///< `token` is the new session's
    kRefused,    ///< wrong name or password, or the account is disabled (not told apart)
    kThrottled,  ///< too many failures: `retry_after` seconds
    kBusy,       ///< too many sign-ins in progress
    kError,      ///< the officer store failed (`detail`)
  };
  Kind kind = Kind::kRefused;
  std::string token;
  std::optional<auth::SignedIn> officer;
  std::int64_t retry_after = 0;
  std::string detail;
};

class Console {
 public:
  Console(boost::asio::io_context& ioc, const ConsoleConfig& config, std::string listen,
          std::unique_ptr<auth::OfficerStore> store, AccessAudit audit);
  ~Console();

  /// Checks a sign-in off the loop; `done` runs on the event loop.
  void sign_in(std::string name, std::string password, std::string client,
               std::function<void(SignInResult)> done);
  /// The session of a Cookie header, refreshed; nullopt without a valid one.
  std::optional<auth::SignedIn> session(std::string_view cookie_header);
  /// The session token of a Cookie header (syntax only), or "".
  static std::string token_of(std::string_view cookie_header);
  /// Ends the session of `token`; true when there was one.
  bool sign_out(std::string_view token, std::string_view client);
  /// The session of `token`, refreshed (a WebSocket command is activity); nullopt when gone.
  std::optional<auth::SignedIn> touch(std::string_view token);
  /// Is `token` a live session? (Not refreshed.)
  bool alive(std::string_view token) const { return sessions_.peek(token, now()).has_value(); }
  /// Ends idle and expired sessions (audited); returns how many ended.
  std::size_t sweep();

  const std::vector<std::string>& hosts() const { return hosts_; }
  bool tls() const { return config_.tls(); }
  const ConsoleConfig& config() const { return config_; }
  /// The steady clock: in milliseconds for the throttle, in seconds for the sessions.
  static auth::Throttle::Millis now_ms();
  static std::int64_t now();
  static std::int64_t seconds_of(auth::Throttle::Millis t);

 private:
  boost::asio::io_context& ioc_;
  ConsoleConfig config_;
  std::vector<std::string> hosts_;
  std::unique_ptr<auth::OfficerStore> store_;  ///< used only on the worker
  AccessAudit audit_;
  auth::SessionTable sessions_;
  auth::Throttle throttle_;
  std::size_t pending_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::thread_pool worker_{1};
};

}  // namespace kiosk::kioskd
