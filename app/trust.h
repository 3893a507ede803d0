// Trust material as the verifier sees it: the key set bundle (spec section 6), status lists
// (section 7) and the time floor (section 8). Parsing is pure; persistence lives in keys/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/cose.h"
#include "app/reason.h"

namespace kiosk {

struct IssuerKey {
  Kid kid{};
  VerifyKey pub;  ///< algorithm-tagged (entry field 9), validated when the bundle was parsed
  std::string iss;
  std::vector<std::uint64_t> docs;  ///< the docs it may sign
  std::string reg;                  ///< GB/T 2260 prefix of the locations it may sign for; "" = any
  std::uint64_t nbf = 0;            ///< signing period start
  std::uint64_t exp = 0;            ///< signing period end
  std::uint64_t st = 0;             ///< 0 active, 1 revoked (compromised)

  bool may_sign(Document d) const;
};

struct KeySet {
  std::uint64_t seq = 0;
  std::uint64_t iat = 0;
  std::uint64_t exp = 0;
  std::vector<IssuerKey> keys;  ///< sorted by kid

  const IssuerKey* find(const Kid& kid) const;
};

struct StatusList {
  std::string iss;
  std::uint64_t seq = 0;
  std::uint64_t iat = 0;
  std::uint64_t exp = 0;
  std::uint64_t size = 0;  ///< number of entries
  Bytes bits;              ///< ceil(size / 8) bytes, entry i is bit 0x80 >> (i % 8) of byte i / 8

  /// O(1). Precondition: i < size.
  bool revoked(std::uint64_t i) const {
    return (bits[static_cast<std::size_t>(i / 8)] & (0x80u >> (i % 8))) != 0;
  }
};

/// What a trust file is, by its protected header 3 (content type).
enum class TrustKind { kKeySet, kStatusList };

constexpr std::size_t kMaxStatusBits = 16u * 1024 * 1024;  ///< decompressed bitstring, bytes
/// Any trust file, bytes. The largest real one is a status list of kMaxStatusBits incompressible
/// bits: zlib adds 5 bytes per 64 KiB stored block, so 16 MiB + ~1.3 KiB + the header. The cap
/// leaves room for that and keeps an unsigned file's cost (the file, plus the Sig_structure copy
/// Ed25519 verification needs) under 2 x 20 MiB.
constexpr std::size_t kMaxTrustFile = 20u * 1024 * 1024;
/// Items a trust payload may decode to (after its signature verified): with about 72 bytes per
/// item, at most 18 times the payload's size and never more than ~38 MB. A bundle entry takes
/// about 20 items in about 80 bytes, so this admits ~26,000 issuer keys.
constexpr std::size_t kMaxTrustItems = std::size_t{1} << 19;
/// The item budget for a payload of `n` bytes.
constexpr std::size_t trust_item_budget(std::size_t n) {
  return std::min(64 + n / 4, kMaxTrustItems);
}

/// The content type of a parsed trust file; nullopt when it is neither "wp-keyset" nor "wp-status".
std::optional<TrustKind> trust_kind(const cose::Sign1& msg);

/// Parses a bundle payload; nullopt when any field or entry is malformed, an entry's kid is not
/// its key's id, or two entries share a kid.
std::optional<KeySet> parse_keyset_payload(ByteView payload);

/// The `iss` (key 1) of a status list payload when it is a text string.
std::optional<std::string> status_list_iss(ByteView payload);

/// Parses a status list payload and inflates its bitstring (at most kMaxStatusBits); nullopt when
/// a field is mistyped or the bitstring's length is not ceil(size / 8).
std::optional<StatusList> parse_status_payload(ByteView payload);

/// The installed trust, read-only, as one consistent snapshot.
struct TrustSnapshot {
  std::optional<KeySet> keyset;
  std::map<std::string, StatusList, std::less<>> status;  ///< by issuer
  std::int64_t time_floor = 0;  ///< the highest trusted time seen: `now` below it is untrusted

  const StatusList* status_for(std::string_view iss) const {
    auto it = status.find(iss);
    return it == status.end() ? nullptr : &it->second;
  }
};

}  // namespace kiosk
