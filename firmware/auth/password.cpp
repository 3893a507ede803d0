#include "firmware/auth/password.h"

#include <sodium.h>

#include <array>

namespace kiosk::auth {

std::optional<std::string> password_problem(std::string_view password) {
  if (password.size() < kPasswordMin)
    return "too short (at least " + std::to_string(kPasswordMin) + " characters)";
  if (password.size() > kPasswordMax)
    return "too long (at most " + std::to_string(kPasswordMax) + " characters)";
  for (char c : password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "contains a control character";
  }
  return std::nullopt;
}

std::optional<std::string> hash_password(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kPwOpsLimit, kPwMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return std::nullopt;
  return std::string(out.data());
}

bool verify_password(const std::string& stored, std::string_view password) {
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

const std::string& decoy_hash() {
  static const std::string decoy = [] {
    std::array<unsigned char, 16> r{};
    randombytes_buf(r.data(), r.size());
    std::string pw(reinterpret_cast<const char*>(r.data()), r.size());
    auto h = hash_password(pw);
    sodium_memzero(pw.data(), pw.size());
    return h.value_or("");
  }();
  return decoy;
}

}  // namespace kiosk::auth
