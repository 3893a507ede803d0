// kioskd's pure parts: config, feed, session, the screens' messages, the request handler.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/json.h"
#include "firmware/kioskd-demo/feed_source.h"
#include "firmware/kioskd-demo/sim_devices.h"
#include "firmware/kioskd/access_backlog.h"
#include "firmware/kioskd/audit_writer.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/devices.h"
#include "firmware/kioskd/http_fetch.h"
#include "firmware/kioskd/http_routes.h"
#include "firmware/kioskd/session.h"
#include "firmware/kioskd/view_model.h"
#include "tests/support/sample_holder.h"

using namespace kiosk;
using namespace kiosk::kioskd;

TEST_CASE("config: a full file parses into the const struct") {
  const std::string text =
      "# comment\n[kiosk]\nid = SH-03\nmode = self-service\njurisdiction = 3101, 4403\n"
      "max_age = 60 # seconds\n[ui]\nlisten = ::1\nport = 9000\n[data]\ndir = /d\nanchors = /a\n"
      "[trust]\nwatch_dir = /media/usb\nurl = http://127.0.0.1:81/t\n[clock]\nsource = offset\n"
      "offset = -60\n[devices]\nfeed = /f\nfeed_loop = yes\n";
  // The feed is kioskd-demo's: the production registry refuses it on its line.
  auto production = parse_config(text, "k.conf");
  REQUIRE(!production);
  CHECK(production.error().line == 20);
  CHECK(production.error().reason.find("feed: recorded presentations are a simulated input") == 0);
  const DeviceRegistry demo = simulated_devices();
  auto c = parse_config(text, "k.conf", &demo);
  REQUIRE(c);
  CHECK(c->kiosk_id == "SH-03");
  CHECK(c->mode == Mode::kSelfService);
  CHECK(c->jurisdiction == std::vector<std::string>{"3101", "4403"});
  CHECK(c->max_age == 60);
  CHECK(c->listen == "::1");
  CHECK(c->port == 9000);
  CHECK(c->clock == ClockSource::kOffset);
  CHECK(c->clock_offset == -60);
  CHECK(c->devices.feed_loop);
  auto defaults = parse_config("", "empty.conf");
  REQUIRE(defaults);
  CHECK(defaults->listen == "127.0.0.1");  // loopback by default
  CHECK(defaults->port == 8080);
  CHECK(defaults->data_dir == "/var/lib/kiosk");  // the package's state folder
}

TEST_CASE("config: every error names the line and the reason") {
  struct Case {
    const char* text;
    std::size_t line;
    const char* reason;
  } cases[] = {
      {"[kiosk]\nmax_age = 0\n", 2, "max_age: 0 is out of range 1..3600"},
      {"[kiosk]\nmode = kiosk\n", 2, "mode: 'kiosk' is not one of counter, self-service"},
      {"[kiosk]\njurisdiction = 31a\n", 2, "jurisdiction: '31a' is not a GB/T 2260 prefix"},
      {"[kiosk]\nid = a b\n", 2, "id: may hold only letters, digits, '-', '_' and '.'"},
      {"[trust]\nurl = https://x/\n", 2, "url: only http:// URLs"},
      {"[devices]\nfeed_loop = maybe\n", 2, "feed_loop: 'maybe' is not yes or no"},
      {"[ui\n", 1, "a section header must end with ']'"},
      {"[ui]\nport = 70000\n", 2, "port: 70000 is out of range 0..65535"},
      {"[ui]\nport = \x01\n", 2, "control character in the line"},
      {"\n\n[clock]\nsource = sundial\n", 4,
       "source: 'sundial' is not one of system, fixed, offset"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_config(c.text, "x.conf");
    REQUIRE(!r);
    CHECK(r.error().line == c.line);
    CHECK(r.error().reason.find(c.reason) == 0);
    CHECK(r.error().message().find("x.conf:" + std::to_string(c.line) + ": ") == 0);
  }
  auto huge = parse_config("[kiosk]\nid = " + std::string(5000, 'a') + "\n", "x.conf");
  REQUIRE(!huge);
  CHECK(huge.error().reason == "line longer than 4096 characters");
}

TEST_CASE("feed: lines, comments and errors") {
  auto f = parse_feed(
      "# demo\n\n100 camera WPC1:ABC\n0 scanner WPP1:X Y\n5 card {\"ef\": \"0001ff\", "
      "\"challenge\": \"00\", \"signature\": \"11\"}\n",
      "f.feed");
  REQUIRE(f);
  REQUIRE(f->size() == 3);
  CHECK((*f)[0].delay_ms == 100);
  CHECK(std::get<std::string>((*f)[1].payload) == "WPP1:X Y");
  CHECK((*f)[2].channel == Channel::kCard);
  CHECK(std::get<ChipInput>((*f)[2].payload).ef == Bytes{0, 1, 0xff});
  CHECK(feed_line((*f)[0]) == "100 camera WPC1:ABC");
  auto round = parse_feed(feed_line((*f)[2]), "r");
  REQUIRE(round);
  CHECK(std::get<ChipInput>((*round)[0].payload).signature == Bytes{0x11});
  auto bad = parse_feed("1 camera A\nx camera A\n", "f.feed");
  REQUIRE(!bad);
  CHECK(bad.error().message() == "f.feed:2: delay 'x' is not 0..86400000 ms");
  CHECK(parse_feed("1 phone A\n", "f").error().reason == "channel must be camera, scanner or card");
  CHECK(parse_feed("1 card {}\n", "f").error().reason.find("chip JSON") == 0);
  CHECK(parse_feed("1\n", "f").error().reason == "expected 'DELAY_MS CHANNEL PAYLOAD'");
}

namespace {
SessionEntry entry(const std::string& key, Document d, Bytes cti = {}) {
  SessionEntry e;
  e.key = key;
  e.verdict.document = d;
  e.verdict.outcome = Outcome::kAccept;
  e.verdict.cti = std::move(cti);
  return e;
}

KioskView view(const Config& c, const Session& s, const TrustSnapshot& t) {
  KioskView v;
  v.config = &c;
  v.session = &s;
  v.trust = &t;
  return v;
}
}  // namespace

TEST_CASE("session: repeats, side by side, redraws, limit, clear") {
  Session s(3);
  CHECK(!s.active());
  CHECK(!s.repeat("a"));
  s.add(entry("a", Document::kWpnl, {1}));
  CHECK(s.number() == 1);
  CHECK(s.repeat("a"));
  CHECK(s.repeat("a"));
  CHECK(s.entries()[0].reads == 3);
  s.add(entry("b", Document::kESsc, {2}));
  CHECK(s.entries().size() == 2);
  CHECK(s.focus() == 1);
  s.focus_next();
  CHECK(s.focus() == 0);
  // The e-card redrawn: same credential, new text; it replaces its own entry.
  s.add(entry("b2", Document::kESsc, {2}));
  CHECK(s.entries().size() == 2);
  CHECK(s.entries()[1].key == "b2");
  CHECK(s.entries()[1].reads == 2);
  s.add(entry("c", Document::kUnknown));
  s.add(entry("d", Document::kUnknown));
  CHECK(s.entries().size() == 3);  // the oldest left the screen
  CHECK(s.entries()[0].key == "b2");
  s.clear();
  CHECK(!s.active());
  CHECK(!s.repeat("a"));  // a new session verifies again
  s.add(entry("a", Document::kWpnl));
  CHECK(s.number() == 2);
  CHECK(qr_key(std::string(100000, 'x')).size() < 64);
}

TEST_CASE("the applicant's screen gets no reason and no personal data") {
  Config c = default_config();
  Session s;
  SessionEntry e = entry("k", Document::kWpnl, {9});
  e.verdict.outcome = Outcome::kReject;
  e.verdict.reasons = {Reason::kCredentialRevoked};
  e.verdict.holder = HolderRecord{};
  e.verdict.holder->name = "SECRET NAME";
  e.verdict.holder->ppn = "P1234567";
  e.verdict.issuer_kid = Kid{};
  s.add(e);
  TrustSnapshot t;
  KioskView v = view(c, s, t);
  std::string self = self_json(v);
  CHECK(self.find("SECRET") == std::string::npos);
  CHECK(self.find("P1234567") == std::string::npos);
  CHECK(self.find("REVOKED") == std::string::npos);
  CHECK(self.find("REJECT") == std::string::npos);
  CHECK(self.find("\"next\": \"counter\"") != std::string::npos);
  std::string officer = officer_json(v);
  CHECK(officer.find("SECRET NAME") != std::string::npos);
  CHECK(officer.find("CREDENTIAL_REVOKED") != std::string::npos);

  // The holder record never shows when the signature did not verify.
  Session s2;
  SessionEntry bad = e;
  bad.verdict.document = Document::kUnknown;
  bad.verdict.issuer_kid.reset();
  s2.add(bad);
  v.session = &s2;
  CHECK(officer_json(v).find("SECRET NAME") == std::string::npos);

  Verdict stale;
  stale.outcome = Outcome::kReject;
  stale.reasons = {Reason::kPresentationExpired};
  CHECK(applicant_next(stale) == ApplicantNext::kPresentAnother);
  stale.reasons = {Reason::kMalformed};
  CHECK(applicant_next(stale) == ApplicantNext::kPresentAnother);
  stale.reasons = {Reason::kPresentationExpired, Reason::kCredentialExpired};
  CHECK(applicant_next(stale) == ApplicantNext::kGoToCounter);
}

TEST_CASE("the officer's holder record, byte for byte (ISO dates, empty employer name)") {
  Config c = default_config();
  Session s;
  SessionEntry e = entry("k", Document::kWpnl, {9});
  e.verdict.issuer_kid = Kid{};
  e.verdict.holder = test::sample_holder();
  s.add(e);
  TrustSnapshot t;
  KioskView v = view(c, s, t);
  auto holder_of = [&v] {
    std::string o = officer_json(v);
    auto from = o.find("\"holder\": ");
    auto to = o.find(", \"audit_seq\"", from);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    return o.substr(from, to - from);
  };
  CHECK(holder_of() ==
        "\"holder\": {\"name\": \"ZHANG Wei\", \"nationality\": \"DEU\", \"date_of_birth\": "
        "\"1990-05-17\", \"passport_number\": \"C01X00T47\", \"work_permit_number\": "
        "\"1231000020260001\", \"social_security_number\": \"310000199005170011\", "
        "\"category\": \"B\", \"employer_uscc\": \"91310000MA1FL8XQ30\", \"employer_name\": "
        "\"上海示例科技有限公司\", \"work_location\": \"310104\", \"issuer\": \"310000\", "
        "\"valid_from\": \"2026-01-01\", \"valid_until\": \"2026-12-31\"}");
  Session sparse;
  e.verdict.holder->ssn.reset();
  e.verdict.holder->cat.reset();
  e.verdict.holder->empn.reset();
  sparse.add(e);
  v.session = &sparse;
  CHECK(holder_of() ==
        "\"holder\": {\"name\": \"ZHANG Wei\", \"nationality\": \"DEU\", \"date_of_birth\": "
        "\"1990-05-17\", \"passport_number\": \"C01X00T47\", \"work_permit_number\": "
        "\"1231000020260001\", \"employer_uscc\": \"91310000MA1FL8XQ30\", \"employer_name\": "
        "\"\", \"work_location\": \"310104\", \"issuer\": \"310000\", \"valid_from\": "
        "\"2026-01-01\", \"valid_until\": \"2026-12-31\"}");
}

TEST_CASE("trust warnings") {
  TrustSnapshot t;
  CHECK(trust_warning(t, 100, 7) == "missing");
  t.keyset = KeySet{};
  t.keyset->exp = 1000000;
  CHECK(trust_warning(t, 1000000 - 8 * 86400, 7) == "none");
  CHECK(trust_warning(t, 1000000 - 6 * 86400, 7) == "expiring");
  CHECK(trust_warning(t, 1000000, 7) == "expired");
}

TEST_CASE("request handler: pages, state, limits of what is served") {
  Site site;
  site.files["/officer.html"] = {"<officer>", "text/html"};
  site.files["/self.html"] = {"<self>", "text/html"};
  site.files["/signin.html"] = {"<signin>", "text/html"};
  site.files["/officer.js"] = {"officer()", "text/javascript"};
  StateSource state{[] { return std::string("{\"type\": \"officer\"}"); },
                    [] { return std::string("{\"type\": \"self\"}"); }};
  Access officer{View::kOfficer, true};
  auto get = [&](const std::string& target, http::verb verb = http::verb::get,
                 Access access = {View::kOfficer, true}) {
    Request req{verb, target, 11};
    return handle_request(req, site, state, access);
  };
  CHECK(get("/").body() == "<officer>");
  CHECK(get("/?lang=zh").body() == "<officer>");
  CHECK(get("/self").body() == "<self>");
  CHECK(get("/api/state").body() == "{\"type\": \"officer\"}");
  CHECK(get("/api/state.js").result() == http::status::not_found);  // no script URL for holder data
  CHECK(get("/api/self").body() == "{\"type\": \"self\"}");
  CHECK(get("/signin").result() == http::status::see_other);  // signed in already
  CHECK(get("/../etc/passwd").result() == http::status::not_found);
  CHECK(get("/", http::verb::post).result() == http::status::method_not_allowed);
  CHECK(get("/", http::verb::head).body().empty());
  CHECK(get("/")[http::field::cache_control] == "no-store");

  // Without a session: the sign-in page, nothing personal.
  Access anonymous{View::kOfficer, false};
  CHECK(get("/", http::verb::get, anonymous).result() == http::status::see_other);
  CHECK(get("/", http::verb::get, anonymous)[http::field::location] == "/signin");
  CHECK(get("/officer", http::verb::get, anonymous).result() == http::status::see_other);
  CHECK(get("/officer.html", http::verb::get, anonymous).result() == http::status::see_other);
  CHECK(get("/api/state", http::verb::get, anonymous).result() == http::status::unauthorized);
  CHECK(get("/signin", http::verb::get, anonymous).body() == "<signin>");
  CHECK(get("/officer.js", http::verb::get, anonymous).body() == "officer()");  // code, no data

  // The self-service face: the applicant's screen only, whatever the session.
  Access self{View::kSelf, true};
  CHECK(get("/", http::verb::get, self).body() == "<self>");
  CHECK(get("/api/self", http::verb::get, self).result() == http::status::ok);
  CHECK(get("/api/state", http::verb::get, self).result() == http::status::not_found);
  CHECK(get("/officer", http::verb::get, self).result() == http::status::not_found);
  CHECK(get("/officer.js", http::verb::get, self).result() == http::status::not_found);
  CHECK(get("/signin", http::verb::get, self).result() == http::status::not_found);

  site.mode = Mode::kSelfService;
  CHECK(get("/").body() == "<self>");
  Site empty;
  empty.missing = "officer.html missing";
  Request req{http::verb::get, "/", 11};
  CHECK(handle_request(req, empty, state, officer).result() == http::status::service_unavailable);
}

TEST_CASE("request guard and sign-in bodies") {
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "kiosk.test"};
  auto with = [](http::verb verb, std::vector<std::pair<http::field, std::string>> fields) {
    Request req{verb, "/api/signin", 11};
    for (auto& [f, v] : fields)
      req.set(f, v);
    return req;
  };
  CHECK(!guard(with(http::verb::get, {{http::field::host, "127.0.0.1:8080"}}), hosts, false));
  CHECK(
      guard(with(http::verb::get, {{http::field::host, "evil.example"}}), hosts, false)->result() ==
      http::status::misdirected_request);
  CHECK(guard(with(http::verb::get, {}), hosts, false));  // no Host at all
  CHECK(!guard(with(http::verb::post, {{http::field::host, "kiosk.test:8443"},
                                       {http::field::origin, "https://kiosk.test:8443"}}),
               hosts, true));
  CHECK(guard(with(http::verb::post, {{http::field::host, "kiosk.test:8443"},
                                      {http::field::origin, "https://evil.example"}}),
              hosts, true)
            ->result() == http::status::forbidden);
  // Fetch metadata: another origin's fetch is refused; a navigation from elsewhere is not.
  auto fetched = with(http::verb::get, {{http::field::host, "kiosk.test"}});
  fetched.set("Sec-Fetch-Site", "same-site");
  fetched.set("Sec-Fetch-Mode", "cors");
  CHECK(guard(fetched, hosts, false)->result() == http::status::forbidden);
  fetched.set("Sec-Fetch-Mode", "navigate");
  CHECK(!guard(fetched, hosts, false));
  fetched.set("Sec-Fetch-Site", "same-origin");
  fetched.set("Sec-Fetch-Mode", "cors");
  CHECK(!guard(fetched, hosts, false));
  CHECK(ws_origin_ok(with(http::verb::get, {{http::field::host, "kiosk.test"}}), false));
  CHECK(!ws_origin_ok(with(http::verb::get, {{http::field::host, "kiosk.test"},
                                             {http::field::origin, "http://evil.example"}}),
                      false));

  auto signin = [&](std::string type, std::string body) {
    auto req = with(http::verb::post, {{http::field::content_type, type}});
    req.body() = std::move(body);
    return parse_signin(req);
  };
  auto ok = signin("application/json", R"({"name": "alice", "password": "pin-123456"})");
  REQUIRE(ok);
  CHECK(ok->first == "alice");
  CHECK(ok->second == "pin-123456");
  CHECK(signin("application/json; charset=utf-8", R"({"name": "a", "password": "b"})"));
  CHECK(!signin("application/x-www-form-urlencoded", "name=alice&password=pin"));
  CHECK(!signin("text/plain", R"({"name": "alice", "password": "pin-123456"})"));
  CHECK(!signin("application/json", R"({"name": "alice"})"));
  CHECK(!signin("application/json", R"({"name": 1, "password": "x"})"));
  CHECK(!signin("application/json", R"({"name": "a", "password": "b", "x": 1})"));
  CHECK(!signin("application/json", "{garbage"));

  Request req{http::verb::post, "/api/signin", 11};
  SignInResult r;
  r.kind = SignInResult::Kind::kOk;
  r.token = std::string(64, 'a');
  r.officer = auth::SignedIn{"alice", auth::Role::kSupervisor, "127.0.0.1", 0, 0};
  auto res = signin_response(req, r, true);
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::set_cookie].find("HttpOnly; SameSite=Strict; Secure") !=
        std::string::npos);
  CHECK(res.body().find(r.token) == std::string::npos);  // the token only in the cookie
  r.kind = SignInResult::Kind::kThrottled;
  r.retry_after = 7;
  CHECK(signin_response(req, r, true)[http::field::retry_after] == "7");
  r.kind = SignInResult::Kind::kRefused;
  CHECK(signin_response(req, r, true).result() == http::status::unauthorized);
  r.kind = SignInResult::Kind::kBusy;
  CHECK(signin_response(req, r, true).result() == http::status::service_unavailable);
  r.kind = SignInResult::Kind::kError;
  CHECK(signin_response(req, r, true).result() == http::status::internal_server_error);
  CHECK(signout_response(req, false)[http::field::set_cookie].find("Max-Age=0") !=
        std::string::npos);
}

TEST_CASE("[console] keys: parsed, checked, refused with a reason") {
  auto parse = [](const std::string& extra) {
    return parse_config("[data]\ndir = /d\nanchors = /a\n" + extra, "k.conf");
  };
  auto c = parse(
      "[console]\nself_listen = 127.0.0.1\nself_port = 8081\ntls_cert = /etc/c.pem\n"
      "tls_key = /etc/k.pem\nallowed_hosts = kiosk-07.psb.example, [fe80::1], 192.0.2.7\n"
      "max_per_client = 4\nsession_idle = 600\n");
  REQUIRE(c);
  CHECK(c->console.self_port == 8081);
  CHECK(c->console.tls());
  CHECK(c->console.allowed_hosts ==
        std::vector<std::string>{"kiosk-07.psb.example", "fe80::1", "192.0.2.7"});
  CHECK(c->console.max_per_client == 4);
  CHECK(!parse("[console]\nallowed_hosts = evil.example:80\n"));
  CHECK(!parse("[console]\nself_listen = kiosk.local\n"));
  CHECK(!parse("[console]\ntls_cert = relative.pem\n"));
  CHECK(!parse("[console]\nmax_per_client = 0\n"));
  // Holder records never cross the network in clear text.
  auto lan = parse("[ui]\nlisten = 192.0.2.7\n");
  REQUIRE(lan);
  auto why = check_console(lan->console, lan->listen);
  REQUIRE(why);
  CHECK(why->find("needs TLS") != std::string::npos);
  auto half = parse("[console]\ntls_cert = /etc/c.pem\n");
  REQUIRE(half);
  CHECK(check_console(half->console, half->listen));
  CHECK(!check_console(c->console, c->listen));
  CHECK(console_hosts(c->console, "192.0.2.9").size() == 7);
}

TEST_CASE("update URL and manifest entries") {
  auto u = parse_http_url("http://127.0.0.1:8081/trust/");
  REQUIRE(u);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == "8081");
  CHECK(u->path == "/trust");
  CHECK(parse_http_url("http://host")->port == "80");
  CHECK(!parse_http_url("https://host/"));
  CHECK(!parse_http_url("http://:80/"));
  CHECK(!parse_http_url("http://h:8x/"));
  CHECK(valid_manifest_entry("keyset.cose"));
  CHECK(valid_manifest_entry("status/CN-310000.cose"));
  CHECK(!valid_manifest_entry("status/../x.cose"));
  CHECK(!valid_manifest_entry("../keyset.cose"));
  CHECK(!valid_manifest_entry("status/.cose"));
  CHECK(!valid_manifest_entry("status/a/b.cose"));
}

// The deploy shape: one table of keys, typed values, start-up checks with FILE:LINE.
namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("config: every default in the table parses, and the packaged kioskd.conf is the table") {
  for (const ConfigKey& k : config_keys()) {
    CAPTURE(k.key);
    Config c;
    CHECK_FALSE(k.set(c, k.fallback));
    CHECK_FALSE(k.help.empty());
    CHECK_FALSE(k.type.empty());
  }
  // The packaged file (firmware/packaging/kioskd.conf) is what the table prints, and parses.
  std::string packaged =
      read_file(std::string(KIOSK_TEST_DATA) + "/../../firmware/packaging/kioskd.conf");
  CHECK(packaged == default_config_text());
  auto c = parse_config(packaged, "kioskd.conf");
  REQUIRE(c);
  CHECK(c->www == "/usr/share/kiosk/www");
  CHECK(c->anchors_dir == "/usr/share/kiosk/anchors");
  CHECK(c->listen == "127.0.0.1");
  CHECK(c->where("data.dir") == "kioskd.conf ([data] dir default)");
  CHECK(config_help_text().find("[ui] port = 8080") != std::string::npos);
}

TEST_CASE("config: refused at start-up with FILE:LINE and a sentence") {
  struct Case {
    std::string text;
    std::size_t line;
    const char* reason;
  } cases[] = {
      {"port = 80\n[ui]\n", 1, "'port' is outside any [section]"},
      {"[ui]\nprot = 80\n", 2, "unknown key 'prot' in [ui] (known: listen, port, www"},
      {"[ui]\nport = eighty\n", 2, "port: 'eighty' is not a whole number"},
      {"[ui]\nlisten = localhost\n", 2, "listen: 'localhost' is not an IP address"},
      {"[ui]\nlisten = 300.1.1.1\n", 2, "listen: '300.1.1.1' is not an IP address"},
      {"[data]\ndir = var/lib/kiosk\n", 2, "dir: 'var/lib/kiosk' is not an absolute path"},
      {"[trust]\nurl = http://:80/x\n", 2, "url: 'http://:80/x' is not http://HOST[:PORT]/PATH"},
      {"[trust]\nurl = http://h:99999/x\n", 2, "url: 'http://h:99999/x' is not http://"},
      {"[devices]\ncamera = sim:scene\n", 2,
       "camera: 'sim:scene': this build has no simulated devices; kioskd-demo has them"},
      {"[devices]\nreader = sim:counter\n", 2,
       "reader: 'sim:counter': this build has no simulated devices"},
      {"[devices]\ncamera_fps = fast\n", 2, "camera_fps: 'fast' is not a whole number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_config(c.text, "k.conf");
    REQUIRE(!r);
    CHECK(r.error().line == c.line);
    CHECK(r.error().reason.find(c.reason) == 0);
  }
  // A registry with a simulated camera of another kind names what it lacks.
  DeviceRegistry sims;
  sims.add_camera("sim:still",
                  [](const std::string&,
                     const DeviceConfig&) -> Result<std::unique_ptr<drivers::Camera>, std::string> {
                    return Unexpected{std::string("unused")};
                  });
  auto other = parse_config("[devices]\ncamera = sim:scene\n", "k.conf", &sims);
  REQUIRE(!other);
  CHECK(other.error().reason ==
        "camera: 'sim:scene': no simulated camera of kind 'sim:scene' in "
        "this build");
  CHECK(parse_config("[devices]\ncamera = sim:still:/x.png\n", "k.conf", &sims));
}

TEST_CASE("config: the start-up checks name the key's line (state folder, anchors, screens)") {
  namespace fs = std::filesystem;
  std::string dir = fs::temp_directory_path() / ("kioskd-check-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir + "/data");
  fs::create_directories(dir + "/anchors");
  fs::create_directories(dir + "/www");
  std::ofstream(dir + "/www/officer.html") << "<html></html>";
  auto conf = [&](const std::string& data, const std::string& anchors) {
    return "[ui]\nwww = " + dir + "/www\n[data]\ndir = " + data + "\nanchors = " + anchors + "\n";
  };
  auto good = parse_config(conf(dir + "/data", dir + "/anchors"), "k.conf");
  REQUIRE(good);
  CHECK_FALSE(check_config(*good));

  auto no_state = parse_config(conf(dir + "/missing", dir + "/anchors"), "k.conf");
  REQUIRE(no_state);
  auto e = check_config(*no_state);
  REQUIRE(e);
  CHECK(e->message().find("k.conf:4: [data] dir " + dir +
                          "/missing: the state folder does not "
                          "exist") == 0);

  auto no_anchors = parse_config(conf(dir + "/data", dir + "/none"), "k.conf");
  REQUIRE(no_anchors);
  e = check_config(*no_anchors);
  REQUIRE(e);
  CHECK(e->message().find("k.conf:5: [data] anchors " + dir + "/none: not a readable folder") == 0);

  fs::create_directories(dir + "/anchors/root.pub");  // a .pub that cannot be read as a file
  e = check_config(*good);
  REQUIRE(e);
  CHECK(e->message().find("k.conf:5: [data] anchors: " + dir +
                          "/anchors/root.pub cannot be read") == 0);
  fs::remove_all(dir + "/anchors/root.pub");

  // A default that does not hold on this machine names the file and the default.
  auto defaults = parse_config("", "k.conf");
  REQUIRE(defaults);
  defaults->data_dir = dir + "/missing";
  e = check_config(*defaults);
  REQUIRE(e);
  CHECK(e->message().find("k.conf ([data] dir default): [data] dir ") == 0);
  fs::remove_all(dir);
}

TEST_CASE(
    "access backlog: past its limit records are counted, and the gap is posted before the next") {
  kioskd::AccessBacklog b(3);
  for (int i = 0; i < 3; ++i) {
    auto a = b.admit();
    CHECK(a.admitted);
    CHECK(a.gap == 0);
  }
  CHECK(b.pending() == 3);
  // The writer is behind (a stuck disk): the next are dropped, and counted; the first says so.
  auto first = b.admit();
  CHECK_FALSE(first.admitted);
  CHECK(first.first_drop);
  for (int i = 0; i < 4; ++i) {
    auto a = b.admit();
    CHECK_FALSE(a.admitted);
    CHECK_FALSE(a.first_drop);
  }
  CHECK(b.dropped() == 5);
  CHECK(b.pending() == 3);  // nothing dropped reached the writer
  // One record committed: the next is admitted after one record of the five lost.
  b.done();
  auto next = b.admit();
  CHECK(next.admitted);
  CHECK(next.gap == 5);
  CHECK(b.dropped() == 0);
  CHECK(b.pending() == 4);  // the gap's record and this one: the limit plus one at most
  // Still behind: a new run of drops, counted afresh and announced again.
  auto again = b.admit();
  CHECK_FALSE(again.admitted);
  CHECK(again.first_drop);
  for (int i = 0; i < 4; ++i)
    b.done();
  CHECK(b.pending() == 0);
  b.done();  // more done() than posted records leaves it at zero
  CHECK(b.pending() == 0);
  auto after = b.admit();
  CHECK(after.admitted);
  CHECK(after.gap == 1);
  // A limit of 0 is taken as 1: a record always gets through once the writer catches up.
  kioskd::AccessBacklog tiny(0);
  CHECK(tiny.limit() == 1);
  CHECK(tiny.admit().admitted);
  CHECK_FALSE(tiny.admit().admitted);
}

TEST_CASE("audit writer: jobs run in order on its own thread; stop runs every queued one") {
  std::string dir =
      std::filesystem::temp_directory_path() / ("kioskd-writer-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  audit::OpenReport report;
  auto log = audit::AuditLog::open(dir + "/audit.db", "TEST-01", 1796000000, &report);
  REQUIRE(log);
  AuditFiles files;
  files.log = std::move(*log);
  AuditWriter writer(std::move(files));
  std::vector<std::uint64_t> seqs;  // written by the writer's thread only, read after stop()
  std::thread::id loop = std::this_thread::get_id(), ran;
  for (int i = 0; i < 50; ++i)
    writer.post([&seqs, &ran, i](AuditFiles& f) {
      ran = std::this_thread::get_id();
      audit::Record r;
      r.kind = audit::RecordKind::kAccess;
      r.time = 1796000000 + i;
      r.event = "signin";
      r.officer = "o" + std::to_string(i);
      r.client = "127.0.0.1";
      auto stored = f.log->append(std::move(r));
      if (stored) seqs.push_back(stored->seq);
    });
  writer.stop();
  REQUIRE(seqs.size() == 50);
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  CHECK(seqs.back() - seqs.front() == 49);
  CHECK(ran != loop);
  // After stop the files are the caller's; a job posted now is dropped.
  bool late = false;
  writer.post([&late](AuditFiles&) { late = true; });
  writer.stop();
  CHECK_FALSE(late);
  auto check = writer.files_after_stop().log->check();
  REQUIRE(check);
  CHECK(check->intact());
  CHECK(check->last_seq == seqs.back());
  std::filesystem::remove_all(dir);
}
