// Any bytes as the header values and body the officer's console checks before anything else:
// Host, Origin, Cookie (firmware/auth/request_guard.h), and a session token as the session table
// reads it. (The sign-in body is app/json's parser, fuzzed with the codecs.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/crypto.h"
#include "firmware/auth/request_guard.h"
#include "firmware/auth/sessions.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = kiosk::crypto_init();
  if (!ok) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // Split the input at NULs: host, origin, cookie, token.
  std::string_view parts[4];
  for (auto& p : parts) {
    auto nul = in.find('\0');
    p = in.substr(0, nul);
    in = nul == std::string_view::npos ? std::string_view{} : in.substr(nul + 1);
  }
  using namespace kiosk;
  (void)auth::host_name(parts[0]);
  (void)auth::host_allowed(parts[0], {"localhost", "127.0.0.1", "::1", "kiosk.test"});
  (void)auth::origin_same(parts[1], parts[0], size % 2 == 0);
  (void)auth::cookie_value(parts[2], auth::kSessionCookie);
  static auth::SessionTable table;
  if (table.size() == 0) {
    auth::Officer alice;
    alice.name = "alice";
    (void)table.create(alice, "127.0.0.1", 0);
  }
  (void)table.check(parts[3], 1);
  (void)table.peek(parts[3], 1);
  return 0;
}
