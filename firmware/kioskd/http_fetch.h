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
#include "firmware/kioskd/fleet_wire.h"

namespace kiosk::kioskd {

using TrustFiles = std::vector<std::pair<std::string, Bytes>>;  ///< name, bytes; keyset first

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

using FetchHandler = std::function<void(Result<FetchResult, std::string>)>;

/// Fetches the manifest and every file it names, conditionally on `state`, then calls `done` on
/// the io_context.
void fetch_trust_package(boost::asio::io_context& ioc, const HttpUrl& url, FetchState state,
                         FetchHandler done);

}  // namespace kiosk::kioskd
