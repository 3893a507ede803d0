// The HTTP request logic of the officer's and the applicant's screens, as a pure function: a
// request and the site in, a response out. It never touches a socket (STYLE.md point 7).
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <string>

#include "app/result.h"
#include "firmware/kioskd/config.h"

namespace kiosk::kioskd {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// The static files, read once at start-up: no file is opened per request, so no request can
/// reach outside this set.
struct Site {
  struct File {
    std::string body;
    std::string type;
  };
  std::map<std::string, File, std::less<>> files;  ///< by URL path, e.g. "/officer.js"
  Mode mode = Mode::kCounter;
  std::string missing;  ///< why the UI files could not be loaded ("" when they were)
};

/// Loads the UI files from `dir`; a missing file is reported (and answered with 503), never fatal.
Site load_site(const std::string& dir, Mode mode);

/// The live state, as the two screens' JSON messages.
struct StateSource {
  std::function<std::string()> officer;
  std::function<std::string()> self;
};

/// Answers one request. Only GET and HEAD; WebSocket upgrades are handled by the session.
Response handle_request(const Request& req, const Site& site, const StateSource& state);

/// A canned response for a request that could not be parsed (400, 413, 431, 503), closing.
std::string canned_response(unsigned status, std::string_view reason);

}  // namespace kiosk::kioskd
