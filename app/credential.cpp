#include "app/credential.h"

namespace kiosk {
namespace format {

static std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}
static bool digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool wpn(std::string_view s) {
  std::size_t n = utf8_length(s);
  return n >= 1 && n <= 32;
}
bool nat(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}
bool dob(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && digits(s.substr(0, 4)) &&
         digits(s.substr(5, 2)) && digits(s.substr(8, 2));
}
bool uscc(std::string_view s) {
  if (s.size() != 18) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}
bool loc(std::string_view s) {
  return s.size() == 6 && digits(s);
}

}  // namespace format

namespace {

constexpr std::int64_t kKeyIss = 1, kKeyExp = 4, kKeyNbf = 5, kKeyIat = 6, kKeyCti = 7, kKeyCnf = 8,
                       kKeyWp = -65537;

Reason cose_reason(cose::Error e) {
  return e == cose::Error::kUnsupported ? Reason::kUnsupported : Reason::kMalformed;
}

// Field readers: absent -> nullopt; present with the wrong type -> the caller's `bad` flag.
struct Fields {
  const cbor::Item& map;
  bool bad = false;

  std::optional<std::uint64_t> uint(std::int64_t key) {
    const cbor::Item* v = map.find(key);
    if (!v) return std::nullopt;
    if (!v->is_uint()) {
      bad = true;
      return std::nullopt;
    }
    return v->value;
  }
  std::optional<std::string> text(std::int64_t key) {
    const cbor::Item* v = map.find(key);
    if (!v) return std::nullopt;
    if (!v->is_text()) {
      bad = true;
      return std::nullopt;
    }
    return std::string(v->text());
  }
  std::optional<ByteView> bytes(std::int64_t key) {
    const cbor::Item* v = map.find(key);
    if (!v) return std::nullopt;
    if (!v->is_bytes()) {
      bad = true;
      return std::nullopt;
    }
    return v->bytes;
  }
};

constexpr std::int64_t kKtyOkp = 1, kKtyEc2 = 2;
constexpr std::int64_t kCrvEd25519 = 6;
constexpr std::int64_t kCrvSm2 = -65601;  // private use (spec section 9)

// cnf: {1: COSE_Key}, COSE_Key {1: 1 (OKP), -1: 6 (Ed25519), -2: x} or
// {1: 2 (EC2), -1: -65601 (SM2), -2: x, -3: y} with 32-byte coordinates of a point on the curve.
std::optional<VerifyKey> parse_cnf(const cbor::Item& cnf) {
  if (!cnf.is_map()) return std::nullopt;
  const cbor::Item* key = cnf.find(1);
  if (!key || !key->is_map()) return std::nullopt;
  const cbor::Item* kty = key->find(1);
  const cbor::Item* crv = key->find(-1);
  const cbor::Item* x = key->find(-2);
  if (!kty || !crv || !x || !x->is_bytes()) return std::nullopt;
  auto kty_v = kty->as_int64();
  auto crv_v = crv->as_int64();
  if (!kty_v || !crv_v) return std::nullopt;
  if (*kty_v == kKtyOkp && *crv_v == kCrvEd25519) {
    return VerifyKey::make(SigAlg::kEd25519, x->bytes);
  }
  if (*kty_v == kKtyEc2 && *crv_v == kCrvSm2) {
    const cbor::Item* y = key->find(-3);
    if (!y || !y->is_bytes() || x->bytes.size() != 32 || y->bytes.size() != 32) return std::nullopt;
    Bytes point = {0x04};
    point.insert(point.end(), x->bytes.begin(), x->bytes.end());
    point.insert(point.end(), y->bytes.begin(), y->bytes.end());
    return VerifyKey::make(SigAlg::kSm2, point);
  }
  return std::nullopt;
}

std::optional<Reason> parse_wp(const cbor::Item& m, WorkPermit& wp) {
  if (!m.is_map()) return Reason::kMalformed;
  Fields f{m};
  auto ver = f.uint(0);
  auto doc = f.uint(1);
  if (f.bad || !ver || !doc) return Reason::kMalformed;
  if (*ver != 1) return Reason::kUnsupported;
  if (*doc < 1 || *doc > 4) return Reason::kUnsupported;
  wp.doc = static_cast<Document>(*doc);

  auto wpn = f.text(2);
  auto ssn = f.text(3);
  auto name = f.text(4);
  auto nat = f.text(5);
  auto dob = f.text(6);
  auto ppn = f.text(7);
  auto cat = f.text(8);
  auto uscc = f.text(9);
  auto loc = f.text(10);
  auto sti = f.uint(11);
  auto empn = f.text(12);
  if (f.bad || !wpn || !name || !nat || !dob || !ppn || !uscc || !loc) return Reason::kMalformed;
  bool holder_bound = wp.doc == Document::kESsc || wp.doc == Document::kSscChip;
  if (holder_bound && !ssn) return Reason::kMalformed;
  if (!format::wpn(*wpn) || name->empty() || !format::nat(*nat) || !format::dob(*dob) ||
      !format::uscc(*uscc) || !format::loc(*loc)) {
    return Reason::kMalformed;
  }
  if (cat && (cat->size() != 1 || (*cat != "A" && *cat != "B" && *cat != "C"))) {
    return Reason::kMalformed;
  }
  wp.wpn = std::move(*wpn);
  wp.ssn = std::move(ssn);
  wp.name = std::move(*name);
  wp.nat = std::move(*nat);
  wp.dob = std::move(*dob);
  wp.ppn = std::move(*ppn);
  if (cat) wp.cat = (*cat)[0];
  wp.uscc = std::move(*uscc);
  wp.loc = std::move(*loc);
  wp.sti = sti;
  wp.empn = std::move(empn);
  return std::nullopt;
}

}  // namespace

Result<Credential, Reason> parse_credential(ByteView cose_bytes) {
  auto msg = cose::parse_sign1(cose_bytes);
  if (!msg) return Unexpected{cose_reason(msg.error())};
  if (!msg->kid) return Unexpected{Reason::kMalformed};

  Credential c;
  c.kid = *msg->kid;
  auto payload = cbor::decode(msg->payload);
  if (!payload || !payload->is_map()) return Unexpected{Reason::kMalformed};
  const cbor::Item& m = *payload;

  // ver and doc decide UNSUPPORTED before any other field rule applies.
  const cbor::Item* wp = m.find(kKeyWp);
  if (!wp) return Unexpected{Reason::kMalformed};
  if (auto r = parse_wp(*wp, c.wp)) return Unexpected{*r};

  Fields f{m};
  auto iss = f.text(kKeyIss);
  auto exp = f.uint(kKeyExp);
  auto nbf = f.uint(kKeyNbf);
  auto iat = f.uint(kKeyIat);
  auto cti = f.bytes(kKeyCti);
  if (f.bad || !iss || !exp || !nbf || !iat || !cti) return Unexpected{Reason::kMalformed};
  if (*nbf > *exp || cti->empty() || cti->size() > 16) return Unexpected{Reason::kMalformed};

  bool holder_bound = c.wp.doc == Document::kESsc || c.wp.doc == Document::kSscChip;
  const cbor::Item* cnf = m.find(kKeyCnf);
  if (holder_bound) {
    if (!cnf) return Unexpected{Reason::kMalformed};
    c.cnf = parse_cnf(*cnf);
    if (!c.cnf) return Unexpected{Reason::kMalformed};
  } else if (cnf) {
    return Unexpected{Reason::kMalformed};
  }

  c.iss = std::move(*iss);
  c.exp = *exp;
  c.nbf = *nbf;
  c.iat = *iat;
  c.cti.assign(cti->begin(), cti->end());
  c.cose = std::move(*msg);
  return c;
}

Result<Presentation, Reason> parse_presentation(ByteView cose_bytes) {
  auto msg = cose::parse_sign1(cose_bytes);
  if (!msg) return Unexpected{cose_reason(msg.error())};
  auto payload = cbor::decode(msg->payload);
  if (!payload || !payload->is_map()) return Unexpected{Reason::kMalformed};
  Fields f{*payload};
  auto cred = f.bytes(1);
  auto t = f.uint(2);
  (void)f.bytes(3);  // nonce: ignored, but must be a bstr when present
  if (f.bad || !cred || !t) return Unexpected{Reason::kMalformed};
  Presentation p;
  p.credential = *cred;  // a view into cose_bytes (the payload is a view into it)
  p.t = *t;
  p.cose = std::move(*msg);
  return p;
}

}  // namespace kiosk
