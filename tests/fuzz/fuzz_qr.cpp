// Any byte string as QR text -> a verdict (Base45, zlib, strict CBOR, COSE, credential, verifier).
#include <cstddef>
#include <cstdint>

#include "app/verifier.h"
#include "tests/fuzz/fuzz_support.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = crypto_init();
  static const TrustSnapshot trust = fuzz::vector_snapshot();
  static const VerifySettings settings{{"3101"}, 90, 30};
  (void)ok;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Verdict v = verify_qr(text, trust, settings, 1796000000);
  // Invariants the officer relies on.
  if (v.reasons.empty() && v.outcome != Outcome::kAccept) __builtin_trap();
  if (v.document == Document::kUnknown && v.holder) __builtin_trap();
  if (v.outcome == Outcome::kAccept && !v.holder) __builtin_trap();
  (void)to_json(v);
  return 0;
}
