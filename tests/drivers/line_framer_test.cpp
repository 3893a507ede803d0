#include "drivers/scanner/line_framer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace kiosk::drivers;

namespace {

std::vector<FramedLine> feed(LineFramer& f, std::string_view bytes) {
  std::vector<FramedLine> out;
  f.feed({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, out);
  return out;
}

std::string line(const FramedLine& l) {
  REQUIRE(std::holds_alternative<std::string>(l));
  return std::get<std::string>(l);
}

ScanRejectReason reason(const FramedLine& l) {
  REQUIRE(std::holds_alternative<ScanReject>(l));
  return std::get<ScanReject>(l).reason;
}

}  // namespace

TEST_CASE("each terminator ends a line, and only it") {
  struct Case {
    Terminator t;
    std::string input;
  } cases[] = {
      {Terminator::cr(), "WPC1:AB\rWPP1:CD\r"},
      {Terminator::lf(), "WPC1:AB\nWPP1:CD\n"},
      {Terminator::crlf(), "WPC1:AB\r\nWPP1:CD\r\n"},
      {Terminator::byte(0x03), "WPC1:AB\x03WPP1:CD\x03"},
  };
  for (auto& c : cases) {
    CAPTURE(c.input);
    LineFramer f(c.t, 100);
    auto out = feed(f, c.input);
    REQUIRE(out.size() == 2);
    CHECK(line(out[0]) == "WPC1:AB");
    CHECK(line(out[1]) == "WPP1:CD");
  }
}

TEST_CASE("a line split across reads, and a CRLF split between its two bytes") {
  LineFramer f(Terminator::crlf(), 100);
  CHECK(feed(f, "WPC1:").empty());
  CHECK(feed(f, "AB\r").empty());
  auto out = feed(f, "\nX");
  REQUIRE(out.size() == 1);
  CHECK(line(out[0]) == "WPC1:AB");
}

TEST_CASE("empty lines are skipped") {
  LineFramer f(Terminator::cr(), 100);
  auto out = feed(f, "\r\r\rA\r");
  REQUIRE(out.size() == 1);
  CHECK(line(out[0]) == "A");
}

TEST_CASE("binary garbage rejects the line with the offending byte") {
  LineFramer f(Terminator::cr(), 100);
  auto out = feed(f, std::string("AB\x01\xFFZ\r", 6) + "OK\r");
  REQUIRE(out.size() == 2);
  CHECK(reason(out[0]) == ScanRejectReason::kNonPrintable);
  CHECK(std::get<ScanReject>(out[0]).detail == "control byte 0x01 at offset 2");
  CHECK(line(out[1]) == "OK");
  auto high = feed(f, "caf\xC3\xA9\r");
  REQUIRE(high.size() == 1);
  CHECK(std::get<ScanReject>(high[0]).detail == "non-ASCII byte 0xC3 at offset 3");
}

TEST_CASE("a scanner sending CRLF to a CR-configured port: the LF starts the next line") {
  LineFramer f(Terminator::cr(), 100);
  auto out = feed(f, "ONE\r\nTWO\r\n");
  REQUIRE(out.size() == 2);
  CHECK(line(out[0]) == "ONE");
  CHECK(reason(out[1]) == ScanRejectReason::kNonPrintable);
}

TEST_CASE("max_line: exactly the limit passes, one more byte is rejected at once") {
  for (auto t : {Terminator::cr(), Terminator::crlf()}) {
    LineFramer f(t, 5);
    auto ok = feed(f, "ABCDE" + t.bytes);
    REQUIRE(ok.size() == 1);
    CHECK(line(ok[0]) == "ABCDE");
    // The rejection comes before any terminator: an endless line is never waited for.
    auto over = feed(f, "ABCDEFGH");
    REQUIRE(over.size() == 1);
    CHECK(reason(over[0]) == ScanRejectReason::kLineTooLong);
    // The rest of the overlong line is discarded up to its terminator, then framing resumes.
    CHECK(feed(f, std::string(100000, 'Z')).empty());
    auto next = feed(f, "TAIL" + t.bytes + "NEXT" + t.bytes);
    REQUIRE(next.size() == 1);
    CHECK(line(next[0]) == "NEXT");
  }
}

TEST_CASE("reset forgets a partial line") {
  LineFramer f(Terminator::cr(), 100);
  CHECK(feed(f, "HALF").empty());
  f.reset();
  auto out = feed(f, "NEW\r");
  REQUIRE(out.size() == 1);
  CHECK(line(out[0]) == "NEW");
}

TEST_CASE("terminator names") {
  CHECK(Terminator::parse("CR")->bytes == "\r");
  CHECK(Terminator::parse("LF")->bytes == "\n");
  CHECK(Terminator::parse("CRLF")->bytes == "\r\n");
  CHECK(Terminator::parse("0x03")->bytes == "\x03");
  CHECK(Terminator::parse("0x0d")->bytes == "\r");
  CHECK_FALSE(Terminator::parse("0xZZ"));
  CHECK_FALSE(Terminator::parse("TAB"));
  CHECK_FALSE(Terminator::parse(""));
}
