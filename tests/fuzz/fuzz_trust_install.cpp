// Any file as a key set bundle or status list -> an install result, on an empty store and on one
// holding the vector bundle.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_support.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = crypto_init();
  static const keys::Anchors anchors = fuzz::vector_anchors();
  static const keys::InstalledTrust empty;
  static const keys::InstalledTrust installed = fuzz::vector_installed();
  (void)ok;
  ByteView file(data, size);
  auto a = keys::decide_install(file, anchors, empty, 1795956800);
  if (a.result == keys::InstallResult::kInstalled && !a.keyset && !a.status) __builtin_trap();
  auto b = keys::decide_install(file, anchors, installed, 1795956800);
  if (b.result == keys::InstallResult::kInstalled && !b.keyset && !b.status) __builtin_trap();
  return 0;
}
