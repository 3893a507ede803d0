// Any bytes as what the fleet's servers (or the state folder) hand kioskd (firmware/kioskd/
// fleet_wire.h). The first byte selects the parser:
//   0: a RELP collector's answer stream, parsed frame after frame as the forwarder reads it (fed
//      in pieces the next byte sizes: a garbage or truncated answer gives a reason or waits for
//      more, never loops, never reads past the buffer);
//   1: the forwarder's cursor file (SEQ SEAL_ID), written back and read again when accepted;
//   2: a scrape of the metrics listener: the bytes through Beast's request parser with the
//      listener's limits, then the token / method / path check;
//   3: a trust server's HTTP answer: Beast's response parser with the fetcher's limits, then
//      the validators kept, the dates and, as a manifest, the body;
//   other: a configured RELP target and trust URL.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "firmware/kioskd/fleet_wire.h"

namespace http = boost::beast::http;
using namespace kiosk::kioskd;

namespace {

void relp_stream(std::string_view in) {
  if (in.empty()) return;
  std::size_t piece = 1 + static_cast<unsigned char>(in[0]) % 64;
  in.remove_prefix(1);
  std::string buf;
  std::size_t fed = 0;
  while (fed < in.size() || !buf.empty()) {
    auto r = parse_relp_response(buf);
    if (!r) {
      if (r.error().rfind("collector answered ", 0) != 0) std::abort();
      return;
    }
    if (*r) {
      const auto& [rsp, used] = **r;
      if (used == 0 || used > buf.size() || rsp.data.size() > kMaxRelpData) std::abort();
      buf.erase(0, used);
      continue;
    }
    // Waiting for more: never on more than a bounded frame's worth of bytes.
    if (buf.size() > kMaxRelpData + 64) std::abort();
    if (fed == in.size()) return;  // the collector closed mid-frame
    std::size_t n = std::min(piece, in.size() - fed);
    buf.append(in.substr(fed, n));
    fed += n;
  }
}

void cursor(std::string_view in) {
  auto c = parse_cursor(in);
  if (!c) {
    if (c.error().empty()) std::abort();
    return;
  }
  auto again = parse_cursor(format_cursor(*c));
  if (!again || !(*again == *c)) std::abort();
}

void scrape(std::string_view in) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(4096);
  parser.body_limit(0);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(in.data(), in.size()), ec);
  if (!parser.is_header_done()) return;
  const auto& req = parser.get();
  auto auth = req[http::field::authorization];
  std::string_view target(req.target().data(), req.target().size());
  std::string_view method(req.method_string().data(), req.method_string().size());
  std::string_view a(auth.data(), auth.size());
  auto answer = metrics_answer(method, target, a, "0123456789abcdef", true);
  if (answer == MetricsAnswer::kOk && a != "Bearer 0123456789abcdef") std::abort();
  (void)metrics_answer(method, target, a, "", in.size() % 2 == 0);
}

void trust_answer(std::string_view in) {
  http::response_parser<http::dynamic_body> parser;  // as kioskd's trust fetch (http_fetch.cpp)
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(in.data(), in.size()), ec);
  if (!ec) parser.put_eof(ec);
  if (!parser.is_header_done()) return;
  const auto& res = parser.get();
  auto sv = [](auto field) { return std::string_view(field.data(), field.size()); };
  auto lm = sv(res[http::field::last_modified]);
  auto date = sv(res[http::field::date]);
  if (auto v = validators_to_keep(sv(res[http::field::etag]), lm, date)) {
    if (v->etag.size() > kMaxValidator || v->last_modified.size() > kMaxValidator) std::abort();
  }
  if (auto t = parse_http_date(date); t && *t < 0) std::abort();
  (void)parse_http_date(lm);
  if (parser.is_done()) {
    auto names = parse_manifest(boost::beast::buffers_to_string(res.body().data()));
    if (names) {
      if (names->size() > 64) std::abort();
      for (const auto& n : *names)
        if (!valid_manifest_entry(n)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      relp_stream(in);
      break;
    case 1:
      cursor(in);
      break;
    case 2:
      scrape(in);
      break;
    case 3:
      trust_answer(in);
      break;
    default:
      (void)parse_relp_target(in);
      (void)parse_http_url(in);
      (void)parse_manifest(in);
      (void)parse_http_date(in);
      break;
  }
  return 0;
}
