// Place and issuer names for the officer: GB/T 2260 division codes (a credential's `loc`, a
// jurisdiction prefix) and issuer codes (`CN-310000`) by name. Pure: the tables' text in, names
// out. An unknown code is shown as the code, never as an error (codes change over the years).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/reason.h"
#include "app/result.h"

namespace kiosk {

class Places {
 public:
  /// Reads the three CSV tables of ../shared/data/gbt2260 (provinces `code,name`, cities
  /// `code,name,provinceCode`, areas `code,name,cityCode,provinceCode`; names may be quoted).
  /// Fails with "FILE:LINE: reason" on a row whose code is not 2, 4 or 6 digits as the table
  /// requires, or on a table over 1 MiB.
  static Result<Places, std::string> parse(std::string_view provinces, std::string_view cities,
                                           std::string_view areas);

  /// The place of a 2-, 4- or 6-digit code (or a prefix written with trailing zeros, 310000),
  /// province first: "上海市浦东新区". In English the province's common name is added:
  /// "上海市浦东新区 (Shanghai)". nullopt when the code is not in the tables.
  std::optional<std::string> place(std::string_view code, Language lang) const;
  /// place(), or the code itself when unknown.
  std::string place_or_code(std::string_view code, Language lang) const;
  /// An issuer code `CN-DDDDDD` as its authority, e.g. "上海市外国人工作管理部门" / "Foreign
  /// work permit authority, 上海市 (Shanghai)"; the code itself when it is not of that shape or
  /// its place is unknown.
  std::string issuer(std::string_view iss, Language lang) const;

  bool empty() const { return names_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> names_;  ///< code (2, 4 or 6 digits) -> name
};

}  // namespace kiosk
