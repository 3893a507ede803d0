#include "sim/issuer/credential_builder.h"

#include <algorithm>

#include "app/base45.h"
#include "app/cbor.h"
#include "app/cose.h"
#include "app/zlib_codec.h"

namespace kiosk::sim {

Bytes encode_credential_payload(const CredentialSpec& c, const Faults& f) {
  const PermitRecord& r = c.record;
  // The wp map, counted first so that the head is right.
  std::uint64_t wp_n = 2 + (f.omit_wpn ? 0 : 1) + (c.with_ssn ? 1 : 0) + 5 + (r.cat ? 1 : 0) + 1 +
                       (c.sti ? 1 : 0) + (c.with_empn ? 1 : 0);
  cbor::Writer wp;
  wp.map(wp_n).uint(0).uint(c.ver).uint(1).uint(c.doc);
  if (!f.omit_wpn) wp.uint(2).text(r.wpn);
  if (c.with_ssn) wp.uint(3).text(r.ssn);
  wp.uint(4).text(r.name).uint(5).text(r.nat).uint(6).text(r.dob).uint(7).text(r.ppn);
  if (r.cat) wp.uint(8).text(std::string(1, *r.cat));
  wp.uint(9).text(r.uscc).uint(10).text(r.loc);
  if (c.sti) wp.uint(11).uint(*c.sti);
  if (c.with_empn) wp.uint(12).text(r.empn);

  std::uint64_t n = 6 + (c.cnf ? 1 : 0) + (f.duplicate_key ? 1 : 0);
  cbor::Writer w;
  w.map(n).uint(1).text(c.iss);
  if (f.negative_exp) {
    w.uint(4).integer(-1 -
                      static_cast<std::int64_t>(std::min<std::uint64_t>(c.exp, INT64_MAX - 1)));
  } else {
    w.uint(4).uint(c.exp);
  }
  w.uint(5).uint(c.nbf).uint(6).uint(c.iat);
  if (f.duplicate_key) w.uint(6).uint(c.iat + 1);
  w.uint(7).bytes(c.cti);
  if (c.cnf && c.cnf->alg() == SigAlg::kEd25519) {
    w.uint(8).map(1).uint(1).map(3).uint(1).uint(1).integer(-1).uint(6).integer(-2).bytes(
        c.cnf->raw());
  } else if (c.cnf) {  // EC2 on the SM2 curve, crv -65601 (spec section 9)
    ByteView point = c.cnf->raw();
    w.uint(8).map(1).uint(1).map(4).uint(1).uint(2).integer(-1).integer(-65601);
    w.integer(-2).bytes(point.subspan(1, 32)).integer(-3).bytes(point.subspan(33, 32));
  }
  w.integer(-65537).raw(wp.data());
  return w.take();
}

Bytes sign_credential(const CredentialSpec& c, const SigningKey& signer, const Faults& f,
                      std::optional<Kid> kid) {
  Kid k = kid.value_or(signer.kid());
  cbor::Writer prot;
  prot.map(f.crit_header ? 3 : 2).uint(1).integer(f.alg_es256 ? -7 : sign::cose_alg(signer.alg()));
  if (f.crit_header) prot.uint(2).array(1).integer(-65537);
  prot.uint(4).bytes(k);
  return cose::sign1(prot.data(), encode_credential_payload(c, f), signer);
}

Bytes make_presentation(ByteView credential, const SigningKey& holder, std::uint64_t t,
                        ByteView nonce) {
  cbor::Writer payload;
  payload.map(nonce.empty() ? 2 : 3).uint(1).bytes(credential).uint(2).uint(t);
  if (!nonce.empty()) payload.uint(3).bytes(nonce);
  cbor::Writer prot;
  prot.map(1).uint(1).integer(sign::cose_alg(holder.alg()));
  return cose::sign1(prot.data(), payload.data(), holder);
}

std::string qr_text(std::string_view prefix, ByteView cose) {
  return std::string(prefix) + base45::encode(zlib::deflate(cose));
}

Bytes chip_ef(ByteView credential) {
  Bytes ef;
  ef.push_back(static_cast<std::uint8_t>(credential.size() >> 8));
  ef.push_back(static_cast<std::uint8_t>(credential.size() & 0xFF));
  ef.insert(ef.end(), credential.begin(), credential.end());
  return ef;
}

bool tamper_payload(Bytes& cose, std::string_view name) {
  if (!name.empty()) {
    ByteView needle = as_bytes(name);
    auto it = std::search(cose.begin(), cose.end(), needle.begin(), needle.end());
    if (it != cose.end()) {
      auto c = static_cast<char>(*it);
      if (c >= 'A' && c <= 'Z') {
        *it = static_cast<std::uint8_t>(c - 'A' + 'a');
        return true;
      }
      if (c >= 'a' && c <= 'z') {
        *it = static_cast<std::uint8_t>(c - 'a' + 'A');
        return true;
      }
    }
  }
  return false;
}

}  // namespace kiosk::sim
