// Fetches a trust package over HTTP (Boost.Beast client), for the optional update URL.
// The server publishes `BASE/manifest` (one relative path per line: `keyset.cose`,
// `status/NAME.cose`) and the files it names. Plain http: the files are signed, the install
// rules decide. Bounded: 64 files, each at most kMaxTrustFile bytes, a timeout on every step.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
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
using FetchHandler = std::function<void(Result<TrustFiles, std::string>)>;

/// Fetches the manifest and every file it names, then calls `done` on the io_context.
void fetch_trust_package(boost::asio::io_context& ioc, const HttpUrl& url, FetchHandler done);

}  // namespace kiosk::kioskd
