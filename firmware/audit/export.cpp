#include "firmware/audit/export.h"

#include "app/json.h"

namespace kiosk::audit {

Result<std::string, std::string> export_signed(AuditLog& log, const KioskSecrets& secrets,
                                               std::string_view kiosk_id, std::int64_t now,
                                               SigAlg alg) {
  auto chain = log.check();
  if (!chain) return Unexpected{chain.error().message};
  SigningKey kp = SigningKey::from_seed(alg, secrets.sign_seed);
  std::string out = json::Writer()
                        .begin_object()
                        .key("format")
                        .string("onecard-kiosk-audit-export-v2")
                        .key("kiosk")
                        .string(kiosk_id)
                        .key("exported_at")
                        .number(now)
                        .key("alg")
                        .string(sign::name(alg))
                        .key("public_key")
                        .string(to_hex(kp.public_key().raw()))
                        .key("records")
                        .number(static_cast<std::int64_t>(chain->records))
                        .key("chain")
                        .string(chain->intact() ? "intact" : "broken")
                        .end_object()
                        .take();
  out += "\n";
  auto r = log.for_each(0, [&](const StoredRecord& rec) {
    out += json::Writer()
               .begin_object()
               .key("seq")
               .number(static_cast<std::int64_t>(rec.seq))
               .key("hash")
               .string(to_hex(rec.hash))
               .key("body")
               .string(rec.body)
               .end_object()
               .take();
    out += "\n";
  });
  if (!r) return Unexpected{r.error().message};
  auto seals = log.for_each_seal([&](const StoredSeal& row) { out += row.line() + "\n"; });
  if (!seals) return Unexpected{seals.error().message};
  auto sig = kp.sign(as_bytes(out));
  out += "{\"signature\": \"" + to_hex(sig) + "\"}\n";
  return out;
}

Result<ExportCheck, std::string> check_export(std::string_view text,
                                              const std::optional<Bytes>& expected,
                                              VerifyOptions options) {
  if (text.empty() || text.back() != '\n')
    return Unexpected{std::string("not an export: truncated")};
  auto last_start = text.rfind('\n', text.size() - 2);
  if (last_start == std::string_view::npos)
    return Unexpected{std::string("not an export: no signature line")};
  std::string_view signed_part = text.substr(0, last_start + 1);
  auto sig_line = json::parse(text.substr(last_start + 1));
  const json::Value* sig_v = sig_line ? sig_line->get("signature") : nullptr;
  auto sig = sig_v && sig_v->is_string() ? from_hex(sig_v->string) : std::nullopt;
  if (!sig) return Unexpected{std::string("not an export: the last line is not a signature")};

  auto first_end = signed_part.find('\n');
  auto header = json::parse(signed_part.substr(0, first_end));
  const json::Value* fmt = header ? header->get("format") : nullptr;
  if (!fmt || !fmt->is_string() ||
      (fmt->string != "onecard-kiosk-audit-export-v1" &&
       fmt->string != "onecard-kiosk-audit-export-v2"))
    return Unexpected{std::string("not an export: unknown header")};
  ExportCheck check;
  if (const json::Value* a = header->get("alg")) {
    if (!a->is_string() ||
        (a->string != sign::name(SigAlg::kEd25519) && a->string != sign::name(SigAlg::kSm2)))
      return Unexpected{std::string("not an export: unknown signature algorithm")};
    check.alg = a->string == sign::name(SigAlg::kSm2) ? SigAlg::kSm2 : SigAlg::kEd25519;
  }
  const json::Value* pk = header->get("public_key");
  auto pk_bytes = pk && pk->is_string() ? from_hex(pk->string) : std::nullopt;
  auto key = pk_bytes ? VerifyKey::make(check.alg, *pk_bytes) : std::nullopt;
  if (!key) return Unexpected{std::string("not an export: no usable public key in the header")};
  check.key = *pk_bytes;
  if (const json::Value* k = header->get("kiosk"); k && k->is_string()) check.kiosk = k->string;
  if (expected && *expected != check.key)
    return Unexpected{std::string("signed by another key than the one given")};
  if (!sign::verify(check.alg, *key, as_bytes(signed_part), *sig))
    return Unexpected{std::string("signature does not verify: the file was altered")};

  // Records first in the file, seals after; the verifier wants the seals first.
  std::vector<StoredRecord> records;
  std::vector<StoredSeal> seals;
  std::size_t pos = first_end + 1;
  while (pos < signed_part.size()) {
    auto end = signed_part.find('\n', pos);
    std::string_view text_line = signed_part.substr(pos, end - pos);
    pos = end + 1;
    if (text_line.rfind("{\"audit_seal\"", 0) == 0) {
      auto l = parse_seal_line(text_line);
      if (!l) return Unexpected{std::string("signed but malformed seal line")};
      StoredSeal row;
      row.id = static_cast<std::int64_t>(seals.size() + 1);
      row.kind = std::string(name(l->seal.kind));
      row.first = l->seal.first;
      row.last = l->seal.last;
      row.seq = l->seal.seq;
      row.body = std::move(l->body);
      row.mac = l->mac;
      seals.push_back(std::move(row));
      continue;
    }
    if (!seals.empty()) return Unexpected{std::string("signed but a record line follows a seal")};
    auto line = json::parse(text_line);
    const json::Value* seq = line ? line->get("seq") : nullptr;
    const json::Value* hash = line ? line->get("hash") : nullptr;
    const json::Value* body = line ? line->get("body") : nullptr;
    auto hb = hash && hash->is_string() ? from_hex(hash->string) : std::nullopt;
    auto ha = hb ? to_array<32>(*hb) : std::nullopt;
    if (!seq || !seq->is_number() || seq->number < 0 || seq->number > 9007199254740992.0 || !ha ||
        !body || !body->is_string())
      return Unexpected{std::string("signed but malformed record line")};
    StoredRecord rec;
    rec.seq = static_cast<std::uint64_t>(seq->number);
    rec.body = body->string;
    rec.hash = *ha;
    records.push_back(std::move(rec));
  }
  Verifier v(std::move(options));
  for (const auto& row : seals)
    v.feed_seal(row);
  for (const auto& rec : records)
    v.feed_record(rec);
  check.report = v.finish();
  return check;
}

}  // namespace kiosk::audit
