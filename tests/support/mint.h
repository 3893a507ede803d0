// Test-only credential minting from the vector set's TEST seeds, with every field open to
// tampering, so that each rule of the verifier can be hit on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cbor.h"
#include "app/cose.h"
#include "app/trust.h"

namespace kiosk::test {

/// An ordered map whose values are already-encoded CBOR, so tests can drop, retype or duplicate.
struct Fields {
  std::vector<std::pair<std::int64_t, Bytes>> entries;

  Fields& set(std::int64_t key, Bytes encoded);
  Fields& erase(std::int64_t key);
  Fields& add(std::int64_t key, Bytes encoded);  ///< even if present (duplicates)
  Bytes encode() const;
};

Bytes uint_(std::uint64_t v);
Bytes int_(std::int64_t v);
Bytes text_(std::string_view s);
Bytes bytes_(ByteView b);

/// Seeds of tests/data/vectors/test-keys.json, by name ("root", "issuer-shanghai", ...).
Seed vector_seed(const std::string& name);

constexpr std::int64_t kNow = 1796000000;  ///< the vectors' verification time

/// The claims of a valid credential of `doc` (Shanghai, Pudong) at kNow, holder key `holder`.
Fields claims(Document doc, const PublicKey& holder);
Fields wp_record(Document doc);

/// Signs `payload` as a credential with protected header {1:-8, 4:kid(signer)} (or
/// `protected_map`).
Bytes sign_credential(const Fields& claims, const KeyPair& signer,
                      std::optional<Bytes> protected_map = std::nullopt);
Bytes present(ByteView credential, std::uint64_t t, const KeyPair& holder);
std::string qr(std::string_view prefix, ByteView cose);

/// An in-memory trust snapshot: issuer keys for the vector issuers with the given scoping.
struct TrustBuilder {
  KeySet keyset;
  TrustBuilder();
  IssuerKey& key(const std::string& seed_name);
  TrustSnapshot build() const;
};

}  // namespace kiosk::test
