#include "drivers/scanner/key_line_decoder.h"

#include <doctest/doctest.h>
#include <linux/input.h>

using namespace kiosk::drivers;

namespace {

struct Keys {
  KeyLineDecoder d{64};
  std::vector<FramedLine> out;
  void ev(std::uint16_t type, std::uint16_t code, std::int32_t value) {
    d.feed(type, code, value, out);
  }
  void tap(std::uint16_t code) {
    ev(EV_KEY, code, 1);
    ev(EV_SYN, SYN_REPORT, 0);
    ev(EV_KEY, code, 0);
    ev(EV_SYN, SYN_REPORT, 0);
  }
  void shifted(std::uint16_t code, std::uint16_t shift = KEY_LEFTSHIFT) {
    ev(EV_KEY, shift, 1);
    tap(code);
    ev(EV_KEY, shift, 0);
  }
};

}  // namespace

TEST_CASE("US layout: letters, digits, shifted symbols, Enter ends the line") {
  Keys k;
  k.shifted(KEY_W);
  k.shifted(KEY_P, KEY_RIGHTSHIFT);
  k.shifted(KEY_C);
  k.tap(KEY_1);
  k.shifted(KEY_SEMICOLON);
  k.tap(KEY_A);
  k.tap(KEY_SPACE);
  k.shifted(KEY_4);
  k.shifted(KEY_5);
  k.tap(KEY_MINUS);
  k.tap(KEY_DOT);
  k.tap(KEY_SLASH);
  k.shifted(KEY_EQUAL);
  CHECK(k.out.empty());
  k.tap(KEY_ENTER);
  REQUIRE(k.out.size() == 1);
  CHECK(std::get<std::string>(k.out[0]) == "WPC1:a $%-./+");
}

TEST_CASE("Caps Lock inverts letters only; keypad digits; keypad Enter") {
  Keys k;
  k.tap(KEY_CAPSLOCK);
  k.tap(KEY_A);
  k.shifted(KEY_B);
  k.tap(KEY_2);
  k.tap(KEY_CAPSLOCK);
  k.tap(KEY_C);
  k.tap(KEY_KP7);
  k.tap(KEY_KPENTER);
  REQUIRE(k.out.size() == 1);
  CHECK(std::get<std::string>(k.out[0]) == "Ab2c7");
}

TEST_CASE("autorepeat types again; releases type nothing") {
  Keys k;
  k.ev(EV_KEY, KEY_X, 1);
  k.ev(EV_KEY, KEY_X, 2);
  k.ev(EV_KEY, KEY_X, 0);
  k.tap(KEY_ENTER);
  REQUIRE(k.out.size() == 1);
  CHECK(std::get<std::string>(k.out[0]) == "xx");
}

TEST_CASE("a key without a character rejects the line; the next line is fine") {
  Keys k;
  k.tap(KEY_A);
  k.tap(KEY_F5);
  k.tap(KEY_B);
  k.tap(KEY_ENTER);
  k.tap(KEY_C);
  k.tap(KEY_ENTER);
  REQUIRE(k.out.size() == 2);
  auto r = std::get<ScanReject>(k.out[0]);
  CHECK(r.reason == ScanRejectReason::kUnmappedKey);
  CHECK(r.detail == "key code 63 has no character");
  CHECK(std::get<std::string>(k.out[1]) == "c");
}

TEST_CASE("Ctrl held while typing rejects the line") {
  Keys k;
  k.ev(EV_KEY, KEY_LEFTCTRL, 1);
  k.tap(KEY_J);
  k.ev(EV_KEY, KEY_LEFTCTRL, 0);
  k.tap(KEY_ENTER);
  REQUIRE(k.out.size() == 1);
  CHECK(std::get<ScanReject>(k.out[0]).reason == ScanRejectReason::kUnmappedKey);
}

TEST_CASE("SYN_DROPPED rejects the line and clears a stuck Shift") {
  Keys k;
  k.ev(EV_KEY, KEY_LEFTSHIFT, 1);
  k.tap(KEY_A);
  k.ev(EV_SYN, SYN_DROPPED, 0);  // the Shift release is among the lost events
  k.tap(KEY_B);
  k.tap(KEY_ENTER);
  k.tap(KEY_C);
  k.tap(KEY_ENTER);
  REQUIRE(k.out.size() == 2);
  CHECK(std::get<ScanReject>(k.out[0]).reason == ScanRejectReason::kEventsDropped);
  CHECK(std::get<std::string>(k.out[1]) == "c");
}

TEST_CASE("a line longer than max_line is rejected once, then discarded to Enter") {
  KeyLineDecoder d(4);
  std::vector<FramedLine> out;
  for (int i = 0; i < 10; ++i) {
    d.feed(EV_KEY, KEY_Z, 1, out);
    d.feed(EV_KEY, KEY_Z, 0, out);
  }
  REQUIRE(out.size() == 1);
  CHECK(std::get<ScanReject>(out[0]).reason == ScanRejectReason::kLineTooLong);
  d.feed(EV_KEY, KEY_ENTER, 1, out);
  d.feed(EV_KEY, KEY_Q, 1, out);
  d.feed(EV_KEY, KEY_ENTER, 1, out);
  REQUIRE(out.size() == 2);
  CHECK(std::get<std::string>(out[1]) == "q");
}

TEST_CASE("us_key_char covers the printable ASCII a credential QR uses") {
  // Base45's alphabet plus the prefixes' colon and lower case for good measure.
  std::string want = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:abcdefghijklmnopqrstuvwxyz";
  for (char c : want) {
    bool found = false;
    for (std::uint16_t code = 1; code < 128 && !found; ++code)
      found = us_key_char(code, false) == c || us_key_char(code, true) == c;
    CAPTURE(c);
    CHECK(found);
  }
  CHECK_FALSE(us_key_char(KEY_ENTER, false));
  CHECK_FALSE(us_key_char(KEY_LEFTSHIFT, false));
}
