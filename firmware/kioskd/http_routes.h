// The HTTP request logic of the officer's and the applicant's screens, as pure functions: a
// request, the site and what the session checks found in, a response out. Nothing here touches
// a socket (STYLE.md point 7).
//
// Two faces, one per listener: the self-service face serves the applicant's screen only (no
// holder data, nothing of the officer's); the officer face serves the console, where everything
// that carries holder data or changes state needs a signed-in officer (firmware/auth).
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/result.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/console.h"

namespace kiosk::kioskd {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Which screen a listener (and a WebSocket) serves.
enum class View { kOfficer, kSelf };

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

/// What the server knows about a request beyond its bytes.
struct Access {
  View face = View::kOfficer;
  bool signed_in = false;  ///< a valid officer session came with it (officer face only)
};

/// The checks before any route: the Host must be one of `hosts` (421 otherwise: DNS rebinding),
/// and a request that is not GET or HEAD must not come from a foreign Origin (403). nullopt when
/// the request may go on.
std::optional<Response> guard(const Request& req, const std::vector<std::string>& hosts, bool tls);

/// True when a WebSocket upgrade's Origin is the console's own, or absent (not a browser: a
/// browser always sends one, and nothing else can carry the officer's cookie).
bool ws_origin_ok(const Request& req, bool tls);

/// Answers a GET or HEAD (other methods: 405). WebSocket upgrades and the sign-in and sign-out
/// POSTs are handled by the session.
Response handle_request(const Request& req, const Site& site, const StateSource& state,
                        const Access& access);

/// A plain-text response of `status` (401, 403, 404, 429...), with the security headers.
Response text_response(const Request& req, http::status status, std::string body);

/// The name and password of a sign-in POST: `application/json` `{"name": ..., "password": ...}`
/// (a cross-site form cannot send that content type without a CORS preflight); nullopt otherwise.
std::optional<std::pair<std::string, std::string>> parse_signin(const Request& req);

/// The answer to a sign-in: 200 with the session cookie, 401, 429 (Retry-After) or 503.
Response signin_response(const Request& req, const SignInResult& a, bool tls);
/// 200 and the cookie removed.
Response signout_response(const Request& req, bool tls);

/// A canned response for a request that could not be parsed (400, 413, 431, 503), closing.
std::string canned_response(unsigned status, std::string_view reason);

}  // namespace kiosk::kioskd
