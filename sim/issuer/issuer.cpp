#include "sim/issuer/issuer.h"

#include <algorithm>

#include "app/base45.h"
#include "app/zlib_codec.h"
#include "sim/issuer/credential_builder.h"
#include "sim/issuer/records.h"

namespace kiosk::sim {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kYear = 365 * kDay;
constexpr std::string_view kWpc = "WPC1:", kWpp = "WPP1:";

Seed seed_from(Rng rng) {
  Seed s{};
  Bytes b = rng.bytes(s.size());
  std::copy(b.begin(), b.end(), s.begin());
  return s;
}

std::uint64_t at(std::int64_t now, std::int64_t offset) {
  std::int64_t t = now + offset;
  return t < 0 ? 0 : static_cast<std::uint64_t>(t);
}

bool covers(const TestKey& k, std::string_view loc, std::uint64_t doc) {
  return k.st == 0 && loc.starts_with(k.reg) &&
         std::find(k.docs.begin(), k.docs.end(), doc) != k.docs.end();
}

// The key that genuinely signs `doc` for `loc`: the city's key when there is one for that
// document, else the province's, else the national key for that document.
const TestKey* valid_signer(const TestPki& pki, std::uint64_t doc, std::string_view loc) {
  const TestKey* city = pki.key(role::city(loc.substr(0, 4)));
  if (city && covers(*city, loc, doc)) return city;
  const TestKey* prov = pki.key(role::province(loc.substr(0, 2)));
  if (prov && covers(*prov, loc, doc)) return prov;
  return pki.key(doc == 1 || doc == 4 ? role::kNationalSsc : role::kNationalWp);
}

const TestKey* other_region_signer(const TestPki& pki, std::uint64_t doc, std::string_view loc) {
  for (const TestKey& k : pki.keys) {
    if (k.role.starts_with("province-") && k.st == 0 && !k.reg.empty() && !loc.starts_with(k.reg) &&
        std::find(k.docs.begin(), k.docs.end(), doc) != k.docs.end()) {
      return &k;
    }
  }
  return nullptr;
}

// The time of issue and validity by document: an e-card or chip issued months ago for two
// years, a notification letter days ago for 90 days, a legacy card long ago for three years.
void set_times(CredentialSpec& c, std::uint64_t doc, std::int64_t now) {
  std::int64_t iat_off = doc == 2 ? -3 * kDay : doc == 3 ? -500 * kDay : -200 * kDay;
  std::int64_t life = doc == 2 ? 90 * kDay : doc == 3 ? 3 * kYear : 2 * kYear;
  c.iat = at(now, iat_off);
  c.nbf = c.iat;
  c.exp = at(now, iat_off + life);
}

std::string apply_qr_fault(std::string_view fault, std::string_view prefix, ByteView cose) {
  if (fault == "bad-base45") {
    std::string text = qr_text(prefix, cose);
    bool changed = false;
    for (std::size_t i = prefix.size(); i < text.size(); ++i) {
      if (text[i] >= 'A' && text[i] <= 'Z') {
        text[i] = static_cast<char>(text[i] - 'A' + 'a');
        changed = true;
      }
    }
    if (!changed) text.back() = '~';
    return text;
  }
  if (fault == "truncated-zlib") {
    Bytes z = zlib::deflate(cose);
    z.resize(z.size() / 2);
    return std::string(prefix) + base45::encode(z);
  }
  if (fault == "zip-bomb") {
    return std::string(prefix) + base45::encode(zlib::deflate(Bytes(1u << 20, 0)));
  }
  return qr_text(prefix, cose);
}

}  // namespace

std::string present(const Issued& issued, std::int64_t now, ByteView nonce) {
  if (!issued.presenter) return issued.qr;
  SigningKey holder = SigningKey::from_seed(issued.presenter_alg, *issued.presenter);
  Bytes p = make_presentation(issued.credential, holder, at(now, issued.t_offset), nonce);
  std::string_view fault = issued.info ? issued.info->name : "";
  return apply_qr_fault(fault, kWpp, p);
}

Result<Issued, std::string> issue(const TestPki& pki, const IssueRequest& req) {
  const VariantInfo* info = find_variant(req.doc, req.variant);
  if (!info) {
    return Unexpected{"no variant '" + req.variant + "' for --doc " + std::string(name(req.doc)) +
                      " (see kiosk-sim issue --list-variants)"};
  }
  const City* city = find_city(req.city);
  if (!city) {
    std::string known;
    for (const City& c : cities())
      known += (known.empty() ? "" : ", ") + std::string(c.key);
    return Unexpected{"unknown city '" + req.city + "' (known: " + known + ")"};
  }
  const std::int64_t now = req.now;
  if (req.strict && (now < static_cast<std::int64_t>(pki.keyset_iat) ||
                     now >= static_cast<std::int64_t>(pki.keyset_exp))) {
    return Unexpected{"--now " + std::to_string(now) + " is outside the key set's life [" +
                      std::to_string(pki.keyset_iat) + ", " + std::to_string(pki.keyset_exp) +
                      "): make keys for this time (kiosk-sim keys --now)"};
  }
  const std::string v = req.variant;
  Rng rng = Rng(req.seed).fork("issue");

  std::uint64_t doc = static_cast<std::uint64_t>(document_of(req.doc));
  if (v == "wrong-carrier" && req.doc == DocKind::kChip) doc = 2;  // a WPNL on a chip
  const bool holder_bound = doc == 1 || doc == 4;

  const City* cred_city = city;
  if (v == "jurisdiction-mismatch") {
    auto all = cities();
    auto idx = static_cast<std::size_t>(city - all.data());
    cred_city = &all[(idx + 1) % all.size()];
  }
  Rng rec_rng = rng.fork("record");
  PermitRecord rec = make_record(rec_rng, *cred_city, static_cast<int>(1970 + now / 31556952));

  const TestKey* signer = nullptr;
  if (v == "key-revoked") {
    signer = pki.key(role::kNationalRevoked);
  } else if (v == "key-not-valid-at-issue") {
    signer = pki.key(role::kNationalRetired);
  } else if (v == "key-scope-region") {
    signer = other_region_signer(pki, doc, rec.loc);
  } else if (v == "key-scope-doc") {
    signer = pki.key(holder_bound ? role::kNationalWp : role::kNationalSsc);
  } else {
    signer = valid_signer(pki, doc, rec.loc);
  }
  if (!signer) return Unexpected{"the key set lacks a key that variant '" + v + "' needs"};

  CredentialSpec c;
  c.iss = signer->iss;
  if (v == "key-scope-iss") c.iss = signer->iss == "CN-320000" ? "CN-120000" : "CN-320000";
  c.doc = v == "unknown-doc" ? 7 : doc;
  c.ver = v == "version-2" ? 2 : 1;
  c.record = rec;
  c.with_ssn = holder_bound;
  c.cti = rng.fork("cti").bytes(16);
  const Seed holder = seed_from(rng.fork("holder"));
  if (holder_bound) c.cnf = SigningKey::from_seed(pki.alg, holder).public_key();
  if (v == "bad-date") {
    c.record.dob = rec.dob.substr(8, 2) + "/" + rec.dob.substr(5, 2) + "/" + rec.dob.substr(0, 4);
  }

  set_times(c, doc, now);
  if (v == "expired") {
    c.iat = c.nbf = at(now, -400 * kDay);
    c.exp = at(now, -kDay);
  } else if (v == "not-yet-valid") {
    c.iat = at(now, -kDay);
    c.nbf = at(now, 7 * kDay);
    c.exp = at(now, 7 * kDay + kYear);
  } else if (v == "key-not-valid-at-issue") {
    c.iat = c.nbf = at(now, -30 * kDay);
    c.exp = at(now, -30 * kDay + kYear);
  }
  // The promise holds only when the genuine parts are genuine: iat inside the signing period.
  if (req.strict && v != "key-not-valid-at-issue" && (c.iat < signer->nbf || c.iat > signer->exp)) {
    return Unexpected{"the credential's iat " + std::to_string(c.iat) + " falls outside key " +
                      signer->role + "'s signing period: make keys for this --now"};
  }

  if (v != "key-scope-iss") {
    const TestStatusList* list = pki.status_for(c.iss);
    if (!list || list->size == 0) return Unexpected{"the key set has no status list for " + c.iss};
    if (req.strict && now >= static_cast<std::int64_t>(list->exp)) {
      return Unexpected{"the status list of " + c.iss + " has expired at --now"};
    }
    Rng sti_rng = rng.fork("sti");
    if (v == "revoked") {
      if (list->revoked.empty())
        return Unexpected{"the status list of " + c.iss + " revokes nothing"};
      c.sti = list->revoked[sti_rng.index(list->revoked.size())];
    } else if (v == "status-unknown") {
      c.sti = list->size + sti_rng.below(1000);
    } else {
      for (int i = 0; i < 1000 && !c.sti; ++i) {
        std::uint64_t s = sti_rng.below(list->size);
        if (!list->is_revoked(s)) c.sti = s;
      }
      if (!c.sti) return Unexpected{"the status list of " + c.iss + " has no free entry"};
    }
  }

  Faults f;
  f.duplicate_key = v == "duplicate-key";
  f.omit_wpn = v == "missing-field";
  f.negative_exp = v == "negative-integer";
  f.crit_header = v == "crit-header";
  f.alg_es256 = v == "alg-es256";

  Issued out;
  out.info = info;
  out.jurisdiction = {std::string(city->prefix)};
  {
    SigningKey key = signer->signer();
    if (v == "unknown-key" || v == "bad-signature") {
      SigningKey rogue = SigningKey::from_seed(pki.alg, seed_from(rng.fork("rogue")));
      out.credential = sign_credential(c, rogue, f, v == "bad-signature" ? key.kid() : rogue.kid());
    } else {
      out.credential = sign_credential(c, key, f);
    }
  }
  if (v == "tampered" && !tamper_payload(out.credential, rec.name)) {
    return Unexpected{std::string("could not tamper with the credential")};
  }

  if (req.doc == DocKind::kChip) {
    Seed card_key = holder;
    if (v == "clone") card_key = seed_from(rng.fork("clone"));
    if (v == "truncated-ef") {
      Bytes ef = chip_ef(out.credential);
      std::size_t claimed = out.credential.size() + 40;
      ef[0] = static_cast<std::uint8_t>(claimed >> 8);
      ef[1] = static_cast<std::uint8_t>(claimed & 0xFF);
      out.card = SimCard::with_file(std::move(ef), card_key, pki.alg);
    } else {
      out.card = SimCard(out.credential, card_key, pki.alg);
    }
    ChipInput chip;
    chip.ef = out.card->ef();
    chip.challenge = rng.fork("challenge").bytes(kChallengeSize);
    auto sig = out.card->internal_authenticate(chip.challenge);
    chip.signature.assign(sig.begin(), sig.end());
    out.chip = std::move(chip);
    return out;
  }

  // QR documents: e-cards, and WPNLs or WP cards shown through the wrong carrier, are drawn as
  // presentations; the rest are static WPC1 codes.
  bool presented = (req.doc == DocKind::kEcard) != (v == "wrong-carrier");
  if (presented) {
    out.presenter = v == "other-holder" ? seed_from(rng.fork("other-phone")) : holder;
    out.presenter_alg = pki.alg;
    out.t_offset = v == "stale" ? -600 : v == "future" ? 300 : 0;
    out.qr = present(out, now, rng.fork("nonce").bytes(16));
  } else {
    out.qr = apply_qr_fault(v, kWpc, out.credential);
  }
  return out;
}

}  // namespace kiosk::sim
