// The per-kiosk secrets in the data directory, created once with mode 0600 and never replaced:
// `audit.key`, the key of the credential-id hash (so the log links visits of one credential
// without revealing its id), and `audit-sign.key`, the Ed25519 seed that signs exports.
#pragma once

#include <sodium.h>

#include <array>
#include <memory>
#include <string>

#include "app/crypto.h"
#include "app/result.h"
#include "app/sign/sign.h"

namespace kiosk::audit {

using HashKey = std::array<std::uint8_t, crypto_generichash_KEYBYTES>;

/// A secret held in memory, wiped on destruction.
struct KioskSecrets {
  HashKey hash_key{};
  Seed sign_seed{};
  ~KioskSecrets();
  PublicKey sign_public() const;
};

/// Loads the secrets from `data_dir`, creating each file that is missing (exclusively, mode 0600,
/// fsynced with its directory). A file of the wrong size is an error, never overwritten; a file
/// readable by others is made 0600 and `notice` says so.
Result<std::unique_ptr<KioskSecrets>, std::string> load_or_create_secrets(
    const std::string& data_dir, std::string* notice = nullptr);

/// Reads only the public half of the export key (for `kioskctl audit pubkey`).
Result<PublicKey, std::string> load_sign_public(const std::string& data_dir);
/// The same as `alg` would sign exports: 32 bytes (Ed25519) or the 65-byte SM2 point.
Result<Bytes, std::string> load_sign_public(const std::string& data_dir, SigAlg alg);

/// Hex of the keyed BLAKE2b-256 hash of a credential id; "" for an empty id.
std::string cti_hash(const HashKey& key, ByteView cti);

}  // namespace kiosk::audit
