// Officer passwords and PINs: Argon2id through libsodium's crypto_pwhash_str, which writes the
// algorithm, its limits and a random salt into the stored string, so verifying needs nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::auth {

/// Argon2id limits for a kiosk: libsodium's "interactive" (2 passes over 64 MiB, about 0.1 s). A
/// sign-in costs that much; the rate limiter keeps an attacker from making many.
inline constexpr unsigned long long kPwOpsLimit = 2;
inline constexpr std::size_t kPwMemLimit = 64u * 1024u * 1024u;

/// Shortest and longest password or PIN accepted (a PIN of 6 digits is the floor).
inline constexpr std::size_t kPasswordMin = 6;
inline constexpr std::size_t kPasswordMax = 128;

/// Why a password is not acceptable as a new one, or nullopt when it is.
std::optional<std::string> password_problem(std::string_view password);

/// The Argon2id string for `password` (crypto_pwhash_str); nullopt when libsodium fails (out of
/// memory). Never logs or keeps the password.
std::optional<std::string> hash_password(std::string_view password);

/// True when `password` matches `stored` (a crypto_pwhash_str string). A malformed `stored`
/// never matches.
[[nodiscard]] bool verify_password(const std::string& stored, std::string_view password);

/// A hash of a random password, to verify against when the name is unknown, so that an unknown
/// name costs as much time as a wrong password.
const std::string& decoy_hash();

}  // namespace kiosk::auth
