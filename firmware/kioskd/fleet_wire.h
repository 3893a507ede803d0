// The fleet's wire formats: every parser of bytes that reach kioskd from the province's servers
// or from its own state folder on the fleet's paths (the RELP collector's answers, the forwarder's
// cursor file, a scrape's Authorization header, the trust server's manifest, dates and
// validators). Pure: no sockets, no files, no clock, so that the fuzz build links it alone
// (tests/fuzz/fuzz_fleet.cpp). Each refusal is a value with its reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/result.h"

namespace kiosk::kioskd {

// ---- RELP (audit_forward.h) ----

/// "host:port" of a RELP collector (an IPv4 literal or a name; [v6]:port).
struct RelpTarget {
  std::string host;
  std::string port;
};
std::optional<RelpTarget> parse_relp_target(std::string_view text);

/// One RELP frame: "TXNR COMMAND DATALEN[ DATA]\n".
std::string relp_frame(std::uint64_t txnr, std::string_view command, std::string_view data);

/// A RELP response frame read from a collector.
struct RelpResponse {
  std::uint64_t txnr = 0;
  std::string command;  ///< "rsp" or "serverclose"
  std::string data;     ///< "200 OK ..." for an acknowledgement
};

inline constexpr std::size_t kMaxRelpData = 64 * 1024;  ///< a response's data, at most

/// Parses one response frame from the front of `buf`: the frame and the bytes it took, nullopt
/// when more bytes are needed (never more than the frame's bound: a prefix of a frame longer
/// than kMaxRelpData is refused as soon as its length is read), the reason for anything that is
/// not RELP: "collector answered garbage: '...'" (no transaction number), "... a bad RELP
/// command", "... a bad RELP data length", "... an oversized frame", "... a frame without its
/// end".
Result<std::optional<std::pair<RelpResponse, std::size_t>>, std::string> parse_relp_response(
    std::string_view buf);

// ---- The forwarder's cursor file (DATA/audit-forward.cursor) ----

/// Where forwarding stands: the last record and the last seal row the collector acknowledged.
struct ForwardCursor {
  std::uint64_t seq = 0;
  std::int64_t seal_id = 0;
  bool operator==(const ForwardCursor&) const = default;
};

inline constexpr std::size_t kMaxCursorText = 64;

/// "SEQ SEAL_ID\n" (or "SEQ\n", written before seals were forwarded: seal id 0, every seal is
/// sent). Numbers of 1 to 18 digits; the reason for anything else ("empty", "too long", "not a
/// number", ...).
Result<ForwardCursor, std::string> parse_cursor(std::string_view text);
/// The file's text: "SEQ SEAL_ID\n".
std::string format_cursor(ForwardCursor c);

// ---- The metrics listener (metrics_server.h) ----

/// The Authorization header carries "Bearer TOKEN" (constant time in the token's length).
bool bearer_ok(std::string_view header, std::string_view token);

enum class MetricsAnswer { kOk, kUnauthorized, kMethodNotAllowed, kNotFound, kStarting };
/// What a request gets: the token first (when one is required: "" = none), then the method (GET
/// or HEAD), then the path (/metrics, a query ignored), then whether there is a text yet.
MetricsAnswer metrics_answer(std::string_view method, std::string_view target,
                             std::string_view authorization, std::string_view token,
                             bool have_text);

// ---- Trust from a web server (http_fetch.h) ----

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string path;  ///< without a trailing '/'
};

/// Parses http://host[:port][/path]; nullopt for anything else.
std::optional<HttpUrl> parse_http_url(std::string_view url);

/// Checks a manifest line: "keyset.cose" or "status/NAME.cose" with NAME of [A-Za-z0-9._-].
bool valid_manifest_entry(std::string_view line);

/// Parses a manifest body into its names (deduplicated, keyset.cose first); the reason when an
/// entry is invalid or there are more than 64.
Result<std::vector<std::string>, std::string> parse_manifest(std::string_view body);

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", exactly) into epoch seconds.
std::optional<std::int64_t> parse_http_date(std::string_view text);

/// Whether validators may be kept: not when the resource was modified less than 2 s before the
/// server's Date (nginx's ETag has one-second resolution: a second change within that second
/// would look unchanged).
bool validators_settled(std::string_view last_modified, std::string_view date);

/// A server's validators of one resource, from its last 200.
struct Validators {
  std::string etag;
  std::string last_modified;
};

inline constexpr std::size_t kMaxValidator = 256;

/// The validators of a 200 worth sending back: none when there are none, when they are not
/// settled, or when one is longer than kMaxValidator or holds anything but visible ASCII and
/// spaces (they go back verbatim in If-None-Match / If-Modified-Since).
std::optional<Validators> validators_to_keep(std::string_view etag, std::string_view last_modified,
                                             std::string_view date);

}  // namespace kiosk::kioskd
