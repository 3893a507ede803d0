// app/coach (the applicant's coaching) and app/mrz: the TD3 parser and its check digits, ICAO
// transliteration, and the field-by-field cross-check with a holder record.
#include <doctest/doctest.h>

#include "app/coach.h"
#include "app/mrz/cross_check.h"
#include "app/mrz/mrz.h"
#include "app/mrz/transliterate.h"

using namespace kiosk;
using namespace kiosk::mrz;

namespace {

// The specimen of ICAO Doc 9303 part 4, appendix A.
constexpr std::string_view kSpecimen =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

constexpr std::int64_t k2026 = 1796000000;  // 2026-11-30

Td3 parsed(std::string_view text) {
  auto r = parse(text);
  REQUIRE(r.ok());
  return *r;
}

std::string zone_text(const Td3Fields& f) {
  auto l = compose(f);
  return l[0] + "\n" + l[1];
}

Td3Fields zoe() {
  return {.issuing_state = "CAN",
          .surname = "ROY",
          .given_names = "ZOE",
          .document_number = "AB1234567",
          .nationality = "CAN",
          .birth = "900215",
          .sex = 'F',
          .expiry = "310101",
          .optional_data = ""};
}

HolderRecord zoe_record() {
  HolderRecord h;
  h.name = "Zoë Roy";
  h.nat = "CAN";
  h.dob = "1990-02-15";
  h.ppn = "AB1234567";
  return h;
}

}  // namespace

TEST_CASE("mrz: check digits of the ICAO specimen") {
  CHECK(check_digit("L898902C3") == '6');
  CHECK(check_digit("740812") == '2');
  CHECK(check_digit("120415") == '9');
  CHECK(check_digit("ZE184226B<<<<<") == '1');
  CHECK(check_digit("<<<<") == '0');
  CHECK_FALSE(check_digit("ab").has_value());
}

TEST_CASE("mrz: the specimen parses with every field") {
  Td3 m = parsed(kSpecimen);
  CHECK(m.valid());
  CHECK(m.document_code == "P");
  CHECK(m.issuing_state == "UTO");
  CHECK(m.surname == "ERIKSSON");
  CHECK(m.given_names == "ANNA MARIA");
  CHECK(m.document_number == "L898902C3");
  CHECK(m.nationality == "UTO");
  CHECK(m.birth == "740812");
  CHECK(m.sex == 'F');
  CHECK(m.expiry == "120415");
  CHECK(m.optional_data == "ZE184226B");
  CHECK(birth_date(m.birth, k2026) == "1974-08-12");
  CHECK(expiry_date(m.expiry, k2026) == "2012-04-15");
  // One run of 88, CRLF, surrounding space: the same zone.
  std::string run = std::string(kSpecimen.substr(0, 44)) + std::string(kSpecimen.substr(45));
  CHECK(parsed(run).valid());
  CHECK(parsed("  " + std::string(kSpecimen.substr(0, 44)) + "\r\n" +
               std::string(kSpecimen.substr(45)) + "\r\n")
            .valid());
}

TEST_CASE("mrz: every check digit is checked, and a bad one makes the zone invalid") {
  std::string base(kSpecimen);
  // Positions in the text of line 2's check digits, and a field character each covers.
  for (std::size_t pos : {45 + 9, 45 + 19, 45 + 27, 45 + 42, 45 + 43, 45 + 2, 45 + 15, 45 + 30}) {
    std::string s = base;
    s[pos] = s[pos] == '7' ? '8' : '7';
    CAPTURE(pos);
    Td3 m = parsed(s);
    CHECK_FALSE(m.valid());
    CHECK(cross_check(m, nullptr).overall == Overall::kReadAgain);
  }
}

TEST_CASE("mrz: garbled, truncated, card and non-passport zones are refused with a reason") {
  CHECK(parse("").error() == MrzError::kNotMrz);
  CHECK(parse(kSpecimen.substr(0, 80)).error() == MrzError::kNotMrz);
  std::string lower(kSpecimen);
  lower[10] = 'k';
  CHECK(parse(lower).error() == MrzError::kNotMrz);
  std::string td1 =
      "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<"
      "<<";
  CHECK(parse(td1).error() == MrzError::kTd1Card);
  std::string td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6";
  CHECK(parse(td2).error() == MrzError::kTd2Card);
  std::string visa(kSpecimen);
  visa[0] = 'V';
  CHECK(parse(visa).error() == MrzError::kNotPassport);
  CHECK(parse(std::string(600, '<')).error() == MrzError::kNotMrz);
}

TEST_CASE("mrz: compose writes what parse reads, with valid check digits") {
  Td3 m = parsed(zone_text(zoe()));
  CHECK(m.valid());
  CHECK(m.surname == "ROY");
  CHECK(m.given_names == "ZOE");
  CHECK(m.lines[0] == "P<CANROY<<ZOE" + std::string(31, '<'));
}

TEST_CASE("mrz: two-digit years") {
  CHECK(birth_date("010101", k2026) == "2001-01-01");
  CHECK(birth_date("261231", k2026) == "2026-12-31");
  CHECK(birth_date("270101", k2026) == "1927-01-01");
  CHECK(expiry_date("360101", k2026) == "2036-01-01");
  CHECK(expiry_date("991231", k2026) == "1999-12-31");
  CHECK_FALSE(birth_date("74<<<<", k2026).has_value());
  CHECK_FALSE(birth_date("741312", k2026).has_value());
}

TEST_CASE("mrz: ICAO transliteration of names") {
  auto w = mrz_components("Zoë Roy");
  REQUIRE(w);
  REQUIRE(w->size() == 2);
  CHECK((*w)[0] == Component{"ZOE"});
  auto m = mrz_components("Jürgen Groß-Mäder O'Neil");
  REQUIRE(m);
  REQUIRE(m->size() == 4);
  CHECK((*m)[0] == Component{"JUERGEN", "JURGEN"});
  CHECK((*m)[1] == Component{"GROSS"});
  CHECK((*m)[2] == Component{"MAEDER", "MADER"});
  CHECK((*m)[3] == Component{"ONEIL"});
  CHECK_FALSE(mrz_components("王小明").has_value());
  CHECK_FALSE(mrz_components("Иван Петров").has_value());
  CHECK_FALSE(mrz_components("R2D2").has_value());
  CHECK_FALSE(mrz_components("\xC3").has_value());
  CHECK_FALSE(mrz_components("\xC0\x80").has_value());
  // Many umlauts: spellings are capped, never an explosion.
  auto many = mrz_components("ÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜ");
  REQUIRE(many);
  CHECK((*many)[0].size() <= 8);
}

TEST_CASE("mrz: cross-check, every field matching") {
  Td3 m = parsed(zone_text(zoe()));
  HolderRecord h = zoe_record();
  CrossCheck c = cross_check(m, &h);
  CHECK(c.passport_number == FieldMatch::kMatch);
  CHECK(c.date_of_birth == FieldMatch::kMatch);
  CHECK(c.nationality == FieldMatch::kMatch);
  CHECK(c.name == FieldMatch::kMatch);
  CHECK(c.overall == Overall::kMatch);
  // Surname first in the record, and a passport number written with a space.
  h.name = "ROY Zoë";
  h.ppn = "ab 1234567";
  CHECK(cross_check(m, &h).overall == Overall::kMatch);
}

TEST_CASE("mrz: cross-check, each field mismatching on its own") {
  Td3 m = parsed(zone_text(zoe()));
  HolderRecord h = zoe_record();
  h.ppn = "AB1234568";
  CHECK(cross_check(m, &h).passport_number == FieldMatch::kMismatch);
  CHECK(cross_check(m, &h).overall == Overall::kMismatch);
  h = zoe_record();
  h.dob = "1990-02-16";
  CHECK(cross_check(m, &h).date_of_birth == FieldMatch::kMismatch);
  h.dob = "1980-02-15";
  CHECK(cross_check(m, &h).date_of_birth == FieldMatch::kMismatch);
  h.dob = "2090-02-15";  // the zone has no century: the record's is taken
  CHECK(cross_check(m, &h).date_of_birth == FieldMatch::kMatch);
  h = zoe_record();
  h.nat = "FRA";
  CHECK(cross_check(m, &h).nationality == FieldMatch::kMismatch);
  h = zoe_record();
  h.name = "Zoe Ray";
  CHECK(cross_check(m, &h).name == FieldMatch::kMismatch);
  h.name = "Zoë";
  CHECK(cross_check(m, &h).name == FieldMatch::kMismatch);
  h.name = "Roy Zoë Anne";
  CHECK(cross_check(m, &h).overall == Overall::kMismatch);
}

TEST_CASE("mrz: cross-check, not comparable is never a match") {
  Td3 m = parsed(zone_text(zoe()));
  HolderRecord h = zoe_record();
  CHECK(cross_check(m, nullptr).overall == Overall::kNotComparable);
  h.name = "罗佐伊";
  CrossCheck c = cross_check(m, &h);
  CHECK(c.name == FieldMatch::kNotComparable);
  CHECK(c.overall == Overall::kNotComparable);
  h = zoe_record();
  h.ppn = "AB12345678901";
  CHECK(cross_check(m, &h).passport_number == FieldMatch::kNotComparable);
  Td3Fields f = zoe();
  f.birth = "90<<<<";
  Td3 unknown_day = parsed(zone_text(f));
  CHECK(match_birth(unknown_day, "1990-02-15") == FieldMatch::kNotComparable);
}

TEST_CASE("mrz: Germany's D and umlauts both ways") {
  Td3Fields f{.issuing_state = "D",
              .surname = "MUELLER",
              .given_names = "JUERGEN",
              .document_number = "C01X00T47",
              .nationality = "D",
              .birth = "640812",
              .sex = 'M',
              .expiry = "300101",
              .optional_data = ""};
  Td3 m = parsed(zone_text(f));
  HolderRecord h;
  h.name = "Jürgen Müller";
  h.nat = "DEU";
  h.dob = "1964-08-12";
  h.ppn = "C01X00T47";
  CHECK(cross_check(m, &h).overall == Overall::kMatch);
  f.surname = "MULLER";
  f.given_names = "JURGEN";
  CHECK(cross_check(parsed(zone_text(f)), &h).overall == Overall::kMatch);
}

TEST_CASE("mrz: a truncated name matches its prefix; another truncation is not comparable") {
  Td3Fields f = zoe();
  f.surname = "WOLFESCHLEGELSTEINHAUSENBERGERDORFF";
  f.given_names = "HUBERT BLAINE";
  Td3 m = parsed(zone_text(f));
  CHECK(m.name_field == "WOLFESCHLEGELSTEINHAUSENBERGERDORFF<<HU");
  CHECK(match_name(m, "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff") == FieldMatch::kMatch);
  CHECK(match_name(m, "Hans Wolfeschlegelsteinhausenbergerdorff") == FieldMatch::kNotComparable);
  f.given_names = "H B";
  CHECK(match_name(parsed(zone_text(f)), "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff") ==
        FieldMatch::kNotComparable);
}

TEST_CASE("mrz: the screen's tone never turns a rejected credential green") {
  for (Overall o :
       {Overall::kMatch, Overall::kMismatch, Overall::kNotComparable, Overall::kReadAgain}) {
    CHECK(screen_tone(Outcome::kReject, o) == "bad");
    CHECK(screen_tone(Outcome::kReview, o) != "ok");
  }
  CHECK(screen_tone(Outcome::kAccept, Overall::kMatch) == "ok");
  CHECK(screen_tone(Outcome::kAccept, Overall::kMismatch) == "bad");
  CHECK(screen_tone(Outcome::kAccept, Overall::kReadAgain) == "warn");
}

TEST_CASE("coach: dark, glare, far and blurred frames get one advice each") {
  auto frame = [](int w, int h, auto pixel) {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(w * h));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        px[static_cast<std::size_t>(y * w + x)] = static_cast<std::uint8_t>(pixel(x, y));
    return px;
  };
  auto view = [](const std::vector<std::uint8_t>& px, int w, int h) {
    return scan::ImageView{px.data(), w, h, w, scan::PixelFormat::kGray8};
  };
  auto checker = frame(64, 64, [](int x, int y) { return ((x / 4 + y / 4) % 2) ? 200 : 40; });
  FrameMeasure sharp = measure_frame(view(checker, 64, 64));
  CHECK(advise(sharp) == Advice::kNone);
  auto dark = frame(64, 64, [](int x, int y) { return ((x / 4 + y / 4) % 2) ? 40 : 5; });
  CHECK(advise(measure_frame(view(dark, 64, 64))) == Advice::kBrighter);
  // Saturated white without a code located is not glare (paper; tests/app/coach_test.cpp has
  // glare over a code).
  auto white = frame(64, 64, [](int x, int y) {
    return x < 20 ? 255 : ((x / 4 + y / 4) % 2) ? 200 : 40;
  });
  CHECK(advise(measure_frame(view(white, 64, 64), true)) == Advice::kNone);
  auto flat = frame(64, 64, [](int, int) { return 128; });
  CHECK(advise(measure_frame(view(flat, 64, 64))) == Advice::kHoldStill);
  sharp.module_px = 1.5;
  CHECK(advise(sharp) == Advice::kCloser);
  sharp.glare_modules = 9;
  CHECK(advise(sharp) == Advice::kTiltGlare);
  CHECK(measure_frame(scan::ImageView{}).mean == 0);
  CHECK(name(Advice::kTiltGlare) == "tilt");
}
