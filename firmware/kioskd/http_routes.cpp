#include "firmware/kioskd/http_routes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::kioskd {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

Response make(const Request& req, http::status status, std::string body, std::string_view type) {
  Response res{status, req.version()};
  res.set(http::field::server, "kioskd");
  res.set(http::field::content_type, std::string(type));
  res.set(http::field::cache_control, "no-store");
  res.set("Content-Security-Policy", kCsp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
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

}  // namespace

Site load_site(const std::string& dir, Mode mode) {
  Site site;
  site.mode = mode;
  for (const char* name :
       {"officer.html", "self.html", "kiosk.css", "officer.js", "self.js", "i18n.js"}) {
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

Response handle_request(const Request& req, const Site& site, const StateSource& state) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = make(req, http::status::method_not_allowed, "only GET and HEAD\n", "text/plain");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  std::string_view target(req.target().data(), req.target().size());
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (path == "/healthz") return make(req, http::status::ok, "ok\n", "text/plain");
  if (path == "/api/state") return make(req, http::status::ok, state.officer(), "application/json");
  if (path == "/api/self") return make(req, http::status::ok, state.self(), "application/json");
  // The state as a script, loaded before the page renders: the first paint already shows it.
  if (path == "/api/state.js")
    return make(req, http::status::ok, "window.KIOSK_STATE = " + state.officer() + ";\n",
                "text/javascript; charset=utf-8");
  if (path == "/api/self.js")
    return make(req, http::status::ok, "window.KIOSK_SELF = " + state.self() + ";\n",
                "text/javascript; charset=utf-8");
  std::string file(path);
  if (path == "/") file = site.mode == Mode::kCounter ? "/officer.html" : "/self.html";
  if (path == "/officer") file = "/officer.html";
  if (path == "/self") file = "/self.html";
  auto it = site.files.find(file);
  if (it != site.files.end()) return make(req, http::status::ok, it->second.body, it->second.type);
  if (!site.missing.empty() && (file == "/officer.html" || file == "/self.html"))
    return make(req, http::status::service_unavailable,
                "The kiosk's screen files are missing: " + site.missing + "\n", "text/plain");
  return make(req, http::status::not_found, "not found\n", "text/plain");
}

std::string canned_response(unsigned status, std::string_view reason) {
  std::string body = std::string(reason) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nServer: kioskd\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace kiosk::kioskd
