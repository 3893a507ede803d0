// Any chip answer -> a verdict: the input is split into EF, challenge and signature, and is also
// parsed as a chip-file JSON.
#include <cstddef>
#include <cstdint>

#include "app/chip_file.h"
#include "app/verifier.h"
#include "tests/fuzz/fuzz_support.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = crypto_init();
  static const TrustSnapshot trust = fuzz::vector_snapshot();
  static const VerifySettings settings{{"3101"}, 90, 30};
  (void)ok;
  // Layout: the last 96 bytes are challenge (32) and signature (64); the rest is the EF.
  ChipInput in;
  std::size_t tail = size >= 96 ? 96 : size;
  in.ef.assign(data, data + (size - tail));
  in.challenge.assign(data + (size - tail), data + (size - tail) + std::min<std::size_t>(tail, 32));
  if (tail > 32) in.signature.assign(data + (size - tail) + 32, data + size);
  Verdict v = verify_chip(in, trust, settings, 1796000000);
  if (v.document == Document::kUnknown && v.holder) __builtin_trap();
  if (v.outcome == Outcome::kAccept && v.document != Document::kSscChip) __builtin_trap();
  std::string why;
  if (auto parsed = parse_chip_file(std::string_view(reinterpret_cast<const char*>(data), size), &why)) {
    (void)verify_chip(*parsed, trust, settings, 1796000000);
  }
  return 0;
}
