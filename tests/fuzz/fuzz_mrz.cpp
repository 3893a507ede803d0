// Any byte string as MRZ text -> a TD3 zone or a refusal, then the cross-check with a record.
#include <cstddef>
#include <cstdint>

#include "app/mrz/cross_check.h"
#include "app/mrz/mrz.h"
#include "app/mrz/transliterate.h"

using namespace kiosk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto zone = mrz::parse(text);
  // The same bytes as a holder name: transliteration must hold on any UTF-8 or not.
  (void)mrz::mrz_components(text);
  if (!zone) return 0;
  if (zone->lines[0].size() != mrz::kTd3Line || zone->lines[1].size() != mrz::kTd3Line)
    __builtin_trap();
  HolderRecord h;
  h.name = std::string(text.substr(0, 60));
  h.nat = zone->nationality;
  h.dob = "1990-01-01";
  h.ppn = zone->document_number;
  mrz::CrossCheck c = mrz::cross_check(*zone, &h);
  // Invariants the officer relies on: a misread zone is never compared, never a match.
  if (!zone->valid() && c.overall != mrz::Overall::kReadAgain) __builtin_trap();
  if (c.overall == mrz::Overall::kMatch && c.name != mrz::FieldMatch::kMatch) __builtin_trap();
  (void)mrz::birth_date(zone->birth, 1796000000);
  (void)mrz::expiry_date(zone->expiry, 1796000000);
  return 0;
}
