#include "keys/install.h"

namespace kiosk::keys {

std::string_view name(InstallResult r) {
  switch (r) {
    case InstallResult::kInstalled:
      return "INSTALLED";
    case InstallResult::kUnchanged:
      return "UNCHANGED";
    case InstallResult::kRollback:
      return "ROLLBACK";
    case InstallResult::kExpired:
      return "EXPIRED";
    case InstallResult::kMalformed:
      return "MALFORMED";
    case InstallResult::kUnknownKey:
      return "UNKNOWN_KEY";
    case InstallResult::kBadSignature:
      return "BAD_SIGNATURE";
    case InstallResult::kKeyScope:
      return "KEY_SCOPE";
    case InstallResult::kKeysetMissing:
      return "KEYSET_MISSING";
  }
  return "MALFORMED";
}

namespace {

bool expired(std::uint64_t exp, std::int64_t now) {
  return now >= 0 && exp <= static_cast<std::uint64_t>(now);
}

/// ROLLBACK, UNCHANGED or INSTALLED by seq against what is installed.
InstallResult by_seq(std::uint64_t seq, ByteView bytes, std::optional<std::uint64_t> cur_seq,
                     ByteView cur_bytes) {
  if (!cur_seq) return InstallResult::kInstalled;
  if (seq < *cur_seq) return InstallResult::kRollback;
  if (seq == *cur_seq)
    return equal(bytes, cur_bytes) ? InstallResult::kUnchanged : InstallResult::kRollback;
  return InstallResult::kInstalled;
}

InstallDecision keyset(const cose::Sign1& msg, ByteView file, const Anchors& anchors,
                       const InstalledTrust& current, std::int64_t now) {
  InstallDecision d;
  d.kind = TrustKind::kKeySet;
  if (!msg.kid) return d;  // MALFORMED
  const VerifyKey* anchor = anchors.find(*msg.kid);
  if (!anchor) {
    d.result = InstallResult::kUnknownKey;
    return d;
  }
  if (!cose::verify(msg, *anchor)) {
    d.result = InstallResult::kBadSignature;
    return d;
  }
  auto ks = parse_keyset_payload(msg.payload);
  if (!ks) return d;  // MALFORMED
  if (expired(ks->exp, now)) {
    d.result = InstallResult::kExpired;
    return d;
  }
  std::optional<std::uint64_t> cur_seq;
  if (current.keyset) cur_seq = current.keyset->seq;
  d.result = by_seq(ks->seq, file, cur_seq, current.keyset_cose);
  if (d.result == InstallResult::kInstalled) d.keyset = std::move(ks);
  return d;
}

InstallDecision status(const cose::Sign1& msg, ByteView file, const InstalledTrust& current,
                       std::int64_t now) {
  InstallDecision d;
  d.kind = TrustKind::kStatusList;
  if (!msg.kid) return d;  // MALFORMED
  if (!current.keyset) {
    d.result = InstallResult::kKeysetMissing;
    return d;
  }
  const IssuerKey* key = current.keyset->find(*msg.kid);
  if (!key) {
    d.result = InstallResult::kUnknownKey;
    return d;
  }
  if (!cose::verify(msg, key->pub)) {
    d.result = InstallResult::kBadSignature;
    return d;
  }
  // KEY_SCOPE: a list of another issuer, or one signed by a revoked key (version 1.1: a
  // compromised key must not un-revoke anything).
  auto iss = status_list_iss(msg.payload);
  if ((iss && *iss != key->iss) || key->st == 1) {
    d.result = InstallResult::kKeyScope;
    return d;
  }
  auto list = parse_status_payload(msg.payload);
  if (!list) return d;  // MALFORMED
  if (expired(list->exp, now)) {
    d.result = InstallResult::kExpired;
    return d;
  }
  std::optional<std::uint64_t> cur_seq;
  ByteView cur_bytes;
  if (auto it = current.status.find(list->iss); it != current.status.end()) {
    cur_seq = it->second.first;
    cur_bytes = it->second.second;
  }
  d.result = by_seq(list->seq, file, cur_seq, cur_bytes);
  if (d.result == InstallResult::kInstalled) d.status = std::move(list);
  return d;
}

}  // namespace

InstallDecision decide_install(ByteView file, const Anchors& anchors, const InstalledTrust& current,
                               std::int64_t now) {
  InstallDecision malformed;
  if (file.size() > kMaxTrustFile) return malformed;
  auto msg = cose::parse_sign1(file);
  if (!msg) return malformed;  // UNSUPPORTED algorithms cannot be installed either
  auto kind = trust_kind(*msg);
  if (!kind) return malformed;
  // A payload that is not even CBOR is "not decodable": MALFORMED before any key is looked at.
  // Verify before you parse: this only walks it (no memory, linear time); it is decoded once
  // its signature has verified.
  if (msg->payload.empty() || (msg->payload[0] >> 5) != 5 || cbor::check(msg->payload))
    return malformed;
  return *kind == TrustKind::kKeySet ? keyset(*msg, file, anchors, current, now)
                                     : status(*msg, file, current, now);
}

}  // namespace kiosk::keys
