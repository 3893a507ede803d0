// Fetches a trust package over HTTP (Boost.Beast client), for the optional update URL.
// The server publishes `BASE/manifest` (one relative path per line: `keyset.cose`,
// `status/NAME.cose`) and the files it names. Plain http: the files are signed, the install
// rules decide. Bounded: 64 files, each at most kMaxTrustFile bytes, a timeout on every step.
// A name listed twice is fetched once. Every GET is conditional (If-None-Match with the ETag,
// If-Modified-Since with the Last-Modified of the previous 200): nginx serving an unchanged
// directory answers 304 and nothing is downloaded again.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/bytes.h"
#include "app/result.h"

namespace kiosk::kioskd {

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string path;  ///< without a trailing '/'
};

/// Parses http://host[:port][/path]; nullopt for anything else.
std::optional<HttpUrl> parse_http_url(std::string_view url);

/// Checks a manifest line: "keyset.cose" or "status/NAME.cose" with NAME of [A-Za-z0-9._-].
bool valid_manifest_entry(std::string_view line);

using TrustFiles = std::vector<std::pair<std::string, Bytes>>;  ///< name, bytes; keyset first

/// A server's validators of one resource, from its last 200.
struct Validators {
  std::string etag;
  std::string last_modified;
};

/// What a poller remembers between fetches: validators by name ("manifest", "keyset.cose", ...)
/// and the manifest's names (needed when the manifest itself answers 304).
struct FetchState {
  std::map<std::string, Validators> validators;
  std::vector<std::string> manifest;
};

struct FetchResult {
  TrustFiles files;                       ///< changed files (200), keyset first
  std::vector<std::string> not_modified;  ///< names answered 304
  FetchState state;                       ///< to pass to the next fetch
};

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into epoch seconds.
std::optional<std::int64_t> parse_http_date(std::string_view text);

/// Whether validators may be kept: not when the resource was modified less than 2 s before the
/// server's Date (nginx's ETag has one-second resolution: a second change within that second
/// would look unchanged).
bool validators_settled(std::string_view last_modified, std::string_view date);

/// Parses a manifest body into its names (deduplicated, keyset.cose first); the reason when an
/// entry is invalid or there are more than 64.
Result<std::vector<std::string>, std::string> parse_manifest(std::string_view body);

using FetchHandler = std::function<void(Result<FetchResult, std::string>)>;

/// Fetches the manifest and every file it names, conditionally on `state`, then calls `done` on
/// the io_context.
void fetch_trust_package(boost::asio::io_context& ioc, const HttpUrl& url, FetchState state,
                         FetchHandler done);

}  // namespace kiosk::kioskd
