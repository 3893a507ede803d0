#include "app/verifier.h"

#include <algorithm>

#include "app/base45.h"
#include "app/credential.h"
#include "app/json.h"
#include "app/verdict_json.h"
#include "app/zlib_codec.h"

namespace kiosk {
namespace {

Verdict stop(Reason r) {
  Verdict v;
  v.reasons = {r};
  v.outcome = outcome_of(r);
  return v;
}

Verdict finish(Verdict v) {
  std::sort(v.reasons.begin(), v.reasons.end());
  v.reasons.erase(std::unique(v.reasons.begin(), v.reasons.end()), v.reasons.end());
  v.outcome = Outcome::kAccept;
  for (Reason r : v.reasons) {
    Outcome o = outcome_of(r);
    if (o == Outcome::kReject) {
      v.outcome = Outcome::kReject;
      break;
    }
    v.outcome = Outcome::kReview;
  }
  return v;
}

// Exact comparisons of an unsigned presentation time with the signed kiosk clock and settings,
// for every input (no 128-bit type: it does not exist on 32-bit ARM).
/// t < now - max_age
bool older_than(std::uint64_t t, std::int64_t now, std::int64_t max_age) {
  if (now < max_age) return false;  // the bound is negative: no time is below it
  // now >= max_age: the difference lies in [0, 2^64) and unsigned subtraction gives it exactly.
  return t < static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(max_age);
}
/// t > now + skew
bool later_than(std::uint64_t t, std::int64_t now, std::int64_t skew) {
  std::int64_t sum;
  if (!__builtin_add_overflow(now, skew, &sum))
    return sum < 0 || t > static_cast<std::uint64_t>(sum);
  if (now > 0) return t > static_cast<std::uint64_t>(now) + static_cast<std::uint64_t>(skew);
  return true;  // the sum is below INT64_MIN
}

// `now` as unsigned for comparisons with credential times (epoch seconds, never negative).
std::uint64_t unsigned_now(std::int64_t now) {
  return now < 0 ? 0 : static_cast<std::uint64_t>(now);
}

/// The carrier-independent part, steps 2 to 4 for the credential; `holder_check` returns whether
/// the holder binding holds and is called only when the carrier is right.
template <class HolderCheck>
Verdict judge(const Credential& c, Document expected_doc, const TrustSnapshot& trust,
              const VerifySettings& settings, std::int64_t now, HolderCheck holder_check) {
  if (!trust.keyset) return stop(Reason::kKeysetMissing);
  const IssuerKey* key = trust.keyset->find(c.kid);
  if (!key) return stop(Reason::kUnknownKey);
  if (!cose::verify(c.cose, key->pub)) return stop(Reason::kBadSignature);

  Verdict v;
  v.document = c.wp.doc;
  v.issuer_kid = c.kid;
  v.cti = c.cti;
  auto& rs = v.reasons;
  bool wrong_carrier = c.wp.doc != expected_doc &&
                       !(expected_doc == Document::kWpnl && c.wp.doc == Document::kWpCard);
  if (wrong_carrier) rs.push_back(Reason::kWrongCarrier);
  if (key->st == 1) rs.push_back(Reason::kKeyRevoked);
  if (c.iat < key->nbf || c.iat > key->exp) rs.push_back(Reason::kKeyNotValidAtIssue);
  if (!key->may_sign(c.wp.doc) || !c.wp.loc.starts_with(key->reg) || c.iss != key->iss) {
    rs.push_back(Reason::kKeyScope);
  }
  if (!wrong_carrier) {
    if (auto r = holder_check()) rs.push_back(*r);
  }
  const std::uint64_t unow = unsigned_now(now);
  if (unow > c.exp) rs.push_back(Reason::kCredentialExpired);
  if (unow < c.nbf) rs.push_back(Reason::kCredentialNotYetValid);
  if (c.wp.sti) {
    const StatusList* list = trust.status_for(c.iss);
    bool usable = list && unow < list->exp && *c.wp.sti < list->size;
    if (!usable) {
      rs.push_back(Reason::kStatusUnknown);
    } else if (list->revoked(*c.wp.sti)) {
      rs.push_back(Reason::kCredentialRevoked);
    }
  }
  if (unow >= trust.keyset->exp) rs.push_back(Reason::kKeysetExpired);
  if (!settings.jurisdiction.empty()) {
    bool inside = std::any_of(settings.jurisdiction.begin(), settings.jurisdiction.end(),
                              [&](const std::string& p) { return c.wp.loc.starts_with(p); });
    if (!inside) rs.push_back(Reason::kJurisdictionMismatch);
  }
  if (now < trust.time_floor) rs.push_back(Reason::kClockUntrusted);

  const WorkPermit& wp = c.wp;
  v.holder = HolderRecord{wp.name, wp.nat,  wp.dob, wp.ppn, wp.wpn, wp.ssn, wp.cat,
                          wp.uscc, wp.empn, wp.loc, c.iss,  c.nbf,  c.exp,  c.iat};
  return finish(std::move(v));
}

// Decodes PREFIX || Base45(zlib(COSE)) into the COSE bytes, within the spec's limits.
std::optional<Bytes> unwrap_qr(std::string_view payload) {
  auto compressed = base45::decode(payload);
  if (!compressed) return std::nullopt;
  auto cose = zlib::inflate(*compressed, kMaxCoseBytes);
  if (!cose) return std::nullopt;
  return std::move(*cose);
}

}  // namespace

bool Verdict::has(Reason r) const {
  return std::find(reasons.begin(), reasons.end(), r) != reasons.end();
}

Verdict verify_qr(std::string_view text, const TrustSnapshot& trust, const VerifySettings& settings,
                  std::int64_t now) {
  if (text.size() > kMaxQrText) return stop(Reason::kMalformed);
  constexpr std::string_view kCredential = "WPC1:", kPresentation = "WPP1:";
  bool presentation = text.starts_with(kPresentation);
  if (!presentation && !text.starts_with(kCredential)) return stop(Reason::kMalformed);
  auto cose = unwrap_qr(text.substr(kCredential.size()));
  if (!cose) return stop(Reason::kMalformed);

  if (!presentation) {
    auto cred = parse_credential(*cose);
    if (!cred) return stop(cred.error());
    return judge(*cred, Document::kWpnl, trust, settings, now,
                 []() -> std::optional<Reason> { return std::nullopt; });
  }

  // Step 1 for a presentation: the presentation first, then the credential inside.
  auto pres = parse_presentation(*cose);
  if (!pres) return stop(pres.error());
  auto cred = parse_credential(pres->credential);
  if (!cred) return stop(cred.error());
  Verdict v = judge(*cred, Document::kESsc, trust, settings, now, [&]() -> std::optional<Reason> {
    if (!cose::verify(pres->cose, *cred->cnf)) return Reason::kHolderBindingFailed;
    return std::nullopt;
  });
  // Freshness (section 4) belongs to every presentation that reached step 4: WRONG_CARRIER
  // exempts only the holder binding.
  if (v.document != Document::kUnknown) {
    v.presented_at = pres->t;
    if (older_than(pres->t, now, settings.max_age))
      v.reasons.push_back(Reason::kPresentationExpired);
    if (later_than(pres->t, now, settings.skew))
      v.reasons.push_back(Reason::kPresentationNotYetValid);
    v = finish(std::move(v));
  }
  return v;
}

Verdict verify_chip(const ChipInput& chip, const TrustSnapshot& trust,
                    const VerifySettings& settings, std::int64_t now) {
  // Step 1 for a chip: the EF length, then the credential.
  if (chip.ef.size() < 2) return stop(Reason::kMalformed);
  std::size_t len = std::size_t{chip.ef[0]} << 8 | chip.ef[1];
  if (len > kMaxCoseBytes || chip.ef.size() != 2 + len) return stop(Reason::kMalformed);
  if (chip.challenge.size() != kChallengeSize) return stop(Reason::kMalformed);
  auto cred = parse_credential(ByteView(chip.ef).subspan(2));
  if (!cred) return stop(cred.error());
  return judge(*cred, Document::kSscChip, trust, settings, now, [&]() -> std::optional<Reason> {
    Bytes msg(kChipAuthContext.begin(), kChipAuthContext.end());
    msg.insert(msg.end(), chip.challenge.begin(), chip.challenge.end());
    // The chip answers by the alg of cnf (spec section 9): the key's own algorithm.
    if (!sign::verify(cred->cnf->alg(), *cred->cnf, msg, chip.signature))
      return Reason::kHolderBindingFailed;
    return std::nullopt;
  });
}

std::string to_json(const Verdict& v) {
  json::Writer w;
  w.begin_object();
  w.key("outcome").string(name(v.outcome));
  w.key("document").string(name(v.document));
  w.key("reasons").begin_array();
  for (Reason r : v.reasons)
    w.string(name(r));
  w.end_array();
  w.key("holder");
  if (!v.holder) {
    w.null();
  } else {
    write_holder(w, *v.holder);
  }
  if (v.issuer_kid) w.key("issuer_kid").string(to_hex(*v.issuer_kid));
  w.key("messages");
  write_messages(w, v.reasons);
  w.end_object();
  return w.take();
}

}  // namespace kiosk
