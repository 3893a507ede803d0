// The signed export of the audit log: a text file an auditor can check away from the kiosk.
//
//   line 1   {"format": "onecard-kiosk-audit-export-v1", "kiosk": ID, "exported_at": T,
//             "public_key": HEX, "records": N, "chain": "intact"|"broken"}
//   then     {"seq": N, "hash": HEX, "body": "<the record body, exactly as hashed>"} per record
//   last     {"signature": HEX}   Ed25519 by the kiosk's export key over every byte before it
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/crypto.h"
#include "app/result.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/kiosk_secrets.h"

namespace kiosk::audit {

/// Writes the whole log as an export, signed with `secrets`' export key.
Result<std::string, std::string> export_signed(AuditLog& log, const KioskSecrets& secrets,
                                               std::string_view kiosk_id, std::int64_t now);

struct ExportCheck {
  PublicKey key{};    ///< the key the file names (and was signed with)
  std::string kiosk;  ///< the kiosk id in the header
  ChainReport chain;  ///< the chain of the exported records
};

/// Checks an export's signature (against `expected` when given, else the key it names) and the
/// chain of its records. Fails with the reason when the file is not a signed export.
Result<ExportCheck, std::string> check_export(std::string_view text,
                                              const std::optional<PublicKey>& expected);

}  // namespace kiosk::audit
