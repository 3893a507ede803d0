#include "app/sign/sm2.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

namespace kiosk::sm2 {

struct PreparedKey {
  EVP_PKEY* pkey = nullptr;
  ~PreparedKey() { EVP_PKEY_free(pkey); }
};

namespace {

// The order n of sm2p256v1 (GB/T 32918.5), big-endian.
constexpr std::array<std::uint8_t, 32> kOrder = {
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6, 0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09, 0x39, 0xD5, 0x41, 0x23};

/// Leaves OpenSSL's thread-local error queue empty on scope exit, whatever happened.
struct ErrGuard {
  ~ErrGuard() { ERR_clear_error(); }
};

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Group = std::unique_ptr<EC_GROUP, Free<EC_GROUP, EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Free<EC_POINT, EC_POINT_free>>;
using Bn = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_clear_free>>;
using BnCtx = std::unique_ptr<BN_CTX, Free<BN_CTX, BN_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Free<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Free<OSSL_PARAM, OSSL_PARAM_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Free<ECDSA_SIG, ECDSA_SIG_free>>;

Group sm2_group() {
  return Group(EC_GROUP_new_by_curve_name(NID_sm2));
}

/// True when `point` is 04 || x || y, a point of the curve other than infinity.
bool valid_point(ByteView point) {
  if (point.size() != kPublicKeyBytes || point[0] != 0x04) return false;
  Group g = sm2_group();
  BnCtx ctx(BN_CTX_new());
  if (!g || !ctx) return false;
  Point p(EC_POINT_new(g.get()));
  // oct2point refuses coordinates >= p and points off the curve; the checks below say so again.
  if (!p || EC_POINT_oct2point(g.get(), p.get(), point.data(), point.size(), ctx.get()) != 1)
    return false;
  return EC_POINT_is_at_infinity(g.get(), p.get()) == 0 &&
         EC_POINT_is_on_curve(g.get(), p.get(), ctx.get()) == 1;
}

/// An EVP_PKEY of type SM2 from the public point and, when given, the private scalar.
EVP_PKEY* import_key(ByteView point, const BIGNUM* priv) {
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1 ||
      (priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)) {
    return nullptr;
  }
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  return pkey;
}

/// Sets the user ID on a digest-sign/verify context (Z is computed at the first update).
bool set_id(EVP_PKEY_CTX* pctx, std::string_view id) {
  return EVP_PKEY_CTX_set1_id(pctx, id.data(), static_cast<int>(id.size())) > 0;
}

}  // namespace

Digest sm3(ByteView msg) {
  ErrGuard eg;
  Digest d{};
  unsigned int n = 0;
  EVP_Digest(msg.data(), msg.size(), d.data(), &n, EVP_sm3(), nullptr);
  return d;
}

bool in_scalar_range(ByteView v) {
  if (v.size() != kScalarBytes) return false;
  bool zero = std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; });
  return !zero && std::lexicographical_compare(v.begin(), v.end(), kOrder.begin(), kOrder.end());
}

std::shared_ptr<const PreparedKey> prepare(ByteView point) {
  ErrGuard eg;
  if (!valid_point(point)) return nullptr;
  auto key = std::make_shared<PreparedKey>();
  key->pkey = import_key(point, nullptr);
  if (!key->pkey) return nullptr;
  return key;
}

bool verify(const PreparedKey& key, ByteView msg, ByteView sig, std::string_view id) {
  ErrGuard eg;
  if (sig.size() != kSignatureBytes) return false;
  ByteView r = sig.first(kScalarBytes), s = sig.subspan(kScalarBytes);
  if (!in_scalar_range(r) || !in_scalar_range(s)) return false;
  // OpenSSL takes the DER form: SEQUENCE { INTEGER r, INTEGER s }.
  Sig es(ECDSA_SIG_new());
  BIGNUM* br = BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr);
  BIGNUM* bs = BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr);
  if (!es || !br || !bs || ECDSA_SIG_set0(es.get(), br, bs) != 1) {
    BN_free(br);
    BN_free(bs);
    return false;
  }
  std::array<std::uint8_t, 80> der{};
  unsigned char* out = der.data();
  int der_len = i2d_ECDSA_SIG(es.get(), &out);
  if (der_len <= 0 || static_cast<std::size_t>(der_len) > der.size()) return false;

  MdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, EVP_sm3(), nullptr, key.pkey) != 1 ||
      !set_id(pctx, id) || EVP_DigestVerifyUpdate(md.get(), msg.data(), msg.size()) != 1) {
    return false;
  }
  return EVP_DigestVerifyFinal(md.get(), der.data(), static_cast<std::size_t>(der_len)) == 1;
}

std::optional<Digest> z_digest(ByteView point, std::string_view id) {
  ErrGuard eg;
  if (!valid_point(point) || id.size() > 8191) return std::nullopt;
  // The curve's a, b, xG, yG (GB/T 32918.5), big-endian.
  static constexpr char kCurveHex[] =
      "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
      "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
      "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
      "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";
  Bytes in;
  auto entl = static_cast<std::uint16_t>(id.size() * 8);
  in.push_back(static_cast<std::uint8_t>(entl >> 8));
  in.push_back(static_cast<std::uint8_t>(entl));
  in.insert(in.end(), id.begin(), id.end());
  auto curve = from_hex(kCurveHex);
  if (!curve) return std::nullopt;
  in.insert(in.end(), curve->begin(), curve->end());
  in.insert(in.end(), point.begin() + 1, point.end());
  return sm3(in);
}

std::optional<SecretKey> SecretKey::from_scalar(ByteView d) {
  ErrGuard eg;
  if (d.size() != kScalarBytes || !in_scalar_range(d)) return std::nullopt;
  // d = n - 1 has no SM2 signature key (1 + d must be invertible): [1, n-2].
  std::array<std::uint8_t, 32> n_minus_1 = kOrder;
  n_minus_1[31] = static_cast<std::uint8_t>(n_minus_1[31] - 1);
  if (std::equal(d.begin(), d.end(), n_minus_1.begin())) return std::nullopt;
  Group g = sm2_group();
  BnCtx ctx(BN_CTX_new());
  Bn priv(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
  if (!g || !ctx || !priv) return std::nullopt;
  Point p(EC_POINT_new(g.get()));
  if (!p || EC_POINT_mul(g.get(), p.get(), priv.get(), nullptr, nullptr, ctx.get()) != 1)
    return std::nullopt;
  SecretKey k;
  if (EC_POINT_point2oct(g.get(), p.get(), POINT_CONVERSION_UNCOMPRESSED, k.pub_.data(),
                         k.pub_.size(), ctx.get()) != k.pub_.size()) {
    return std::nullopt;
  }
  EVP_PKEY* pkey = import_key(k.pub_, priv.get());
  if (!pkey) return std::nullopt;
  k.pkey_ = std::shared_ptr<void>(pkey, [](void* q) { EVP_PKEY_free(static_cast<EVP_PKEY*>(q)); });
  return k;
}

SecretKey SecretKey::from_seed(ByteView seed) {
  ErrGuard eg;
  Bytes in = {'s', 'm', '2', '-', 'k', 'e', 'y'};
  in.insert(in.end(), seed.begin(), seed.end());
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> h{};
  SHA256(in.data(), in.size(), h.data());
  BnCtx ctx(BN_CTX_new());
  Bn hv(BN_bin2bn(h.data(), static_cast<int>(h.size()), nullptr));
  Bn n_minus_2(BN_bin2bn(kOrder.data(), static_cast<int>(kOrder.size()), nullptr));
  Bn d(BN_new());
  std::array<std::uint8_t, kScalarBytes> scalar{};
  bool ok = ctx && hv && n_minus_2 && d && BN_sub_word(n_minus_2.get(), 2) == 1 &&
            BN_mod(d.get(), hv.get(), n_minus_2.get(), ctx.get()) == 1 &&
            BN_add_word(d.get(), 1) == 1 &&
            BN_bn2binpad(d.get(), scalar.data(), static_cast<int>(scalar.size())) == 32;
  std::optional<SecretKey> k;
  if (ok) k = from_scalar(scalar);
  OPENSSL_cleanse(scalar.data(), scalar.size());
  OPENSSL_cleanse(h.data(), h.size());
  // Only an allocation failure can get here without a key: nothing sensible remains to do.
  if (!k) std::abort();
  return std::move(*k);
}

SecretKey::SecretKey(SecretKey&&) noexcept = default;
SecretKey& SecretKey::operator=(SecretKey&&) noexcept = default;
SecretKey::~SecretKey() = default;  // EVP_PKEY_free clears the private scalar

std::array<std::uint8_t, kSignatureBytes> SecretKey::sign(ByteView msg, std::string_view id) const {
  ErrGuard eg;
  std::array<std::uint8_t, kSignatureBytes> out{};
  auto* pkey = static_cast<EVP_PKEY*>(pkey_.get());
  MdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  std::array<std::uint8_t, 80> der{};
  std::size_t der_len = der.size();
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sm3(), nullptr, pkey) != 1 ||
      !set_id(pctx, id) || EVP_DigestSignUpdate(md.get(), msg.data(), msg.size()) != 1 ||
      EVP_DigestSignFinal(md.get(), der.data(), &der_len) != 1) {
    std::abort();  // a valid key always signs; only allocation failures get here
  }
  const unsigned char* p = der.data();
  Sig es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  const BIGNUM *r = nullptr, *s = nullptr;
  if (!es) std::abort();
  ECDSA_SIG_get0(es.get(), &r, &s);
  if (BN_bn2binpad(r, out.data(), 32) != 32 || BN_bn2binpad(s, out.data() + 32, 32) != 32)
    std::abort();
  return out;
}

}  // namespace kiosk::sm2
