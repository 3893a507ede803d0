// The key and signature paths of app/sign (issue 13): any bytes as an Ed25519 or SM2 public key,
// an anchor file's text and a signature; and strict CBOR's walk (cbor::check) against its decoder.
// Input: MODE || KEY (32 bytes when MODE bit 0 is clear, 65 when set) || SIG (64) || MSG.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/cbor.h"
#include "app/sign/sign.h"
#include "app/sign/sm2.h"
#include "keys/anchors.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = crypto_init();
  (void)ok;
  ByteView in(data, size);
  // The walk accepts whatever the decoder accepts, and refuses whatever it finds wrong.
  auto item = cbor::decode(in);
  auto checked = cbor::check(in);
  if (item && checked) __builtin_trap();
  if (checked && *checked != cbor::Error::kDuplicateKey && item) __builtin_trap();
  (void)keys::parse_anchor(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size < 1) return 0;
  const SigAlg alg = (data[0] & 1) ? SigAlg::kSm2 : SigAlg::kEd25519;
  const std::size_t key_len = sign::public_key_bytes(alg);
  if (size < 1 + key_len + sign::kSignatureBytes) return 0;
  ByteView key_bytes = in.subspan(1, key_len);
  ByteView sig = in.subspan(1 + key_len, sign::kSignatureBytes);
  ByteView msg = in.subspan(1 + key_len + sign::kSignatureBytes);
  auto key = VerifyKey::make(alg, key_bytes);
  // Keys of the other algorithm never come from these bytes (sizes differ).
  if (VerifyKey::make(alg == SigAlg::kSm2 ? SigAlg::kEd25519 : SigAlg::kSm2, key_bytes))
    __builtin_trap();
  if (!key) return 0;
  if (key->alg() != alg || !equal(key->raw(), key_bytes)) __builtin_trap();
  bool good = sign::verify(alg, *key, msg, sig);
  // The other algorithm's verification never accepts.
  if (sign::verify(alg == SigAlg::kSm2 ? SigAlg::kEd25519 : SigAlg::kSm2, *key, msg, sig))
    __builtin_trap();
  // An SM2 signature with r or s out of range never verifies.
  if (good && alg == SigAlg::kSm2 &&
      (!sm2::in_scalar_range(sig.first(32)) || !sm2::in_scalar_range(sig.subspan(32))))
    __builtin_trap();
  // Mode bit 1: also truncated signatures (never accepted).
  if (data[0] & 2) {
    if (sign::verify(alg, *key, msg, sig.first(63))) __builtin_trap();
  }
  return 0;
}
