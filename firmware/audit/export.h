// The signed export of the audit log: a text file an auditor can check away from the kiosk.
//
//   line 1   {"format": "onecard-kiosk-audit-export-v2", "kiosk": ID, "exported_at": T,
//             "alg": "Ed25519"|"SM2", "public_key": HEX, "records": N, "chain": "intact"|"broken"}
//   then     {"seq": N, "hash": HEX, "body": "<the record body, exactly as hashed>"} per record
//   then     {"audit_seal": "<seal body>", "mac": HEX} per seal and checkpoint row, in order
//   last     {"signature": HEX}   by the kiosk's export key over every byte before it: Ed25519, or
//            SM2 with SM3 (app/sign) from the same seed; "alg" absent means Ed25519 (format v1)
//
// The signature only says which kiosk wrote the file: its key sits on the kiosk, so root there can
// sign anything. What an auditor can trust comes from the seals, checked with the verification
// key the kiosk never kept (check_export with VerifyOptions::key). Format v1 (no seals) is still
// read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/crypto.h"
#include "app/result.h"
#include "app/sign/sign.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/audit/verify.h"

namespace kiosk::audit {

/// Writes the whole log as an export, signed with `secrets`' export key (as `alg`).
Result<std::string, std::string> export_signed(AuditLog& log, const KioskSecrets& secrets,
                                               std::string_view kiosk_id, std::int64_t now,
                                               SigAlg alg = SigAlg::kEd25519);

struct ExportCheck {
  SigAlg alg = SigAlg::kEd25519;
  Bytes key;            ///< the raw public key the file names (and was signed with)
  std::string kiosk;    ///< the kiosk id in the header
  VerifyReport report;  ///< the records, seals and checkpoints, verified as a log is
};

/// Checks an export's signature (against `expected` when given, else the key it names), then its
/// records, seals and checkpoints as verify_log does (with `options`). Fails with the reason when
/// the file is not a signed export.
Result<ExportCheck, std::string> check_export(std::string_view text,
                                              const std::optional<Bytes>& expected,
                                              VerifyOptions options = {});

}  // namespace kiosk::audit
