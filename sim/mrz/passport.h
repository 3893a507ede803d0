// kiosk-sim's passports: the TD3 zone of a holder (matching the credential, or differing in one
// field), and a photographed data page (OCR-B zone, decoy text, tilt, blur, noise, uneven light).
// TEST MATERIAL.
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "app/mrz/mrz.h"
#include "app/result.h"

namespace kiosk::sim {

struct PassportHolder {
  std::string name;  ///< UTF-8, Latin script, given names first ("Zoë Roy")
  std::string nat;   ///< ISO 3166-1 alpha-3
  std::string dob;   ///< YYYY-MM-DD
  std::string ppn;   ///< passport number
  char sex = 'F';
  std::string expiry = "2031-06-30";
};

/// What the zone differs in: nothing, or one field (another person's passport, or a misprint).
enum class PassportVariant { kMatch, kOtherNumber, kOtherBirth, kOtherName, kOtherNationality };
Result<PassportVariant, std::string> passport_variant(std::string_view name);

/// The holder's TD3 zone (name transliterated as ICAO 9303 does, the last word as the surname),
/// with valid check digits; an error when the name has no Latin spelling.
Result<std::array<std::string, 2>, std::string> passport_zone(const PassportHolder& h,
                                                              PassportVariant v);

struct PageOptions {
  int mrz_px = 36;      ///< OCR-B size, pixels per em, before the tilt
  double tilt_deg = 0;  ///< rotation of the page in the frame
  double blur = 0;      ///< Gaussian sigma, pixels
  double noise = 0;     ///< Gaussian sigma, grey levels
  bool uneven_light = false;
  bool glare = false;  ///< a saturated patch over part of the page
  std::uint64_t seed = 1;
};

/// A photographed data page holding `lines` as its zone, BGR.
Result<cv::Mat, std::string> passport_page(const std::array<std::string, 2>& lines,
                                           const PageOptions& o);

}  // namespace kiosk::sim
