// The machine-readable zone of a passport data page (ICAO Doc 9303 part 4, TD3: two lines of 44
// characters). Pure: text in, fields out. A TD1 or TD2 card zone is recognised and refused (its
// fields are not laid out as a passport's); a bad check digit is kept as a fact (`valid` false), so
// that the caller says "read again" and never compares the fields as if they were read.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/result.h"

namespace kiosk::mrz {

constexpr std::size_t kTd3Line = 44;
constexpr std::size_t kTd3NameField = 39;

/// Why a text is not a TD3 zone.
enum class MrzError : std::uint8_t {
  kNotMrz,       ///< not two lines of 44 characters of the MRZ alphabet (garbled, truncated, empty)
  kTd1Card,      ///< three lines of 30: an ID card's zone, not comparable with a passport's
  kTd2Card,      ///< two lines of 36: a TD2 card or visa zone, not comparable
  kNotPassport,  ///< TD3 shape but the document code is not P
};
std::string_view name(MrzError e);

/// The check digits of TD3, in the order of the line.
enum class Check : std::uint8_t { kDocumentNumber, kBirth, kExpiry, kOptional, kComposite };
constexpr int kCheckCount = 5;

struct Td3 {
  std::array<std::string, 2> lines;        ///< as read, 44 characters each
  std::string document_code;               ///< "P", or "P" and a type letter
  std::string issuing_state;               ///< three characters, fillers kept ("D<<")
  std::string name_field;                  ///< the 39 characters of the name, fillers kept
  std::string surname, given_names;        ///< fillers turned to spaces, trimmed
  std::string document_number;             ///< fillers dropped
  std::string nationality;                 ///< fillers dropped ("D" for Germany)
  std::string birth;                       ///< YYMMDD as printed (may hold '<' for an unknown part)
  char sex = '<';                          ///< M, F or '<'
  std::string expiry;                      ///< YYMMDD
  std::string optional_data;               ///< fillers dropped
  std::array<bool, kCheckCount> checks{};  ///< each check digit holds

  /// Every check digit holds: the only zone whose fields may be compared.
  bool valid() const;
};

/// The ICAO 9303 check digit of `field` (weights 7, 3, 1; A-Z 10..35; '<' 0), or nullopt when
/// the field holds a character outside the MRZ alphabet.
std::optional<char> check_digit(std::string_view field);

/// Parses two TD3 lines. Accepts the lines separated by a line break (CR, LF or CRLF) or a space,
/// with surrounding white space, or as one run of 88 characters.
Result<Td3, MrzError> parse(std::string_view text);

/// What compose() writes: the fields of a passport zone, in MRZ letters already (A-Z, 0-9).
struct Td3Fields {
  std::string issuing_state;    ///< alpha-3, or "D"
  std::string surname;          ///< words separated by spaces
  std::string given_names;      ///< words separated by spaces
  std::string document_number;  ///< up to 9 characters
  std::string nationality;
  std::string birth;  ///< YYMMDD
  char sex = '<';
  std::string expiry;  ///< YYMMDD
  std::string optional_data;
};
/// Writes a TD3 zone with its check digits (for the simulator and tests: the inverse of parse).
/// Fields are truncated to their width; the name to 39 characters as ICAO 9303 does it last.
std::array<std::string, 2> compose(const Td3Fields& f);

/// Resolves a two-digit birth year: the latest century that does not put the date after `today`
/// (a person is not born in the future). YYMMDD in, YYYY-MM-DD out; nullopt when not a date.
std::optional<std::string> birth_date(std::string_view yymmdd, std::int64_t now);
/// Resolves a two-digit expiry year: within 50 years after `today`, else the century before.
std::optional<std::string> expiry_date(std::string_view yymmdd, std::int64_t now);

}  // namespace kiosk::mrz
