#include "sim/issuer/variants.h"

#include <array>

namespace kiosk::sim {
namespace {

using R = Reason;

struct Row {
  std::string_view name;
  std::string_view what;
  bool qr, chip, ecard_only;         // applicability: QR docs, chip, e-card only
  std::optional<Document> document;  // nullopt: the doc's own document
  std::vector<Reason> reasons;
  bool unknown = false;  // verification stops before the document is known
};

Outcome outcome_for(const std::vector<Reason>& rs) {
  Outcome o = Outcome::kAccept;
  for (Reason r : rs) {
    if (outcome_of(r) == Outcome::kReject) return Outcome::kReject;
    o = Outcome::kReview;
  }
  return o;
}

std::vector<VariantInfo> build() {
  // clang-format off
  const std::vector<Row> rows = {
    {"valid", "a genuine credential, fresh presentation, work location in the issue city", true, true, false, {}, {}},
    {"expired", "exp one day before now", true, true, false, {}, {R::kCredentialExpired}},
    {"not-yet-valid", "nbf seven days after now", true, true, false, {}, {R::kCredentialNotYetValid}},
    {"revoked", "sti points at a set bit of the issuer's status list", true, true, false, {}, {R::kCredentialRevoked}},
    {"status-unknown", "sti beyond the size of the issuer's status list", true, true, false, {}, {R::kStatusUnknown}},
    {"tampered", "a letter of the holder's name changed after signing", true, true, false, {}, {R::kBadSignature}, true},
    {"unknown-key", "signed by a key that is not in the bundle (its own kid)", true, true, false, {}, {R::kUnknownKey}, true},
    {"bad-signature", "the right issuer kid, signed by another key", true, true, false, {}, {R::kBadSignature}, true},
    {"key-revoked", "signed by national-revoked (st = 1)", true, true, false, {}, {R::kKeyRevoked}},
    {"key-not-valid-at-issue", "signed by national-retired 30 days ago, after its signing period ended", true, true, false, {}, {R::kKeyNotValidAtIssue}},
    {"key-scope-region", "signed by another province's key (reg does not cover loc)", true, true, false, {}, {R::kKeyScope}},
    {"key-scope-doc", "signed by the national key for the other documents (doc not in docs)", true, true, false, {}, {R::kKeyScope}},
    {"key-scope-iss", "iss CN-320000 while the signing key's iss differs (no sti)", true, true, false, {}, {R::kKeyScope}},
    {"jurisdiction-mismatch", "work location in the next city of the list, signed by its issuer", true, true, false, {}, {R::kJurisdictionMismatch}},
    {"duplicate-key", "payload map holds iat twice (signed)", true, true, false, {}, {R::kMalformed}, true},
    {"missing-field", "wp map without wpn (signed)", true, true, false, {}, {R::kMalformed}, true},
    {"bad-date", "dob written DD/MM/YYYY (signed)", true, true, false, {}, {R::kMalformed}, true},
    {"negative-integer", "exp encoded as a negative integer (signed)", true, true, false, {}, {R::kMalformed}, true},
    {"crit-header", "protected header carries crit (2)", true, true, false, {}, {R::kUnsupported}, true},
    {"alg-es256", "protected header says alg -7 (ES256)", true, true, false, {}, {R::kUnsupported}, true},
    {"version-2", "wp ver = 2", true, true, false, {}, {R::kUnsupported}, true},
    {"unknown-doc", "wp doc = 7", true, true, false, {}, {R::kUnsupported}, true},
    {"bad-base45", "the Base45 part in lower case, as a misconfigured scanner sends it", true, false, false, {}, {R::kMalformed}, true},
    {"truncated-zlib", "the zlib stream cut in half", true, false, false, {}, {R::kMalformed}, true},
    {"zip-bomb", "a zlib stream that inflates to 1 MiB", true, false, false, {}, {R::kMalformed}, true},
    {"stale", "presentation drawn 10 minutes before now (a screenshot)", false, false, true, {}, {R::kPresentationExpired}},
    {"future", "presentation dated 5 minutes after now", false, false, true, {}, {R::kPresentationNotYetValid}},
    {"other-holder", "presentation signed by another phone's key", false, false, true, {}, {R::kHolderBindingFailed}},
    {"clone", "the card answers the challenge with a key other than cnf", false, true, false, {}, {R::kHolderBindingFailed}},
    {"truncated-ef", "the file's length says 40 bytes more than it holds", false, true, false, {}, {R::kMalformed}, true},
  };
  // clang-format on
  std::vector<VariantInfo> out;
  for (DocKind d : {DocKind::kEcard, DocKind::kWpnl, DocKind::kWpcard, DocKind::kChip}) {
    for (const Row& r : rows) {
      bool applies = d == DocKind::kChip ? r.chip : (r.ecard_only ? d == DocKind::kEcard : r.qr);
      if (!applies) continue;
      ExpectedVerdict e;
      e.reasons = r.reasons;
      e.outcome = outcome_for(r.reasons);
      e.document = r.unknown ? Document::kUnknown : document_of(d);
      out.push_back({d, r.name, r.what, e});
    }
    // One wrong carrier per document (spec section 2).
    VariantInfo wc{d, "wrong-carrier", "", {Outcome::kReject, document_of(d), {R::kWrongCarrier}}};
    switch (d) {
      case DocKind::kEcard:
        wc.what = "the e-card credential (doc 1) as a static WPC1 code";
        break;
      case DocKind::kWpnl:
        wc.what = "the WPNL credential inside a WPP1 presentation";
        break;
      case DocKind::kWpcard:
        wc.what = "the WP card credential inside a WPP1 presentation";
        break;
      case DocKind::kChip:
        wc.what = "a WPNL credential on the chip";
        wc.expected.document = Document::kWpnl;
        break;
    }
    out.push_back(wc);
  }
  return out;
}

}  // namespace

std::string_view name(DocKind d) {
  switch (d) {
    case DocKind::kEcard:
      return "ecard";
    case DocKind::kWpnl:
      return "wpnl";
    case DocKind::kWpcard:
      return "wpcard";
    case DocKind::kChip:
      return "chip";
  }
  return "?";
}

std::optional<DocKind> doc_kind_from_name(std::string_view s) {
  for (DocKind d : {DocKind::kEcard, DocKind::kWpnl, DocKind::kWpcard, DocKind::kChip}) {
    if (name(d) == s) return d;
  }
  return std::nullopt;
}

Document document_of(DocKind d) {
  switch (d) {
    case DocKind::kEcard:
      return Document::kESsc;
    case DocKind::kWpnl:
      return Document::kWpnl;
    case DocKind::kWpcard:
      return Document::kWpCard;
    case DocKind::kChip:
      return Document::kSscChip;
  }
  return Document::kUnknown;
}

bool is_qr(DocKind d) {
  return d != DocKind::kChip;
}

std::span<const VariantInfo> variants() {
  static const std::vector<VariantInfo> all = build();
  return all;
}

const VariantInfo* find_variant(DocKind doc, std::string_view n) {
  for (const VariantInfo& v : variants()) {
    if (v.doc == doc && v.name == n) return &v;
  }
  return nullptr;
}

}  // namespace kiosk::sim
