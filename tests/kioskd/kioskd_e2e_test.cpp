// kioskd end to end: a real kioskd process, a feed file, a WebSocket client, the audit log on disk.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <filesystem>
#include <thread>

#include "app/reason.h"
#include "app/verifier.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/kiosk_secrets.h"
#include "keys/anchors.h"
#include "keys/store.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::vector<audit::Record> records_of(const std::string& data_dir) {
  std::vector<audit::Record> out;
  auto log = audit::AuditLog::open_read_only(data_dir + "/audit.db");
  REQUIRE(log);
  auto r = (*log)->for_each(0, [&](const audit::StoredRecord& rec) {
    auto b = audit::parse_body(rec.body);
    REQUIRE(b);
    // The verdicts: the officer's sign-in is an access record of its own.
    if (b->kind != audit::RecordKind::kAccess) out.push_back(*b);
  });
  REQUIRE(r);
  return out;
}

TrustSnapshot vector_trust() {
  TempDir tmp("snap");
  install_vector_trust(tmp.path);
  auto store = keys::TrustStore::open(tmp.path + "/trust.db");
  REQUIRE(store);
  auto snap = (*store)->snapshot();
  REQUIRE(snap);
  return *snap;
}

}  // namespace

TEST_CASE("verdicts reach the WebSocket and the audit log; repeats are one verdict") {
  TempDir dir("e2e");
  install_vector_trust(dir.path + "/data");
  // The feed waits for the client to connect, then plays four documents, the first over 3 frames.
  std::string feed = "2000 camera " + case_payload("wpnl-valid") + "\n" + "30 camera " +
                     case_payload("wpnl-valid") + "\n" + "30 camera " + case_payload("wpnl-valid") +
                     "\n" + "50 scanner " + case_payload("ecard-valid") + "\n" + "50 card " +
                     case_payload("chip-valid") + "\n" + "50 camera " +
                     case_payload("wpnl-tampered") + "\n";
  write_text(dir.path + "/test.feed", feed);
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/test.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.connected());
  auto state = ws.read_until([](const json::Value& s) { return entry_count(s) == 4; });
  REQUIRE(state);
  const auto& entries = state->get("session")->get("entries")->array;
  CHECK(entries[0].get("document")->string == "WPNL");
  CHECK(entries[0].get("outcome")->string == "ACCEPT");
  CHECK(entries[0].get("reads")->number == 3);
  CHECK(entries[0].get("channel")->string == "camera");
  CHECK(entries[0].get("holder")->get("name")->is_string());
  CHECK(entries[1].get("document")->string == "E_SSC");
  CHECK(entries[1].get("channel")->string == "scanner");
  CHECK(entries[2].get("document")->string == "SSC_CHIP");
  CHECK(entries[2].get("channel")->string == "card");
  CHECK(entries[3].get("outcome")->string == "REJECT");
  CHECK(entries[3].get("document")->string == "UNKNOWN");
  CHECK(entries[3].get("holder")->type == json::Value::Type::kNull);  // signature did not verify
  CHECK(entries[3].get("reasons")->array[0].get("code")->string == "BAD_SIGNATURE");
  CHECK(entries[3].get("reasons")->array[0].get("zh")->string ==
        std::string(text(Reason::kBadSignature, Language::kZh)));
  CHECK(state->get("today")->get("ACCEPT")->number == 3);
  CHECK(state->get("today")->get("REJECT")->number == 1);
  CHECK(state->get("trust")->get("seq")->number > 0);

  // The officer clears: the session ends.
  REQUIRE(ws.send("clear"));
  auto cleared = ws.read_until([](const json::Value& s) { return entry_count(s) == 0; });
  CHECK(cleared);
  CHECK(k.stop() == 0);

  // The audit log: four verdicts, a whole chain, no personal data.
  auto recs = records_of(dir.path + "/data");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].document == "WPNL");
  CHECK(recs[0].channel == "camera");
  CHECK(recs[3].outcome == "REJECT");
  CHECK(recs[3].reasons == std::vector<std::string>{"BAD_SIGNATURE"});
  CHECK(recs[3].cti_hash.empty());
  CHECK(recs[0].kiosk == "TEST-01");
  // The credential id appears only as the keyed hash with this kiosk's secret.
  auto secrets = audit::load_or_create_secrets(dir.path + "/data");
  REQUIRE(secrets);
  Verdict v = verify_qr(case_payload("wpnl-valid"), vector_trust(), {{"3101"}, 90, 30}, 1796000000);
  REQUIRE(!v.cti.empty());
  CHECK(recs[0].cti_hash == audit::cti_hash((*secrets)->hash_key, v.cti));
  CHECK(recs[0].issuer_kid == to_hex(*v.issuer_kid));
  std::string db = read_text(dir.path + "/data/audit.db");
  CHECK(db.find(v.holder->name) == std::string::npos);
  CHECK(db.find(v.holder->ppn) == std::string::npos);
  CHECK(db.find(v.holder->wpn) == std::string::npos);
  std::string out;
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data"}, &out) == 0);
  CHECK(out.find("chain: intact") != std::string::npos);
  // The secret files are private.
  CHECK((fs::status(dir.path + "/data/audit.key").permissions() & fs::perms::others_read) ==
        fs::perms::none);
  CHECK((fs::status(dir.path + "/data/audit.key").permissions() & fs::perms::group_read) ==
        fs::perms::none);

  // A restart continues the same chain; a clock set back below the last record is untrusted.
  {
    Kioskd again(dir.path, base_config(dir.path, "", 1796000000 - 3600));
    REQUIRE(again.ready);
    auto s = http_get(again.port, "/api/state", again.cookie());
    CHECK(s.first == 200);
    CHECK(s.second.find("\"clock_untrusted\": true") != std::string::npos);
    CHECK(again.stop() == 0);
  }
  TempDir dir2("e2e-clock");
  fs::copy(dir.path + "/data", dir2.path + "/data");
  write_text(dir2.path + "/f.feed", "1500 camera " + case_payload("wpnl-valid") + "\n");
  Kioskd late(dir2.path, base_config(dir2.path, "[devices]\nfeed = " + dir2.path + "/f.feed\n",
                                     1796000000 - 3600));
  REQUIRE(late.ready);
  WsClient ws2(late.port, "/ws", late.cookie());
  auto st = ws2.read_until([](const json::Value& s) { return entry_count(s) == 1; });
  REQUIRE(st);
  bool untrusted = false;
  for (const auto& r : st->get("session")->get("entries")->array[0].get("reasons")->array)
    untrusted = untrusted || r.get("code")->string == "CLOCK_UNTRUSTED";
  CHECK(untrusted);
  CHECK(late.stop() == 0);
  auto recs2 = records_of(dir2.path + "/data");
  REQUIRE(recs2.size() == 5);
  CHECK(recs2[4].seq > recs2[3].seq);  // the same chain goes on (sign-ins are records too)
  // The chain holds, but the clock went back between records: that is a finding for the auditor.
  out.clear();
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir2.path + "/data"}, &out) == 1);
  CHECK(out.find("chain: intact") != std::string::npos);
  CHECK(out.find("FINDING: CLOCK WENT BACK") != std::string::npos);
}

TEST_CASE("trust updates from a watched directory are installed while serving") {
  TempDir dir("usb");
  fs::create_directories(dir.path + "/usb");
  fs::create_directories(dir.path + "/data");
  std::string extra = "[trust]\nwatch_dir = " + dir.path + "/usb\nwatch_interval = 1\n";
  Kioskd k(dir.path, base_config(dir.path, extra, 1795956800));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.connected());
  auto first = ws.read();
  REQUIRE(first);
  CHECK(first->find("\"installed\": false") != std::string::npos);
  CHECK(first->find("\"warning\": \"missing\"") != std::string::npos);
  // Write the stick's files as a copy would: the poll picks them up.
  fs::copy_file(vectors() + "/install/keyset-seq7.cose", dir.path + "/usb/keyset.cose");
  auto s7 = ws.read_until([](const json::Value& s) {
    const json::Value* t = s.get("trust");
    return t->get("installed")->boolean && t->get("seq")->number == 7;
  });
  REQUIRE(s7);
  const json::Value* upd = s7->get("trust")->get("last_update");
  CHECK(upd->get("source")->string.find("usb:") == 0);
  CHECK(upd->get("results")->array[0].get("result")->string == "INSTALLED");
  // An older bundle is refused, and the officer sees why.
  fs::remove(dir.path + "/usb/keyset.cose");
  fs::copy_file(vectors() + "/install/keyset-seq6.cose", dir.path + "/usb/keyset.cose");
  auto s6 = ws.read_until([](const json::Value& s) {
    const json::Value* u = s.get("trust")->get("last_update");
    return u->type == json::Value::Type::kObject &&
           u->get("results")->array[0].get("result")->string == "ROLLBACK";
  });
  CHECK(s6);
  CHECK(s6->get("trust")->get("seq")->number == 7);
  CHECK(k.stop() == 0);
}

TEST_CASE("a bundle near or past its expiry warns") {
  TempDir dir("expiry");
  install_vector_trust(dir.path + "/data", 1795956800);
  auto snap_exp = [&] {
    auto store = keys::TrustStore::open(dir.path + "/data/trust.db");
    return static_cast<std::int64_t>((*store)->snapshot()->keyset->exp);
  }();
  {
    Kioskd k(dir.path, base_config(dir.path, "", snap_exp - 2 * 86400));
    REQUIRE(k.ready);
    auto s = http_get(k.port, "/api/state", k.cookie());
    CHECK(s.second.find("\"warning\": \"expiring\"") != std::string::npos);
    CHECK(k.stop() == 0);
  }
  {
    std::string feed = "300 camera " + case_payload("keyset-expired") + "\n";
    write_text(dir.path + "/f.feed", feed);
    Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n",
                                   snap_exp + 86400));
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    auto s = ws.read_until([](const json::Value& v) { return entry_count(v) == 1; });
    REQUIRE(s);
    CHECK(s->get("trust")->get("warning")->string == "expired");
    bool expired = false;
    for (const auto& r : s->get("session")->get("entries")->array[0].get("reasons")->array)
      expired = expired || r.get("code")->string == "KEYSET_EXPIRED";
    CHECK(expired);
    CHECK(k.stop() == 0);
  }
}

TEST_CASE("malformed HTTP and WebSocket traffic is answered or closed; the server goes on") {
  TempDir dir("hostile2");
  fs::create_directories(dir.path + "/data");
  std::string conf = base_config(dir.path);
  conf.replace(conf.find("port = 0\n"), 9, "port = 0\nmax_connections = 8\n");
  Kioskd k(dir.path, conf);
  REQUIRE(k.ready);

  SUBCASE("garbage request line") {
    std::string r = raw_exchange(k.port, "\x01\x02 GARBAGE \xff\xfe\r\n\r\n");
    CHECK(r.rfind("HTTP/1.1 400", 0) == 0);
  }
  SUBCASE("huge header") {
    std::string r = raw_exchange(
        k.port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n");
    CHECK(r.rfind("HTTP/1.1 431", 0) == 0);
  }
  SUBCASE("huge body") {
    std::string r =
        raw_exchange(k.port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" +
                                 std::string(20000, 'a'));
    CHECK(r.rfind("HTTP/1.1 413", 0) == 0);
  }
  SUBCASE("wrong method and unknown path") {
    CHECK(raw_exchange(k.port, "DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .rfind("HTTP/1.1 405", 0) == 0);
    CHECK(http_get(k.port, "/../../etc/passwd").first == 404);
    CHECK(http_get(k.port, "/nothing").first == 404);
  }
  SUBCASE("invalid WebSocket frames close the connection") {
    std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Cookie: " +
        k.cookie() +
        "\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    // An unmasked client frame with reserved bits set and a lying length.
    std::string frame = "\xf1\x7f\xff\xff\xff\xff\xff\xff\xff\xff" + std::string(64, 'x');
    std::string r = raw_exchange(k.port, upgrade + frame);
    CHECK(r.rfind("HTTP/1.1 101", 0) == 0);  // upgraded, then closed: raw_exchange returned
    // A text message over the 4 KiB limit.
    WsClient ws(k.port, "/ws", k.cookie());
    REQUIRE(ws.connected());
    REQUIRE(ws.read());
    ws.send(std::string(100000, 'c'));
    auto next = ws.read(std::chrono::seconds(5));
    CHECK(!next);  // closed by the server (message too big)
  }
  SUBCASE("a bad upgrade is refused") {
    std::string r = raw_exchange(
        k.port,
        "GET /ws/self HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
        "Upgrade\r\n\r\n");
    CHECK(r.rfind("HTTP/1.1 400", 0) == 0);
  }
  SUBCASE("more connections than allowed get 503") {
    // Anonymous connections are counted (a signed-in officer's WebSocket is not).
    std::vector<std::unique_ptr<WsClient>> held;
    for (int i = 0; i < 8; ++i)
      held.push_back(std::make_unique<WsClient>(k.port, "/ws/self"));
    for (auto& w : held)
      REQUIRE(w->read());  // each got its first state: all eight are counted
    std::string r = raw_exchange(k.port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(r.rfind("HTTP/1.1 503", 0) == 0);
    held.clear();
    CHECK(wait_until([&] { return http_get(k.port, "/healthz").first == 200; }));
  }
  // Whatever came before, the server still serves.
  CHECK(http_get(k.port, "/healthz").first == 200);
  auto page = http_get(k.port, "/", k.cookie());
  CHECK(page.first == 200);
  CHECK(page.second.find("officer.js") != std::string::npos);
  CHECK(k.stop() == 0);
}

TEST_CASE("a corrupt config names the file, the line and the reason") {
  TempDir dir("conf");
  struct Case {
    std::string text;
    std::string expect;
  } cases[] = {
      {"[kiosk]\nid = A\n[ui]\nport = 80a\n", "kioskd.conf:4: port: '80a' is not a whole number"},
      {"[kiosk]\njurisdictoin = 3101\n", "kioskd.conf:2: unknown key 'jurisdictoin' in [kiosk]"},
      {"[kiosk]\nid = A\nid = B\n", "kioskd.conf:3: 'id' given twice in [kiosk]"},
      {"[nope]\n", "kioskd.conf:1: unknown section [nope]"},
      {"port = 1\n", "kioskd.conf:1: 'port' is outside any [section]"},
      {"[ui]\nlisten = example.com\n", "kioskd.conf:2: listen: 'example.com' is not an IP address"},
      {"[data]\ndir = /nonexistent-kiosk-state\n",
       "kioskd.conf:2: [data] dir /nonexistent-kiosk-state: the state folder does not exist"},
      {"[clock]\nsource = fixed\n", "kioskd.conf: [clock] source = fixed needs fixed = EPOCH"},
      {"[kiosk]\ngarbage line\n", "kioskd.conf:2: expected 'key = value' or '[section]'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    write_text(dir.path + "/kioskd.conf", c.text);
    std::string err;
    CHECK(run({kioskd_path(), "--config", dir.path + "/kioskd.conf"}, nullptr, &err) == 2);
    CHECK(err.find(c.expect) != std::string::npos);
  }
  std::string err;
  CHECK(run({kioskd_path(), "--config", dir.path + "/missing.conf"}, nullptr, &err) == 2);
  CHECK(err.find("missing.conf: cannot open the file") != std::string::npos);
}

TEST_CASE("devices missing at start are shown; a broken feed does not stop the kiosk") {
  TempDir dir("devices");
  std::string extra =
      "[devices]\ncamera = /dev/video-none\nreader = pcsc\nfeed = " + dir.path + "/missing.feed\n";
  Kioskd k(dir.path, base_config(dir.path, extra));
  REQUIRE(k.ready);
  // The drivers start in the background: wait until both have given up on their device.
  std::map<std::string, std::string> states;
  wait_until([&] {
    auto s = http_get(k.port, "/api/state", k.cookie());
    auto v = json::parse(s.second);
    if (s.first != 200 || !v) return false;
    states.clear();
    for (const auto& d : v->get("devices")->array)
      states[d.get("device")->string] = d.get("state")->string;
    return states["camera"] == "absent" && states["reader"] == "absent";
  });
  CHECK(states["camera"] == "absent");
  CHECK(states["reader"] == "absent");
  CHECK(states["feed"] == "failed");
  CHECK(k.stop() == 0);
}

TEST_CASE("systemd notify: READY, WATCHDOG, STOPPING over the datagram socket") {
  TempDir dir("notify");
  std::string sock_path = dir.path + "/notify.sock";
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock_path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{0, 200000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ProcessOptions opt;
  opt.env = {{"NOTIFY_SOCKET", sock_path}, {"WATCHDOG_USEC", "400000"}};
  Kioskd k(dir.path, base_config(dir.path), {}, opt);
  REQUIRE(k.ready);
  std::vector<std::string> got;
  auto receive = [&] {
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) got.emplace_back(buf, static_cast<std::size_t>(n));
  };
  auto saw = [&](const std::string& what) {
    for (const auto& g : got)
      if (g.find(what) != std::string::npos) return true;
    return false;
  };
  CHECK(wait_until([&] {
    receive();
    return saw("READY=1");
  }));
  std::size_t before = got.size();
  CHECK(wait_until([&] {
    receive();
    return got.size() > before + 1 && saw("WATCHDOG=1");
  }));
  k.proc->signal(SIGTERM);
  CHECK(wait_until([&] {
    receive();
    return saw("STOPPING=1");
  }));
  CHECK(k.proc->wait() == 0);
  ::close(fd);
}

namespace {

/// A loopback HTTP server for trust packages: serves `files` (path -> body), 404 otherwise.
class PackageServer {
 public:
  explicit PackageServer(std::map<std::string, std::string> files) : files_(std::move(files)) {
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port = acceptor_.local_endpoint().port();
    do_accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~PackageServer() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port = 0;
  int requests = 0;

 private:
  void do_accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      namespace http = boost::beast::http;
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(s, buf, req, ec);
      if (!ec) {
        ++requests;
        auto it = files_.find(std::string(req.target()));
        http::response<http::string_body> res{
            it == files_.end() ? http::status::not_found : http::status::ok, 11};
        res.body() = it == files_.end() ? "" : it->second;
        res.prepare_payload();
        http::write(s, res, ec);
      }
      s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      do_accept();
    });
  }
  std::map<std::string, std::string> files_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
};

}  // namespace

TEST_CASE("trust updates over HTTP: fetched from the URL and installed; bad manifests refused") {
  PackageServer server({
      {"/pkg/manifest", "status/CN-310000.cose\nkeyset.cose\n"},
      {"/pkg/keyset.cose", read_text(vectors() + "/trust/keyset.cose")},
      {"/pkg/status/CN-310000.cose", read_text(vectors() + "/trust/status/CN-310000.cose")},
      {"/evil/manifest", "keyset.cose\n../../etc/passwd\n"},
  });
  {
    TempDir dir("http-update");
    std::string url = "http://127.0.0.1:" + std::to_string(server.port) + "/pkg";
    Kioskd k(dir.path, base_config(dir.path, "[trust]\nurl = " + url + "\nurl_interval = 10\n"));
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    auto s = ws.read_until([](const json::Value& v) {
      return v.get("trust")->get("last_update")->type == json::Value::Type::kObject;
    });
    REQUIRE(s);
    const json::Value* u = s->get("trust")->get("last_update");
    CHECK(u->get("source")->string == url);
    CHECK(u->get("error")->string == "");
    REQUIRE(u->get("results")->array.size() == 2);
    // The key set is installed first whatever the manifest's order.
    CHECK(u->get("results")->array[0].get("file")->string == "keyset.cose");
    CHECK(u->get("results")->array[0].get("result")->string == "INSTALLED");
    CHECK(u->get("results")->array[1].get("result")->string == "INSTALLED");
    CHECK(s->get("trust")->get("installed")->boolean);
    CHECK(k.stop() == 0);
  }
  {
    TempDir dir("http-evil");
    std::string url = "http://127.0.0.1:" + std::to_string(server.port) + "/evil";
    Kioskd k(dir.path, base_config(dir.path, "[trust]\nurl = " + url + "\nurl_interval = 10\n"));
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    auto s = ws.read_until([](const json::Value& v) {
      return v.get("trust")->get("last_update")->type == json::Value::Type::kObject;
    });
    REQUIRE(s);
    CHECK(s->get("trust")->get("last_update")->get("error")->string.find("manifest: bad entry") ==
          0);
    CHECK(!s->get("trust")->get("installed")->boolean);
    CHECK(http_get(k.port, "/healthz").first == 200);
    CHECK(k.stop() == 0);
  }
  {
    TempDir dir("http-down");
    Kioskd k(dir.path,
             base_config(dir.path, "[trust]\nurl = http://127.0.0.1:1/none\nurl_interval = 10\n"));
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    auto s = ws.read_until([](const json::Value& v) {
      return v.get("trust")->get("last_update")->type == json::Value::Type::kObject;
    });
    REQUIRE(s);
    CHECK(s->get("trust")->get("last_update")->get("error")->string.find("connect") == 0);
    CHECK(k.stop() == 0);
  }
}

TEST_CASE("kioskctl audit: verify, export, check-export, pubkey, purge") {
  TempDir dir("ctl-audit");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "0 camera " + case_payload("wpnl-valid") + "\n0 scanner " +
                                       case_payload("bad-base45") + "\n");
  {
    Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
    REQUIRE(k.ready);
    WsClient ws(k.port, "/ws", k.cookie());
    REQUIRE(ws.read_until([](const json::Value& s) { return entry_count(s) == 2; }));
    CHECK(k.stop() == 0);
  }
  std::string data = dir.path + "/data";
  std::string out, err;
  CHECK(run({kioskctl_path(), "audit", "pubkey", "--data", data}, &out) == 0);
  std::string pub = out.substr(0, 64);
  CHECK(from_hex(pub));
  CHECK(run({kioskctl_path(), "audit", "export", "--data", data, "--out", dir.path + "/x.audit",
             "--now", "1796000100"}) == 0);
  CHECK(run({kioskctl_path(), "audit", "check-export", dir.path + "/x.audit", "--pubkey", pub},
            &out) == 0);
  CHECK(out.find("signature: valid") != std::string::npos);
  CHECK(out.find("records: 3") != std::string::npos);  // two verdicts, the officer's sign-in
  CHECK(out.find("chain: intact") != std::string::npos);
  std::string text = read_text(dir.path + "/x.audit");
  CHECK(text.find("MUELLER") == std::string::npos);
  text.replace(text.find("ACCEPT"), 6, "REJECT");
  write_text(dir.path + "/y.audit", text);
  CHECK(run({kioskctl_path(), "audit", "check-export", dir.path + "/y.audit"}, &out) == 1);
  CHECK(out.find("signature does not verify") != std::string::npos);
  CHECK(run({kioskctl_path(), "audit", "purge", "--data", data, "--before", "1796000001", "--now",
             "1796090000"},
            &out) == 0);
  CHECK(out == "purged: 3\n");
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", data}, &out) == 0);
  CHECK(out.find("purges 1") != std::string::npos);
  CHECK(run({kioskctl_path(), "audit", "verify"}, nullptr, &err) == 2);
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/nothing"}, nullptr, &err) ==
        1);
  CHECK(err.find("no audit log there") != std::string::npos);
}

TEST_CASE("a session clears itself after the timeout") {
  TempDir dir("timeout");
  install_vector_trust(dir.path + "/data");
  // Late enough for the officer to have signed in (Argon2id, on a loaded machine) and connected.
  REQUIRE(add_officer(dir.path, kTestOfficer, kTestPassword) == 0);
  write_text(dir.path + "/f.feed", "8000 camera " + case_payload("wpnl-valid") + "\n");
  std::string conf = base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n");
  conf.replace(conf.find("session_timeout = 300"), 21, "session_timeout = 1");
  Kioskd k(dir.path, conf);
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  REQUIRE(ws.read_until([](const json::Value& s) { return entry_count(s) == 1; }));
  auto idle = ws.read_until([](const json::Value& s) { return entry_count(s) == 0; });
  REQUIRE(idle);
  CHECK(!idle->get("session")->get("active")->boolean);
  CHECK(idle->get("today")->get("ACCEPT")->number == 1);  // the count stays for the day
  CHECK(k.stop() == 0);
}

TEST_CASE("corrupt databases at start: set aside, reported, and the kiosk serves") {
  TempDir dir("corrupt-db");
  fs::create_directories(dir.path + "/data");
  write_text(dir.path + "/data/trust.db", std::string(8192, '\x5a'));
  write_text(dir.path + "/data/audit.db", "SQLite format 3" + std::string(8192, '\x01'));
  write_text(dir.path + "/f.feed", "300 camera " + case_payload("wpnl-valid") + "\n");
  Kioskd k(dir.path, base_config(dir.path, "[devices]\nfeed = " + dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws", k.cookie());
  auto s = ws.read_until([](const json::Value& v) { return entry_count(v) == 1; });
  REQUIRE(s);
  // The trust store started empty: the verdict says so instead of failing.
  CHECK(s->get("session")->get("entries")->array[0].get("reasons")->array[0].get("code")->string ==
        "KEYSET_MISSING");
  CHECK(k.stop() == 0);
  std::string err = read_text(k.stderr_path);
  CHECK(err.find("trust.db") != std::string::npos);
  CHECK(err.find("audit.db") != std::string::npos);
  CHECK(err.find("set aside") != std::string::npos);
  std::string out;
  // The new log starts by naming the old: an alarm every later audit sees.
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data"}, &out) == 1);
  CHECK(out.find("segments 1") != std::string::npos);
  CHECK(out.find("FINDING: SEGMENT record 1: ALARM: previous audit log unusable") !=
        std::string::npos);
}
