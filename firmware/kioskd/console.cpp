#include "firmware/kioskd/console.h"

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <chrono>

#include "firmware/auth/request_guard.h"

namespace kiosk::kioskd {
namespace {

constexpr std::size_t kMaxPendingSignIns = 4;

std::string account_key(std::string_view name) {
  return "account:" + std::string(name.substr(0, 64));
}

std::string client_key(std::string_view client) {
  return "client:" + std::string(client);
}

}  // namespace

Console::Console(boost::asio::io_context& ioc, const ConsoleConfig& config, std::string listen,
                 std::unique_ptr<auth::OfficerStore> store, AccessAudit audit)
    : ioc_(ioc),
      config_(config),
      hosts_(console_hosts(config, listen)),
      store_(std::move(store)),
      audit_(std::move(audit)),
      sessions_(auth::SessionLimits{config.session_idle, config.session_lifetime, 64}) {}

Console::~Console() {
  *alive_ = false;
  worker_.join();
}

auth::Throttle::Millis Console::now_ms() {
  return std::chrono::duration_cast<auth::Throttle::Millis>(
      std::chrono::steady_clock::now().time_since_epoch());
}

std::int64_t Console::now() {
  return seconds_of(now_ms());
}

std::int64_t Console::seconds_of(auth::Throttle::Millis t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t).count();
}

void Console::sign_in(std::string name, std::string password, std::string client,
                      std::function<void(SignInResult)> done) {
  auto t = now_ms();
  auto wait = std::max(throttle_.wait(account_key(name), t), throttle_.wait(client_key(client), t));
  const bool throttled = wait.count() > 0;
  if (throttled || pending_ >= kMaxPendingSignIns || !store_) {
    sodium_memzero(password.data(), password.size());
    SignInResult r;
    r.kind = throttled ? SignInResult::Kind::kThrottled
             : store_  ? SignInResult::Kind::kBusy
                       : SignInResult::Kind::kError;
    // Retry-After is in whole seconds: rounded up, so a client that waits it is let through.
    r.retry_after = throttled ? (wait.count() + 999) / 1000 : 1;
    if (!store_) r.detail = "no officer store";
    return done(std::move(r));
  }
  ++pending_;
  auto* store = store_.get();
  boost::asio::post(
      worker_, [this, alive = alive_, store, name = std::move(name), password = std::move(password),
                client = std::move(client), done = std::move(done)]() mutable {
        // The audit and the session keep the kiosk's time; the store records the wall clock.
        std::int64_t wall = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        auto checked = store->check(name, password, wall);
        sodium_memzero(password.data(), password.size());
        boost::asio::post(ioc_, [this, alive, checked = std::move(checked), name = std::move(name),
                                 client = std::move(client), done = std::move(done)]() mutable {
          if (!*alive) return;
          --pending_;
          SignInResult r;
          auto t2_ms = now_ms();  // the throttle's time; the session's is its seconds
          std::int64_t t2 = seconds_of(t2_ms);
          if (!checked) {
            r.kind = SignInResult::Kind::kError;
            r.detail = checked.error().message;
          } else if (*checked) {
            throttle_.success(account_key(name));
            throttle_.success(client_key(client));
            r.kind = SignInResult::Kind::kOk;
            r.token = sessions_.create(**checked, client, t2);
            r.officer = sessions_.check(r.token, t2);
            audit_("signin", name, client);
          } else {
            r.kind = SignInResult::Kind::kRefused;
            audit_("signin-failed", name.substr(0, 64), client);
            bool locked_account = throttle_.failure(account_key(name), t2_ms);
            bool locked_client = throttle_.failure(client_key(client), t2_ms);
            if (locked_account) audit_("lock-account", name.substr(0, 64), client);
            if (locked_client) audit_("lock-client", name.substr(0, 64), client);
          }
          done(std::move(r));
        });
      });
}

std::string Console::token_of(std::string_view cookie_header) {
  return auth::cookie_value(cookie_header, auth::kSessionCookie).value_or("");
}

std::optional<auth::SignedIn> Console::session(std::string_view cookie_header) {
  std::string token = token_of(cookie_header);
  if (token.empty()) return std::nullopt;
  return sessions_.check(token, now());
}

std::optional<auth::SignedIn> Console::touch(std::string_view token) {
  return sessions_.check(token, now());
}

bool Console::sign_out(std::string_view token, std::string_view client) {
  auto s = sessions_.end(token);
  if (!s) return false;
  audit_("signout", s->officer, client);
  return true;
}

std::size_t Console::sweep() {
  auto gone = sessions_.expire(now());
  for (const auto& s : gone)
    audit_("expired", s.officer, s.client);
  return gone.size();
}

}  // namespace kiosk::kioskd
