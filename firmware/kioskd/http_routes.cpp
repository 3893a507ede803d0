#include "firmware/kioskd/http_routes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/json.h"
#include "firmware/auth/request_guard.h"

namespace kiosk::kioskd {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

Response make(const Request& req, http::status status, std::string body, std::string_view type) {
  Response res{status, req.version()};
  res.set(http::field::server, "kioskd");
  res.set(http::field::content_type, std::string(type));
  res.set(http::field::cache_control, "no-store");
  res.set("Content-Security-Policy", kCsp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

std::string type_of(const std::string& file) {
  auto ext = std::filesystem::path(file).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  return "application/octet-stream";
}

template <class Field>
std::string_view header(const Request& req, Field f) {
  auto it = req.find(f);
  return it == req.end() ? std::string_view{}
                         : std::string_view(it->value().data(), it->value().size());
}

/// What the self-service face serves: the applicant's screen and its shared files, nothing else.
bool self_file(std::string_view file) {
  return file == "/self.html" || file == "/self.js" || file == "/kiosk.css" || file == "/i18n.js";
}

Response redirect(const Request& req, std::string location) {
  auto res = make(req, http::status::see_other, "sign in at " + location + "\n", "text/plain");
  res.set(http::field::location, std::move(location));
  return res;
}

}  // namespace

Site load_site(const std::string& dir, Mode mode) {
  Site site;
  site.mode = mode;
  for (const char* name : {"officer.html", "self.html", "signin.html", "kiosk.css", "officer.js",
                           "self.js", "signin.js", "i18n.js"}) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) {
      site.missing += (site.missing.empty() ? "" : "; ") + dir + "/" + name + " missing";
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    site.files["/" + std::string(name)] = {ss.str(), type_of(name)};
  }
  return site;
}

Response text_response(const Request& req, http::status status, std::string body) {
  return make(req, status, std::move(body), "text/plain; charset=utf-8");
}

std::optional<Response> guard(const Request& req, const std::vector<std::string>& hosts, bool tls) {
  if (!auth::host_allowed(header(req, http::field::host), hosts))
    return text_response(req, http::status::misdirected_request,
                         "this kiosk does not answer to that Host\n");
  bool safe = req.method() == http::verb::get || req.method() == http::verb::head;
  // Fetch metadata (resource isolation): a browser says when another site or origin asked; only
  // a top-level navigation may come that way (it shows the page, and carries no cookie when
  // cross-site). A same-site page on another port carries the cookie: this refuses it.
  auto fetch_site = header(req, "Sec-Fetch-Site");
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none" &&
      !(safe && header(req, "Sec-Fetch-Mode") == "navigate"))
    return text_response(req, http::status::forbidden, "cross-origin request refused\n");
  auto origin = header(req, http::field::origin);
  if (!safe && !origin.empty() && !auth::origin_same(origin, header(req, http::field::host), tls))
    return text_response(req, http::status::forbidden, "cross-origin request refused\n");
  return std::nullopt;
}

bool ws_origin_ok(const Request& req, bool tls) {
  if (req.find(http::field::origin) == req.end()) return true;
  return auth::origin_same(header(req, http::field::origin), header(req, http::field::host), tls);
}

Response handle_request(const Request& req, const Site& site, const StateSource& state,
                        const Access& access) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = make(req, http::status::method_not_allowed, "only GET and HEAD\n", "text/plain");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  bool officer_face = access.face == View::kOfficer;
  if (path == "/healthz") return make(req, http::status::ok, "ok\n", "text/plain");
  if (path == "/api/self") return make(req, http::status::ok, state.self(), "application/json");
  // The self state as a script, loaded before the page renders (no holder data in it). The
  // officer's state has no script URL: another origin could include it.
  if (path == "/api/self.js")
    return make(req, http::status::ok, "window.KIOSK_SELF = " + state.self() + ";\n",
                "text/javascript; charset=utf-8");
  std::string file(path);
  if (path == "/")
    file = officer_face && site.mode == Mode::kCounter ? "/officer.html" : "/self.html";
  if (path == "/officer") file = "/officer.html";
  if (path == "/self") file = "/self.html";
  if (path == "/signin") file = "/signin.html";
  if (!officer_face) {
    if (!self_file(file)) return make(req, http::status::not_found, "not found\n", "text/plain");
  } else {
    if (path == "/api/state") {
      if (!access.signed_in) return text_response(req, http::status::unauthorized, "sign in\n");
      return make(req, http::status::ok, state.officer(), "application/json");
    }
    if (file == "/officer.html" && !access.signed_in) return redirect(req, "/signin");
    if (file == "/signin.html" && access.signed_in) return redirect(req, "/officer");
  }
  auto it = site.files.find(file);
  if (it != site.files.end()) return make(req, http::status::ok, it->second.body, it->second.type);
  if (!site.missing.empty() &&
      (file == "/officer.html" || file == "/self.html" || file == "/signin.html"))
    return make(req, http::status::service_unavailable,
                "The kiosk's screen files are missing: " + site.missing + "\n", "text/plain");
  return make(req, http::status::not_found, "not found\n", "text/plain");
}

std::optional<std::pair<std::string, std::string>> parse_signin(const Request& req) {
  auto type = header(req, http::field::content_type);
  if (type.substr(0, type.find(';')) != "application/json") return std::nullopt;
  auto v = json::parse(req.body());
  if (!v || !v->is_object() || v->object.size() != 2) return std::nullopt;
  const json::Value* name = v->get("name");
  const json::Value* password = v->get("password");
  if (!name || !password || !name->is_string() || !password->is_string()) return std::nullopt;
  return std::pair{name->string, password->string};
}

Response signin_response(const Request& req, const SignInResult& a, bool tls) {
  switch (a.kind) {
    case SignInResult::Kind::kOk: {
      json::Writer w;
      w.begin_object();
      w.key("officer").string(a.officer ? a.officer->officer : "");
      w.key("role").string(a.officer ? auth::name(a.officer->role) : "");
      w.end_object();
      auto res = make(req, http::status::ok, w.take() + "\n", "application/json");
      res.set(http::field::set_cookie, auth::session_cookie(a.token, tls));
      return res;
    }
    case SignInResult::Kind::kRefused:
      return text_response(req, http::status::unauthorized, "wrong name or password\n");
    case SignInResult::Kind::kThrottled: {
      auto res =
          text_response(req, http::status::too_many_requests,
                        "too many failed sign-ins: wait " + std::to_string(a.retry_after) + " s\n");
      res.set(http::field::retry_after, std::to_string(a.retry_after));
      return res;
    }
    case SignInResult::Kind::kBusy: {
      auto res = text_response(req, http::status::service_unavailable, "busy: try again\n");
      res.set(http::field::retry_after, "1");
      return res;
    }
    case SignInResult::Kind::kError:
      break;
  }
  return text_response(req, http::status::internal_server_error,
                       "the officer store cannot be read (see the journal)\n");
}

Response signout_response(const Request& req, bool tls) {
  auto res = make(req, http::status::ok, "signed out\n", "text/plain");
  res.set(http::field::set_cookie, auth::clear_session_cookie(tls));
  return res;
}

std::string canned_response(unsigned status, std::string_view reason) {
  std::string body = std::string(reason) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nServer: kioskd\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace kiosk::kioskd
