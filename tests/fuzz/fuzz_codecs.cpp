// The parsers on their own: strict CBOR, COSE_Sign1, Base45, bounded inflate, JSON, trust payloads.
#include <cstddef>
#include <cstdint>

#include "app/base45.h"
#include "app/cbor.h"
#include "app/cose.h"
#include "app/credential.h"
#include "app/json.h"
#include "app/trust.h"
#include "app/zlib_codec.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  if (auto item = cbor::decode(in)) {
    // A decoded item's raw view must be exactly the input.
    if (item->raw.size() != size) __builtin_trap();
  }
  (void)cose::parse_sign1(in);
  (void)parse_credential(in);
  (void)parse_presentation(in);
  (void)parse_keyset_payload(in);
  (void)parse_status_payload(in);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto b = base45::decode(text)) {
    if (base45::encode(*b) != text) __builtin_trap();  // Base45 is a bijection on valid text
  }
  if (auto z = zlib::inflate(in, 4096)) {
    if (z->size() > 4096) __builtin_trap();
  }
  (void)json::parse(text);
  return 0;
}
