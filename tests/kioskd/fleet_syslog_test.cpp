// Audit records to a real rsyslog over RELP (issue 16 item 2): RFC 5424 with the kiosk id and
// the sequence number in the structured data; the collector killed mid-run and restarted loses
// nothing; a collector answering garbage is named and the kiosk keeps verifying.
#include <doctest/doctest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
// GCC 12 at -O1 with ASan (the sanitizer build) warns that std::regex's own states "may be used
// uninitialized": a false positive inside libstdc++ (GCC bug 105616), silenced for this header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
#include <thread>

#include "firmware/kioskd/audit_forward.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::kioskd;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

/// A real rsyslogd with imrelp on `port`, writing RFC 5424 lines to DIR/collected.log. The main
/// queue is direct: a record is in the file before imrelp acknowledges it.
struct Rsyslog {
  /// `input_extra`: more imrelp input parameters (TLS).
  Rsyslog(const std::string& dir_, std::uint16_t port_, const std::string& input_extra = "",
          const std::string& module_extra = "")
      : dir(dir_), port(port_) {
    fs::create_directories(dir + "/work");
    write_text(dir + "/rsyslog.conf",
               "global(workDirectory=\"" + dir +
                   "/work\")\n"
                   "main_queue(queue.type=\"Direct\")\n"
                   "module(load=\"imrelp\"" +
                   module_extra +
                   ")\n"
                   "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" +
                   std::to_string(port) + "\"" + input_extra +
                   ")\n"
                   "action(type=\"omfile\" file=\"" +
                   dir + "/collected.log\" template=\"RSYSLOG_SyslogProtocol23Format\")\n");
    start();
  }
  void start() {
    proc = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/rsyslogd", "-n", "-f", dir + "/rsyslog.conf", "-i",
                                 dir + "/rsyslog.pid"},
        ProcessOptions{{}, dir + "/rsyslog.out", dir + "/rsyslog.err", std::nullopt, {}});
    ready = wait_until(
        [&] {
          boost::asio::io_context ioc;
          boost::asio::ip::tcp::socket s(ioc);
          boost::system::error_code ec;
          s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
          return !ec;
        },
        std::chrono::seconds(10));
  }
  void kill() {
    proc->signal(SIGKILL);
    proc->wait();
    proc.reset();
    fs::remove(dir + "/rsyslog.pid");
  }
  ~Rsyslog() {
    if (proc) {
      proc->signal(SIGTERM);
      proc->wait(std::chrono::seconds(5));
    }
  }
  /// Sequence numbers of the kiosk's records in the collected file, in arrival order.
  std::vector<std::uint64_t> seqs(const std::string& kiosk) const {
    std::vector<std::uint64_t> out;
    std::ifstream in(dir + "/collected.log");
    std::regex re("\\[audit@32473 kiosk=\"" + kiosk +
                  "\" seq=\"([0-9]+)\" hash=\"[0-9a-f]{64}\"\\]");
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, re)) out.push_back(std::stoull(m[1]));
    }
    return out;
  }
  /// The kiosk's messages in arrival order: records (seal_id 0) and seals/checkpoints.
  struct Entry {
    std::uint64_t seq = 0;
    std::int64_t seal_id = 0;
  };
  std::vector<Entry> entries(const std::string& kiosk) const {
    std::vector<Entry> out;
    std::ifstream in(dir + "/collected.log");
    std::regex rec(" kioskd - audit \\[audit@32473 kiosk=\"" + kiosk + "\" seq=\"([0-9]+)\"");
    std::regex seal(" kioskd - seal \\[audit@32473 kiosk=\"" + kiosk +
                    "\" seq=\"([0-9]+)\" seal=\"([0-9]+)\" kind=\"[a-z]+\"\\] \\{\"audit_seal\"");
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, rec))
        out.push_back({std::stoull(m[1]), 0});
      else if (std::regex_search(line, m, seal))
        out.push_back({std::stoull(m[1]), std::stoll(m[2])});
    }
    return out;
  }
  std::string dir;
  std::uint16_t port;
  std::unique_ptr<Process> proc;
  bool ready = false;
};

/// Seals and checkpoints 1..last_id arrived, each after the records it covers, first arrivals
/// in order; returns the duplicates (recognisable by kiosk and seal id).
std::size_t check_seals(const std::vector<Rsyslog::Entry>& got, std::int64_t last_id) {
  std::map<std::int64_t, int> seen;
  std::uint64_t records = 0;  // the highest record seq arrived so far
  std::int64_t next = 1;
  std::size_t seals = 0;
  for (const auto& e : got) {
    if (e.seal_id == 0) {
      records = std::max(records, e.seq);
      continue;
    }
    ++seals;
    if (seen[e.seal_id]++ == 0) {
      CHECK(e.seal_id == next);
      CHECK(e.seq <= records);  // never ahead of the records it covers
      next = e.seal_id + 1;
    }
  }
  CHECK(next == last_id + 1);
  return seals - seen.size();
}

/// Every seq 1..last arrived, in order of first arrival; returns the duplicates.
std::size_t check_complete(const std::vector<std::uint64_t>& got, std::uint64_t last) {
  std::map<std::uint64_t, int> seen;
  std::uint64_t next = 1;
  for (auto s : got) {
    if (seen[s]++ == 0) {
      CHECK(s == next);  // first arrivals in order
      next = s + 1;
    }
  }
  CHECK(next == last + 1);
  return got.size() - seen.size();
}

std::string garbage_feed(int from, int n, int gap_ms, int first_delay) {
  std::string feed;
  for (int i = 0; i < n; ++i)
    feed += std::to_string(i == 0 ? first_delay : gap_ms) + " camera not-a-credential-" +
            std::to_string(from + i) + "\n";
  return feed;
}

/// A kiosk playing DIR/f.feed, forwarding to 127.0.0.1:relp, with metrics on `metrics`;
/// `syslog` is the rest of the [syslog] section (plain TCP unless it says otherwise).
std::string forwarding_config(const std::string& dir, std::uint16_t relp, std::uint16_t metrics,
                              const std::string& syslog = "transport = plain\n",
                              std::int64_t now = 1796000000) {
  return base_config(dir,
                     "[devices]\nfeed = " + dir +
                         "/f.feed\n[syslog]\nrelp = 127.0.0.1:" + std::to_string(relp) + "\n" +
                         syslog + "[metrics]\nport = " + std::to_string(metrics) + "\n",
                     now);
}

/// The value of one sample line ("NAME{LABELS}"), -1 when absent.
long long sample_value(std::uint16_t port, const std::string& series) {
  return static_cast<long long>(metric_value(http_get(port, "/metrics").second, series));
}

/// Test certificates made with the openssl CLI: a CA, a collector certificate it signs for
/// localhost and 127.0.0.1, a kiosk client certificate it signs, and an unrelated CA.
struct TestPki {
  explicit TestPki(const std::string& d) : dir(d) {
    fs::create_directories(dir);
    auto sh = [&](const std::string& cmd) {
      return run({"/bin/sh", "-c", "cd '" + dir + "' && " + cmd + " 2>>openssl.err"}) == 0;
    };
    auto key = [&](const std::string& name) {
      return "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + name + ".key";
    };
    auto ca = [&](const std::string& name, const std::string& cn) {
      return key(name) + " && openssl req -x509 -new -key " + name + ".key -out " + name +
             ".pem -days 2 -subj '/CN=" + cn + "'";
    };
    auto leaf = [&](const std::string& name, const std::string& cn, const std::string& ext) {
      return key(name) + " && openssl req -new -key " + name + ".key -out " + name +
             ".csr -subj '/CN=" + cn + "' && printf '" + ext + "' > " + name +
             ".ext && openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key " +
             "-CAcreateserial -out " + name + ".pem -days 2 -extfile " + name + ".ext";
    };
    ok = sh(ca("ca", "Province Log CA")) && sh(ca("other-ca", "Somebody Else CA")) &&
         sh(leaf("collector", "localhost",
                 "subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n")) &&
         sh(leaf("client", "TEST-01", "extendedKeyUsage=clientAuth\\n"));
  }
  std::string path(const std::string& f) const { return dir + "/" + f; }
  std::string dir;
  bool ok = false;
};

std::uint64_t metric(std::uint16_t port, const std::string& name) {
  auto text = http_get(port, "/metrics").second;
  auto pos = text.find("\n" + name + " ");
  return pos == std::string::npos ? 0 : std::stoull(text.substr(pos + name.size() + 2));
}

}  // namespace

TEST_CASE("the RFC 5424 message; the cursor file read back or named") {
  // (RELP framing, answers and targets: kioskd_fleet_wire_test.)
  TempDir dir("cursor");
  std::string path = dir.path + "/audit-forward.cursor";
  CHECK(AuditForwarder::load_cursor(path).value() == ForwardCursor{});  // none yet: from 0
  write_text(path, "12 34\n");
  CHECK(AuditForwarder::load_cursor(path).value() == ForwardCursor{12, 34});
  write_text(path, "12 x\n");
  CHECK(AuditForwarder::load_cursor(path).error() == path + ": not a seal id: 'x'");
  CHECK(AuditForwarder::read_cursors(path) == ForwardCursor{});  // sent again, recognisably
  write_text(path, std::string(4096, '7'));
  CHECK(AuditForwarder::load_cursor(path).error() == path + ": too long (65 bytes, at most 64)");
  fs::remove(path);
  fs::create_directory(path);
  CHECK(AuditForwarder::load_cursor(path).error() == path + ": Is a directory");

  audit::StoredRecord rec;
  rec.seq = 42;
  rec.body = "{\"seq\":42}";
  std::string m = syslog_message(rec, "SH-01");
  CHECK(m.rfind("<110>1 - SH-01 kioskd - audit [audit@32473 kiosk=\"SH-01\" seq=\"42\" hash=\"",
                0) == 0);
  CHECK(m.substr(m.size() - rec.body.size() - 2) == "] " + rec.body);
}

TEST_CASE("audit records reach a real rsyslog over RELP; a killed collector loses nothing") {
  TempDir dir("relp");
  std::uint16_t port = free_port();
  Rsyslog collector(dir.path + "/collector", port);
  REQUIRE(collector.ready);
  // 30 verdicts, a pause while the collector is down, 30 more.
  write_text(dir.path + "/f.feed", garbage_feed(0, 30, 30, 300) + garbage_feed(30, 30, 30, 3000));
  std::uint16_t mport = free_port();
  Kioskd k(dir.path, forwarding_config(dir.path, port, mport));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  REQUIRE(wait_until([&] { return collector.seqs("TEST-01").size() >= 30; }));
  collector.kill();
  // The kiosk keeps verifying and recording while the collector is gone, and says so.
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= 60; }));
  CHECK(metric(mport, "kiosk_audit_forward_connected") == 0);
  CHECK(metric(mport, "kiosk_audit_forward_ok") == 0);
  CHECK(metric(mport, "kiosk_audit_forwarded_seq") < 60);
  collector.start();
  REQUIRE(collector.ready);
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_forwarded_seq") >= 60; },
                     std::chrono::seconds(40)));
  CHECK(k.stop() == 0);
  auto got = collector.seqs("TEST-01");
  std::size_t dups = check_complete(got, 60);
  MESSAGE("collector killed mid-run: " << got.size() << " messages for 60 records, " << dups
                                       << " duplicates (recognisable by seq)");
  auto cursor = AuditForwarder::read_cursors(dir.path + "/data/audit-forward.cursor");
  CHECK(cursor.seq == 60);
  // The seals and signed checkpoints went too, each its own message, in order with the records
  // (a checkpoint per record, plus the epoch seals): the cursor names the last one acknowledged.
  CHECK(cursor.seal_id >= 60);
  std::size_t seal_dups = check_seals(collector.entries("TEST-01"), cursor.seal_id);
  MESSAGE("seals and checkpoints: " << cursor.seal_id << " forwarded, " << seal_dups
                                    << " duplicates (recognisable by seal id)");
  // The collector's file is the auditor's held lines: the log verifies against them.
  std::string vout, verr;
  int vrc = run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data", "--held",
                 collector.dir + "/collected.log"},
                &vout, &verr);
  CAPTURE(vout);
  CAPTURE(verr);
  CHECK(vrc == 0);
  std::string err = read_text(dir.path + "/kioskd.stderr");
  CHECK(err.find("audit forward: collector closed the connection") != std::string::npos);
}

/// The collector's lines about kiosk TEST-01's stop seals.
std::size_t stop_seals(const Rsyslog& collector) {
  std::ifstream in(collector.dir + "/collected.log");
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find("kiosk=\"TEST-01\"") != std::string::npos &&
         line.find("kind=\"stop\"") != std::string::npos;
  return n;
}

/// kioskd stopped with SIGTERM: its exit status and how long it took.
std::pair<int, double> timed_stop(Kioskd& k) {
  auto t0 = std::chrono::steady_clock::now();
  int rc = k.stop();
  return {rc, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

TEST_CASE("a clean stop forwards its stop seal before exiting; bounded when the collector is not") {
  TempDir dir("relp-stop");
  std::uint16_t port = free_port(), mport = free_port();
  Rsyslog collector(dir.path + "/collector", port);
  REQUIRE(collector.ready);
  write_text(dir.path + "/f.feed", garbage_feed(0, 5, 30, 300));
  std::string cursor_path = dir.path + "/data/audit-forward.cursor";
  // Each run two minutes after the last on the fixed clock: a stop seal closes the current epoch,
  // so a second stop within it would have nothing to seal.
  std::int64_t now = 1796000000;
  auto config = [&] {
    now += 120;
    return forwarding_config(dir.path, port, mport, "transport = plain\n", now);
  };
  {
    Kioskd k(dir.path, config());
    REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
    REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_forwarded_seq") >= 5; }));
    auto [rc, secs] = timed_stop(k);
    CHECK(rc == 0);
    MESSAGE("stop with the collector up: " << secs << " s");
    CHECK(secs < 5);
    // No restart: the stop seal is in the collector's file, and it is the cursor's last seal.
    CHECK(stop_seals(collector) == 1);
    CHECK(AuditForwarder::read_cursors(cursor_path).seal_id ==
          collector.entries("TEST-01").back().seal_id);
    CHECK(read_text(k.stderr_path).find("not everything acknowledged") == std::string::npos);
  }
  // The collector gone: the stop is not held up (connection refused: at once) and the stop seal
  // goes at the next start.
  collector.kill();
  write_text(dir.path + "/f.feed", garbage_feed(5, 3, 30, 300));
  {
    Kioskd k(dir.path, config());
    REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
    REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= 8; }));
    auto [rc, secs] = timed_stop(k);
    CHECK(rc == 0);
    MESSAGE("stop with the collector down: " << secs << " s");
    CHECK(secs < 5);
    CHECK(read_text(k.stderr_path).find("audit forward: not everything acknowledged at the stop") !=
          std::string::npos);
  }
  // A collector that accepts and never answers (a listening socket nobody reads): the stop waits
  // its 2 s, then cuts the exchange (not the 10 s I/O timeout).
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor mute(ioc, {boost::asio::ip::make_address("127.0.0.1"), port});
    write_text(dir.path + "/f.feed", garbage_feed(8, 1, 30, 300));
    Kioskd k(dir.path, config());
    REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
    REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= 9; }));
    auto [rc, secs] = timed_stop(k);
    CHECK(rc == 0);
    MESSAGE("stop with a mute collector: " << secs << " s");
    CHECK(secs >= 2);
    CHECK(secs < 6);
  }
  // The collector back: the next start sends what is left, both stop seals included.
  collector.start();
  REQUIRE(collector.ready);
  write_text(dir.path + "/f.feed", "# nothing\n");
  Kioskd k(dir.path, config());
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  REQUIRE(wait_until([&] { return stop_seals(collector) >= 3; }, std::chrono::seconds(20)));
  CHECK(k.stop() == 0);
  CHECK(stop_seals(collector) == 4);
  CHECK(check_complete(collector.seqs("TEST-01"), 9) == 0);
  std::string vout, verr;
  CHECK(run({kioskctl_path(), "audit", "verify", "--data", dir.path + "/data", "--held",
             collector.dir + "/collected.log"},
            &vout, &verr) == 0);
}

TEST_CASE("a collector that answers garbage is named; the kiosk keeps verifying") {
  TempDir dir("relp-garbage");
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acc(
      ioc, {boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(0)});
  std::uint16_t port = acc.local_endpoint().port();
  std::atomic<bool> done{false};
  std::thread server([&] {
    while (!done) {
      boost::system::error_code ec;
      auto s = acc.accept(ec);
      if (ec || done) break;
      char buf[256];
      s.read_some(boost::asio::buffer(buf), ec);
      boost::asio::write(s, boost::asio::buffer(std::string("HTTP/1.1 400 Bad Request\r\n\r\n")),
                         ec);
    }
  });
  write_text(dir.path + "/f.feed", garbage_feed(0, 5, 30, 300));
  std::uint16_t mport = free_port();
  Kioskd k(dir.path, forwarding_config(dir.path, port, mport));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= 5; }));
  CHECK(wait_until([&] {
    return read_text(dir.path + "/kioskd.stderr")
               .find("audit forward: collector answered garbage: 'HTTP/1.1 400") !=
           std::string::npos;
  }));
  CHECK(metric(mport, "kiosk_audit_forwarded_seq") == 0);
  CHECK(metric(mport, "kiosk_audit_forward_ok") == 0);
  // The officer's screen data says what is wrong.
  CHECK(http_get(k.port, "/api/state", k.cookie())
            .second.find("\"forward_error\": \"collector answered garbage") != std::string::npos);
  CHECK(http_get(k.port, "/healthz").first == 200);
  CHECK(k.stop() == 0);
  done = true;
  {
    boost::asio::ip::tcp::socket poke(ioc);
    boost::system::error_code ec;
    poke.connect(acc.local_endpoint(), ec);
  }
  server.join();
}

TEST_CASE("RELP over TLS: a certificate that does not verify or match sends nothing") {
  TempDir dir("relp-tls");
  TestPki pki(dir.path + "/pki");
  REQUIRE_MESSAGE(pki.ok, read_text(pki.path("openssl.err")));
  std::uint16_t port = free_port();
  // imrelp with TLS (tls.tlslib openssl; librelp's GnuTLS flavour works as well) and the
  // clients' certificates required (authMode certvalid: signed by the CA).
  Rsyslog collector(dir.path + "/collector", port,
                    " tls=\"on\" tls.caCert=\"" + pki.path("ca.pem") + "\" tls.myCert=\"" +
                        pki.path("collector.pem") + "\" tls.myPrivKey=\"" +
                        pki.path("collector.key") + "\" tls.authMode=\"certvalid\"",
                    " tls.tlslib=\"openssl\"");
  REQUIRE(collector.ready);
  std::string client =
      "client_cert = " + pki.path("client.pem") + "\nclient_key = " + pki.path("client.key") + "\n";
  std::uint16_t mport = free_port();
  std::uint64_t recorded = 0;
  struct Bad {
    std::string syslog, problem, says;
  };
  for (const Bad& bad :
       {Bad{"ca_file = " + pki.path("ca.pem") + "\nserver_name = logs.province.example\n" + client,
            "tls_name",
            "TLS: the collector's certificate does not name "
            "'logs.province.example'; nothing sent"},
        Bad{"ca_file = " + pki.path("other-ca.pem") + "\n" + client, "tls_certificate",
            // rsyslog sends its CA along: OpenSSL meets a root it does not know.
            "TLS: the collector's certificate is not trusted (self-signed certificate in "
            "certificate chain); nothing sent"}}) {
    CAPTURE(bad.problem);
    write_text(dir.path + "/f.feed", garbage_feed(static_cast<int>(recorded), 5, 30, 300));
    Kioskd k(dir.path, forwarding_config(dir.path, port, mport, bad.syslog));
    REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
    // The kiosk keeps verifying and recording; the reason is in /metrics, the journal and on
    // the officer's screen; nothing reaches the collector and the cursor does not move.
    REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= recorded + 5; }));
    REQUIRE(wait_until([&] {
      return sample_value(mport, "kiosk_audit_forward_problem{problem=\"" + bad.problem + "\"}") ==
             1;
    }));
    CHECK(metric(mport, "kiosk_audit_forward_ok") == 0);
    CHECK(metric(mport, "kiosk_audit_forward_connected") == 0);
    CHECK(metric(mport, "kiosk_audit_forwarded_seq") == 0);
    CHECK(read_text(k.stderr_path).find("audit forward: " + bad.says) != std::string::npos);
    CHECK(http_get(k.port, "/api/state", k.cookie())
              .second.find("\"forward_error\": \"" + bad.says) != std::string::npos);
    recorded = metric(mport, "kiosk_audit_last_seq");
    CHECK(k.stop() == 0);
    CHECK(collector.seqs("TEST-01").empty());
    CHECK(AuditForwarder::read_cursor(dir.path + "/data/audit-forward.cursor") == 0);
  }
  // The right CA and the default name (the host of relp: the certificate's IP address): the
  // backlog arrives in order, then the new records.
  write_text(dir.path + "/f.feed", garbage_feed(static_cast<int>(recorded), 5, 30, 300));
  Kioskd k(dir.path, forwarding_config(dir.path, port, mport,
                                       "ca_file = " + pki.path("ca.pem") + "\n" + client));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= recorded + 5; }));
  std::uint64_t last = metric(mport, "kiosk_audit_last_seq");
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_forwarded_seq") >= last; },
                     std::chrono::seconds(20)));
  CHECK(metric(mport, "kiosk_audit_forward_tls") == 1);
  CHECK(metric(mport, "kiosk_audit_forward_ok") == 1);
  CHECK(sample_value(mport, "kiosk_audit_forward_problem{problem=\"none\"}") == 1);
  CHECK(k.stop() == 0);
  CHECK(check_complete(collector.seqs("TEST-01"), last) == 0);
}

TEST_CASE("RELP over TLS needs a CA file; the reason names the file and line") {
  TempDir dir("relp-tls-config");
  std::string conf = base_config(dir.path, "[syslog]\nrelp = 127.0.0.1:2514\n");
  write_text(dir.path + "/kioskd.conf", conf);
  fs::create_directories(dir.path + "/data");
  std::string out, err;
  int rc =
      run({kioskd_path(), "--config", dir.path + "/kioskd.conf", "--check-config"}, &out, &err);
  CHECK(rc != 0);
  CHECK(err.find("relp over TLS needs ca_file") != std::string::npos);
  CHECK(err.find("kioskd.conf:") != std::string::npos);
}

TEST_CASE("a full queue disk: the kiosk keeps verifying, nothing acknowledged is lost") {
  // The kiosk's state folder on a 1 MiB tmpfs in a private mount namespace (this test process's
  // own: the mount goes when the process ends). Root only.
  if (::geteuid() != 0) {
    MESSAGE("SKIPPED: a full queue disk needs root (a tmpfs in a private mount namespace)");
    return;
  }
  TempDir dir("relp-full");
  if (::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    MESSAGE("SKIPPED: no private mount namespace here (unshare -m): " << std::strerror(errno));
    return;
  }
  fs::create_directories(dir.path + "/data");
  REQUIRE(::mount("tmpfs", (dir.path + "/data").c_str(), "tmpfs", 0, "size=1m,mode=0700") == 0);
  std::uint16_t port = free_port();
  auto collector = std::make_unique<Rsyslog>(dir.path + "/collector", port);
  REQUIRE(collector->ready);
  write_text(dir.path + "/f.feed", garbage_feed(0, 600, 80, 300));
  std::uint16_t mport = free_port();
  Kioskd k(dir.path, forwarding_config(dir.path, port, mport));
  REQUIRE_MESSAGE(k.ready, read_text(k.stderr_path));
  auto verdicts = [&] {
    auto text = http_get(mport, "/metrics").second;
    long long n = 0;
    for (std::size_t pos = 0;
         (pos = text.find("\nkiosk_verdicts_total{", pos)) != std::string::npos;) {
      pos = text.find("} ", pos) + 2;
      n += std::stoll(text.substr(pos));
    }
    return n;
  };
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_forwarded_seq") >= 5; }));
  const std::string cookie = k.cookie();  // signed in while there is room (trust.db is there too)
  // The collector goes away; records wait in the log.
  collector->kill();
  std::uint64_t waiting_from = metric(mport, "kiosk_audit_last_seq");
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") >= waiting_from + 10; }));
  // The disk fills up.
  {
    std::ofstream filler(dir.path + "/data/filler", std::ios::binary);
    std::string chunk(4096, 'x');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) &&
           filler.flush()) {
    }
  }
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_writable") == 0; }));
  std::uint64_t last = metric(mport, "kiosk_audit_last_seq");
  // Still verifying (each verdict shown says it was not recorded), and the reason is named.
  long long before = verdicts();
  REQUIRE(wait_until([&] { return verdicts() >= before + 5; }));
  CHECK(metric(mport, "kiosk_audit_last_seq") == last);
  std::string state = http_get(k.port, "/api/state", cookie).second;
  CHECK(state.find("\"writable\": false") != std::string::npos);
  CHECK(state.find("cannot append: disk full (no space left on the file system)") !=
        std::string::npos);
  // The collector returns: the waiting records are sent and acknowledged, but the cursor cannot be
  // saved; that is named too (a crash now would send them again, recognisably).
  collector->start();
  REQUIRE(collector->ready);
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_forwarded_seq") >= last; },
                     std::chrono::seconds(40)));
  CHECK(wait_until(
      [&] { return sample_value(mport, "kiosk_audit_forward_problem{problem=\"cursor\"}") == 1; }));
  CHECK(AuditForwarder::read_cursor(dir.path + "/data/audit-forward.cursor") < last);
  // Space returns: recording and the cursor resume by themselves.
  fs::remove(dir.path + "/data/filler");
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_writable") == 1; }));
  REQUIRE(wait_until([&] { return metric(mport, "kiosk_audit_last_seq") > last + 3; }));
  REQUIRE(wait_until([&] {
    return AuditForwarder::read_cursor(dir.path + "/data/audit-forward.cursor") >=
           metric(mport, "kiosk_audit_last_seq");
  }));
  CHECK(metric(mport, "kiosk_audit_forward_ok") == 1);
  std::string err = read_text(k.stderr_path);
  CHECK(err.find("audit forward: cursor not saved (records may be sent again): ") !=
        std::string::npos);
  CHECK(k.stop() == 0);
  std::uint64_t final_last = AuditForwarder::read_cursor(dir.path + "/data/audit-forward.cursor");
  std::size_t dups = check_complete(collector->seqs("TEST-01"), final_last);
  MESSAGE("full disk: " << last << " records before the disk filled, " << final_last
                        << " at the end, all in rsyslog's file (" << dups << " duplicates)");
  collector.reset();
  ::umount2((dir.path + "/data").c_str(), MNT_DETACH);
}
