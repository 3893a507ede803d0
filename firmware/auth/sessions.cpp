#include "firmware/auth/sessions.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "app/bytes.h"

namespace kiosk::auth {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::string_view kDomain = "kioskd officer session v1";

}  // namespace

std::optional<SessionTable::Key> SessionTable::key_of(std::string_view token) {
  if (token.size() != 2 * kTokenBytes) return std::nullopt;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  Key k{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, k.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()),
                            kDomain.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(token.data()),
                            token.size());
  crypto_generichash_final(&st, k.data(), k.size());
  return k;
}

bool SessionTable::live(const SignedIn& s, std::int64_t now) const {
  return now - s.last_seen < limits_.idle_timeout && now - s.since < limits_.max_lifetime &&
         now >= s.since;
}

std::string SessionTable::create(const Officer& who, std::string client, std::int64_t now) {
  if (sessions_.size() >= limits_.max_sessions && !sessions_.empty()) {
    auto lru = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    sessions_.erase(lru);
  }
  std::array<std::uint8_t, kTokenBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string token = to_hex(ByteView(raw.data(), raw.size()));
  sodium_memzero(raw.data(), raw.size());
  sessions_[*key_of(token)] = SignedIn{who.name, who.role, std::move(client), now, now};
  return token;
}

std::optional<SignedIn> SessionTable::check(std::string_view token, std::int64_t now) {
  auto k = key_of(token);
  if (!k) return std::nullopt;
  auto it = sessions_.find(*k);
  if (it == sessions_.end()) return std::nullopt;
  if (!live(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

std::optional<SignedIn> SessionTable::peek(std::string_view token, std::int64_t now) const {
  auto k = key_of(token);
  if (!k) return std::nullopt;
  auto it = sessions_.find(*k);
  if (it == sessions_.end() || !live(it->second, now)) return std::nullopt;
  return it->second;
}

std::optional<SignedIn> SessionTable::end(std::string_view token) {
  auto k = key_of(token);
  if (!k) return std::nullopt;
  auto it = sessions_.find(*k);
  if (it == sessions_.end()) return std::nullopt;
  SignedIn s = std::move(it->second);
  sessions_.erase(it);
  return s;
}

void SessionTable::end_officer(std::string_view officer) {
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.officer == officer; });
}

std::vector<SignedIn> SessionTable::expire(std::int64_t now) {
  std::vector<SignedIn> gone;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (live(it->second, now)) {
      ++it;
    } else {
      gone.push_back(std::move(it->second));
      it = sessions_.erase(it);
    }
  }
  return gone;
}

}  // namespace kiosk::auth
