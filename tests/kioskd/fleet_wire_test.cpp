// The fleet's wire formats (firmware/kioskd/fleet_wire.h): every reason each parser returns, and
// the answers that must come through (issue 16, "a collector that answers garbage or closes
// mid-record"; fuzzed by tests/fuzz/fuzz_fleet.cpp).
#include <doctest/doctest.h>

#include <string>

#include "firmware/kioskd/fleet_wire.h"

using namespace kiosk::kioskd;

namespace {

/// The reason of a refused RELP answer ("" when it was not refused).
std::string relp_error(std::string_view buf) {
  auto r = parse_relp_response(buf);
  return r ? std::string() : r.error();
}

bool relp_needs_more(std::string_view buf) {
  auto r = parse_relp_response(buf);
  return r && !r->has_value();
}

}  // namespace

TEST_CASE("RELP answers: frames, partial frames and every reason") {
  auto ok = parse_relp_response("3 rsp 6 200 OK\n4 rsp");
  REQUIRE(ok);
  REQUIRE(*ok);
  CHECK((*ok)->first.txnr == 3);
  CHECK((*ok)->first.command == "rsp");
  CHECK((*ok)->first.data == "200 OK");
  CHECK((*ok)->second == 15);
  CHECK(parse_relp_response("0 serverclose 0\n").value()->first.command == "serverclose");
  CHECK(parse_relp_response("0 serverclose 0\n").value()->second == 16);
  CHECK(parse_relp_response("999999999 rsp 0\n").value()->first.txnr == 999999999);

  // Every prefix of a good frame needs more bytes; none is refused.
  std::string frame = "12 rsp 6 200 OK\n";
  for (std::size_t n = 0; n < frame.size(); ++n) {
    CAPTURE(n);
    CHECK(relp_needs_more(frame.substr(0, n)));
  }

  // No transaction number.
  CHECK(relp_error("HTTP/1.1 400 Bad Request\r\n") ==
        "collector answered garbage: 'HTTP/1.1 400 Bad Request?"
        "?'");
  CHECK(relp_error("x") == "collector answered garbage: 'x'");
  CHECK(relp_error("1234567890") == "collector answered garbage: '1234567890'");
  CHECK(relp_error(" rsp 0\n") == "collector answered garbage: ' rsp 0?'");
  CHECK(relp_error("1234567890 rsp 0\n").find("collector answered garbage") == 0);
  // A bad command: empty, not letters, longer than 32.
  CHECK(relp_error("3  0\n").find("collector answered a bad RELP command: '") == 0);
  CHECK(relp_error("3 r\xffp 0\n").find("collector answered a bad RELP command") == 0);
  CHECK(relp_error("3 rsp\n").find("collector answered a bad RELP command") == 0);
  CHECK(relp_error("3 " + std::string(33, 'a')).find("a bad RELP command") != std::string::npos);
  CHECK(relp_needs_more("3 " + std::string(32, 'a')));
  // A bad data length: not digits, more than 9 digits.
  CHECK(relp_error("3 rsp x\n").find("collector answered a bad RELP data length") == 0);
  CHECK(relp_error("3 rsp 1234567890").find("a bad RELP data length") != std::string::npos);
  CHECK(relp_needs_more("3 rsp 123456789"));
  // Oversized: refused as soon as the length is read, not after 64 KiB more.
  CHECK(relp_error("3 rsp 99999999 ") ==
        "collector answered an oversized frame (99999999 bytes of data, at most 65536)");
  CHECK(relp_needs_more("3 rsp 65536 "));
  // A frame without its end: no space after the length, no trailer after the data.
  CHECK(relp_error("3 rsp 6 200 OKX").find("collector answered a frame without its end") == 0);
  CHECK(relp_error("3 rsp 0 \n").find("a frame without its end") != std::string::npos);
  CHECK(relp_error("3 rsp 6\n200 OK\n").find("a frame without its end") != std::string::npos);
  // Control characters never reach the journal.
  CHECK(relp_error("\x1b[2J\n").find('\x1b') == std::string::npos);
}

TEST_CASE("RELP frames and targets") {
  CHECK(relp_frame(1, "open", "relp_version=0") == "1 open 14 relp_version=0\n");
  CHECK(relp_frame(7, "close", "") == "7 close 0\n");
  CHECK(parse_relp_target("127.0.0.1:2514")->port == "2514");
  CHECK(parse_relp_target("[::1]:2514")->host == "::1");
  CHECK(parse_relp_target("logs.example.cn:20514")->host == "logs.example.cn");
  CHECK(!parse_relp_target("127.0.0.1"));
  CHECK(!parse_relp_target("127.0.0.1:0"));
  CHECK(!parse_relp_target("127.0.0.1:65536"));
  CHECK(!parse_relp_target("127.0.0.1:99999999999999999999"));
  CHECK(!parse_relp_target(":2514"));
  CHECK(!parse_relp_target("[::1:2514"));
  CHECK(!parse_relp_target("a b:1"));
}

TEST_CASE("the forwarder's cursor file: SEQ SEAL_ID, the older SEQ, every reason") {
  CHECK(parse_cursor("42 57\n").value() == ForwardCursor{42, 57});
  CHECK(parse_cursor("42 57").value() == ForwardCursor{42, 57});
  CHECK(parse_cursor("42\n").value() == ForwardCursor{42, 0});  // before seals were forwarded
  CHECK(parse_cursor(format_cursor({123456789012345678, 9})).value() ==
        ForwardCursor{123456789012345678, 9});
  CHECK(format_cursor({3, 4}) == "3 4\n");
  CHECK(parse_cursor("").error() == "empty");
  CHECK(parse_cursor(std::string(65, '1')).error() == "too long (65 bytes, at most 64)");
  CHECK(parse_cursor("\n").error() == "not a number: ''");
  CHECK(parse_cursor("x 1\n").error() == "not a number: 'x'");
  CHECK(parse_cursor("-1 1\n").error() == "not a number: '-1'");
  CHECK(parse_cursor("1234567890123456789 1").error() == "not a number: '1234567890123456789'");
  CHECK(parse_cursor("1 \n").error() == "not a seal id: ''");
  CHECK(parse_cursor("1 2 3\n").error() == "not a seal id: '2 3'");
  CHECK(parse_cursor("1 2\n\n").error() == "not a seal id: '2?'");
  CHECK(parse_cursor("1 1234567890123456789").error() == "not a seal id: '1234567890123456789'");
}

TEST_CASE("the metrics listener's request check: token, method, path, text") {
  const std::string token = "0123456789abcdef";
  CHECK(bearer_ok("Bearer 0123456789abcdef", token));
  CHECK(!bearer_ok("Bearer 0123456789abcdeF", token));
  CHECK(!bearer_ok("bearer 0123456789abcdef", token));
  CHECK(!bearer_ok("Bearer 0123456789abcdef ", token));
  CHECK(!bearer_ok("Bearer ", token));
  CHECK(!bearer_ok("", token));
  CHECK(!bearer_ok("Bearer ", ""));  // an empty token never matches

  CHECK(metrics_answer("GET", "/metrics", "Bearer " + token, token, true) == MetricsAnswer::kOk);
  CHECK(metrics_answer("HEAD", "/metrics?x=1", "", "", true) == MetricsAnswer::kOk);
  CHECK(metrics_answer("GET", "/metrics", "", "", false) == MetricsAnswer::kStarting);
  // The token is checked before anything else: nothing about the kiosk without it.
  CHECK(metrics_answer("GET", "/metrics", "", token, true) == MetricsAnswer::kUnauthorized);
  CHECK(metrics_answer("POST", "/other", "Bearer x", token, true) == MetricsAnswer::kUnauthorized);
  CHECK(metrics_answer("POST", "/metrics", "", "", true) == MetricsAnswer::kMethodNotAllowed);
  CHECK(metrics_answer("get", "/metrics", "", "", true) == MetricsAnswer::kMethodNotAllowed);
  CHECK(metrics_answer("GET", "/", "", "", true) == MetricsAnswer::kNotFound);
  CHECK(metrics_answer("GET", "/metrics/", "", "", true) == MetricsAnswer::kNotFound);
  CHECK(metrics_answer("GET", "", "", "", true) == MetricsAnswer::kNotFound);
}

TEST_CASE("trust from a web server: URL, manifest, dates and validators") {
  CHECK(parse_http_url("http://127.0.0.1:8080/trust/")->path == "/trust");
  CHECK(parse_http_url("http://example.cn")->port == "80");
  CHECK(!parse_http_url("https://example.cn/"));
  CHECK(!parse_http_url("http://:80/"));
  CHECK(!parse_http_url("http://h:x/"));

  CHECK(!parse_manifest("keyset.cose\n../x\n"));
  CHECK(parse_manifest("keyset.cose\n../x\n").error() == "manifest: bad entry '../x'");
  CHECK(parse_manifest(std::string(200, 'a')).error() ==
        "manifest: bad entry '" + std::string(60, 'a') + "...'");
  CHECK(parse_manifest("status/\x01.cose").error() == "manifest: bad entry 'status/?.cose'");
  CHECK(parse_manifest("status/.hidden.cose\n").error().find("bad entry") != std::string::npos);
  CHECK(parse_manifest("")->empty());

  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  CHECK(parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT") == 1835481599);
  CHECK(!parse_http_date("Sun, 29 Feb 2027 00:00:00 GMT"));  // not a leap year
  CHECK(!parse_http_date("Sun, 31 Apr 2027 00:00:00 GMT"));
  CHECK(!parse_http_date("Sun, 00 Nov 1994 08:49:37 GMT"));
  CHECK(!parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT"));
  CHECK(!parse_http_date("Sun, 06 Nov 1969 08:49:37 GMT"));
  CHECK(!parse_http_date("Xyz, 06 Nov 1994 08:49:37 GMT"));
  CHECK(!parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK(!parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"));
  CHECK(!parse_http_date("Sun, +6 Nov 1994 08:49:37 GMT "));
  CHECK(!parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // RFC 850: not sent by nginx
  CHECK(!parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  CHECK(!parse_http_date(""));

  const char* date = "Sun, 06 Nov 1994 08:49:40 GMT";
  auto v = validators_to_keep("\"5f-1a\"", "Sun, 06 Nov 1994 08:49:37 GMT", date);
  REQUIRE(v);
  CHECK(v->etag == "\"5f-1a\"");
  CHECK(validators_to_keep("\"5f-1a\"", "", date)->last_modified.empty());
  CHECK(!validators_to_keep("", "", date));                                    // none
  CHECK(!validators_to_keep("\"a\"", "Sun, 06 Nov 1994 08:49:39 GMT", date));  // unsettled
  CHECK(!validators_to_keep(std::string(257, 'e'), "", date));                 // too long
  CHECK(validators_to_keep(std::string(256, 'e'), "", date));
  CHECK(!validators_to_keep("\"a\tb\"", "", date));       // a control
  CHECK(!validators_to_keep("\"a\xc3\xa9\"", "", date));  // not ASCII
}
