// Realistic test records for simulated work permits: cities with real GB/T 2260 district codes,
// holders of many nationalities with passport numbers in their country's style, Chinese employers
// with check-digit-valid unified social credit codes. All of it is invented TEST MATERIAL.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/rng.h"

namespace kiosk::sim {

/// A city where work permits are issued and where a PSB kiosk stands.
struct City {
  std::string_view key;       ///< command-line name, e.g. "shanghai"
  std::string_view name_zh;   ///< e.g. "上海"
  std::string_view district;  ///< e.g. "Pudong New Area"
  std::string_view loc;       ///< GB/T 2260 district code, e.g. "310115"
  std::string_view prefix;    ///< the city's 4-digit prefix: a kiosk's jurisdiction, e.g. "3101"
};

/// Every city the simulator knows, in a fixed order.
std::span<const City> cities();
/// The city named `key` (case-sensitive), or nullptr.
const City* find_city(std::string_view key);

/// The work-permit record of spec section 3 (the `wp` map without ver, doc and sti).
struct PermitRecord {
  std::string wpn;          ///< 18-digit work permit number
  std::string ssn;          ///< social security number (18 characters, GB 11643 shape)
  std::string name;         ///< Latin script, as in the passport (may hold diacritics, UTF-8)
  std::string nat;          ///< ISO 3166-1 alpha-3
  std::string dob;          ///< YYYY-MM-DD
  std::string ppn;          ///< passport number in the nationality's style
  std::optional<char> cat;  ///< talent category A, B or C (absent for some holders)
  std::string uscc;         ///< employer's 18-character unified social credit code, checksummed
  std::string empn;         ///< employer name, Chinese (UTF-8)
  std::string loc;          ///< the city's district code
};

/// A plausible holder working in `city`, drawn from `rng`. `year_now` bounds the date of birth
/// (holders are 23 to 60 years old).
PermitRecord make_record(Rng& rng, const City& city, int year_now);

/// The GB 32100-2015 check character of the first 17 characters of a USCC.
char uscc_check_char(std::string_view first17);
/// The GB 11643 check character ('0'-'9' or 'X') of the first 17 digits of an 18-digit number.
char id_check_char(std::string_view first17);

}  // namespace kiosk::sim
