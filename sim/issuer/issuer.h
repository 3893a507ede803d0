// Minting credentials in-process: `issue` makes what `kiosk-sim issue` prints, for kioskd's demo,
// the scenario runner and tests. Deterministic: the same PKI, request and seed give the same
// bytes. TEST MATERIAL only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/result.h"
#include "app/verifier.h"
#include "sim/issuer/sim_card.h"
#include "sim/issuer/test_pki.h"
#include "sim/issuer/variants.h"

namespace kiosk::sim {

struct IssueRequest {
  DocKind doc = DocKind::kWpnl;
  std::string variant = "valid";
  std::int64_t now = 0;           ///< the kiosk time the credential is made for
  std::uint64_t seed = 1;         ///< picks the holder, the record, the holder key, the challenge
  std::string city = "shanghai";  ///< where the holder works and the kiosk stands (records.h)
  /// Refuse a `now` at which the listed verdict cannot hold (outside the key set's life, past a
  /// status list's expiry, iat outside the signer's period). Off: issue anyway (a scenario that
  /// tests stale trust writes its own expectation).
  bool strict = true;
};

struct Issued {
  const VariantInfo* info = nullptr;      ///< the catalogue entry (expected verdict)
  std::vector<std::string> jurisdiction;  ///< the kiosk jurisdiction the expectation assumes
  Bytes credential;  ///< the credential COSE_Sign1 as delivered (faults included), if any

  /// QR documents: the QR text.
  std::string qr;
  /// E-card presentations: who signs them, what they carry and the offset of `t` from the
  /// kiosk's now; `present` redraws the QR at another time.
  std::optional<Seed> presenter;
  SigAlg presenter_alg = SigAlg::kEd25519;
  std::int64_t t_offset = 0;

  /// Chip: the card (file and key), and its answer to a challenge made from the seed.
  std::optional<SimCard> card;
  std::optional<ChipInput> chip;
};

/// Makes `req.variant` of `req.doc`. Fails (with a message) for an unknown variant or city, or a
/// PKI that lacks a key or status list the variant needs.
Result<Issued, std::string> issue(const TestPki& pki, const IssueRequest& req);

/// For an e-card (presentation-based) issue: the QR text the phone draws at time `now` (t = now +
/// the variant's offset), with `nonce`. For anything else: `issued.qr` unchanged.
std::string present(const Issued& issued, std::int64_t now, ByteView nonce);

}  // namespace kiosk::sim
