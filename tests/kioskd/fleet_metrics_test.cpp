// kioskd's Prometheus metrics (issue 16 item 1): a real scrape checked by promtool, the values
// against the verdicts played, no personal data, and a scrape flood that does not slow verdicts.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
// GCC 12 at -O1 with ASan (the sanitizer build) warns that std::regex's own states "may be used
// uninitialized": a false positive inside libstdc++ (GCC bug 105616), silenced for this header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
#include <set>
#include <sstream>
#include <thread>

#include "firmware/kioskd/config.h"
#include "firmware/kioskd/metrics.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::kioskd;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

/// curl with `extra` arguments, trusting DIR/m.pem; the HTTP status ("000": no answer) and, in
/// `body`, what came (DIR/body).
std::string https_code(const std::string& dir, const std::vector<std::string>& extra,
                       std::string* body) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-s",          "-o", dir + "/body", "-w",
                                   "%{http_code}",  "--max-time",  "10", "--noproxy",   "*",
                                   "--cacert",      dir + "/m.pem"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::string code, cerr_text;
  int rc = run(argv, &code, &cerr_text);
  if (code.empty()) MESSAGE("curl " << rc << ": " << cerr_text);
  if (body) *body = read_text(dir + "/body");
  return code;
}

}  // namespace

TEST_CASE("metrics: off loopback only with TLS and a bearer token (refused at start-up)") {
  auto ok = parse_config("[data]\ndir = /d\nanchors = /a\n[metrics]\nport = 9464\n", "k.conf");
  REQUIRE(ok);
  CHECK(ok->metrics_port == 9464);
  CHECK(ok->metrics_listen == "127.0.0.1");
  CHECK(!parse_config("[data]\ndir = /d\nanchors = /a\n[metrics]\nmax_connections = 0\n", "k"));
  CHECK(!parse_config("[data]\ndir = /d\nanchors = /a\n[metrics]\nlisten = lan\n", "k"));
  CHECK(label_escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  // A LAN address without TLS and a token: kioskd refuses to start, naming the file and line.
  TempDir dir("metrics-lan");
  fs::create_directories(dir.path + "/data");
  write_text(dir.path + "/token", "short\n");
  for (const auto& [extra, says] : std::vector<std::pair<std::string, std::string>>{
           {"", "kioskd.conf:"},
           {"tls_cert = /etc/hostname\ntls_key = /etc/hostname\n", "needs TLS"},
           {"token_file = " + dir.path + "/token\n", "needs TLS"}}) {
    CAPTURE(extra);
    write_text(dir.path + "/kioskd.conf",
               base_config(dir.path, "[metrics]\nlisten = 10.0.0.5\nport = 9464\n" + extra));
    std::string out, err;
    CHECK(run({kioskd_path(), "--config", dir.path + "/kioskd.conf", "--check-config"}, &out,
              &err) != 0);
    CHECK(err.find("[metrics] listen = 10.0.0.5 is not loopback: the metrics listener needs TLS "
                   "(tls_cert, tls_key) and a bearer token (token_file) or client certificates "
                   "(client_ca) there") != std::string::npos);
    CHECK(err.find(says) != std::string::npos);
  }
  // A token too short to be one.
  write_text(
      dir.path + "/kioskd.conf",
      base_config(dir.path, "[metrics]\nport = 9464\ntoken_file = " + dir.path + "/token\n"));
  std::string out, err;
  CHECK(run({kioskd_path(), "--config", dir.path + "/kioskd.conf", "--check-config"}, &out, &err) !=
        0);
  CHECK(err.find("the token must be 16-256 characters") != std::string::npos);
}

TEST_CASE("metrics: TLS and a bearer token (the console's TLS context)") {
  TempDir dir("metrics-tls");
  install_vector_trust(dir.path + "/data");
  // A self-signed certificate for 127.0.0.1, made with the openssl CLI.
  REQUIRE(run({"/bin/sh", "-c",
               "cd '" + dir.path +
                   "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                   "-keyout m.key -out m.pem -days 2 -subj /CN=kiosk -addext "
                   "subjectAltName=IP:127.0.0.1 2>/dev/null"}) == 0);
  const std::string token = "fleet-scrape-token-0123456789";
  write_text(dir.path + "/token", token + "\n");
  std::uint16_t mport = free_port();
  Kioskd k(dir.path,
           base_config(dir.path, "[metrics]\nport = " + std::to_string(mport) +
                                     "\ntls_cert = " + dir.path + "/m.pem\ntls_key = " + dir.path +
                                     "/m.key\ntoken_file = " + dir.path + "/token\n"));
  REQUIRE(k.ready);
  std::string url = "https://127.0.0.1:" + std::to_string(mport) + "/metrics";
  auto curl = [&](const std::vector<std::string>& extra, std::string* body) {
    return https_code(dir.path, extra, body);
  };
  std::string body, code;
  CAPTURE(code);
  CAPTURE(body);
  REQUIRE(wait_until([&] {
    code = curl({"-H", "Authorization: Bearer " + token, url}, &body);
    return code == "200" && metric_value(body, "kiosk_audit_last_seq") >= 0;
  }));
  CHECK(body.find("# TYPE kiosk_verdicts_total counter") != std::string::npos);
  CHECK(curl({"-H", "Authorization: Bearer " + token + "x", url}, &body) == "401");
  CHECK(curl({"-H", "Authorization: Bearer fleet-scrape-token-0123456780", url}, &body) == "401");
  CHECK(body.find("kiosk_") == std::string::npos);
  CHECK(curl({url}, &body) == "401");
  // Plain HTTP on the TLS port gets no answer.
  CHECK(curl({"-H", "Authorization: Bearer " + token,
              "http://127.0.0.1:" + std::to_string(mport) + "/metrics"},
             &body) == "000");
  CHECK(k.stop() == 0);
}

TEST_CASE("metrics: client certificates in place of the token (the console's TLS context)") {
  TempDir dir("metrics-mtls");
  install_vector_trust(dir.path + "/data");
  // The listener's self-signed certificate; the scrapers' CA and a client certificate it signs;
  // a client certificate from another CA.
  auto sh = [&](const std::string& cmd) {
    return run({"/bin/sh", "-c", "cd '" + dir.path + "' && (" + cmd + ") 2>>openssl.err"}) == 0;
  };
  std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  REQUIRE(sh("openssl req -x509 " + ec +
             " -keyout m.key -out m.pem -days 2 -subj /CN=kiosk -addext "
             "subjectAltName=IP:127.0.0.1"));
  for (std::string ca : {"scrape-ca", "other-ca"}) {
    std::string client = ca == "scrape-ca" ? "prom" : "stranger";
    REQUIRE(sh("openssl req -x509 " + ec + " -keyout " + ca + ".key -out " + ca +
               ".pem -days 2 -subj /CN=" + ca + " && openssl req -new " + ec + " -keyout " +
               client + ".key -out " + client + ".csr -subj /CN=" + client +
               " && printf 'extendedKeyUsage=clientAuth\\n' > c.ext && openssl x509 -req -in " +
               client + ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -out " +
               client + ".pem -days 2 -extfile c.ext"));
  }
  // Off loopback, client certificates alone are enough (no token).
  write_text(dir.path + "/kioskd.conf",
             base_config(dir.path, "[metrics]\nlisten = 10.0.0.5\nport = 9464\ntls_cert = " +
                                       dir.path + "/m.pem\ntls_key = " + dir.path +
                                       "/m.key\nclient_ca = " + dir.path + "/scrape-ca.pem\n"));
  std::string out, err;
  CHECK(run({kioskd_path(), "--config", dir.path + "/kioskd.conf", "--check-config"}, &out, &err) ==
        0);
  CAPTURE(err);
  // client_ca without TLS is refused.
  write_text(dir.path + "/kioskd.conf",
             base_config(dir.path,
                         "[metrics]\nport = 9464\nclient_ca = " + dir.path + "/scrape-ca.pem\n"));
  CHECK(run({kioskd_path(), "--config", dir.path + "/kioskd.conf", "--check-config"}, &out, &err) !=
        0);
  CHECK(err.find("[metrics] client_ca needs TLS (tls_cert, tls_key)") != std::string::npos);

  std::uint16_t mport = free_port();
  Kioskd k(dir.path,
           base_config(dir.path, "[metrics]\nport = " + std::to_string(mport) +
                                     "\ntls_cert = " + dir.path + "/m.pem\ntls_key = " + dir.path +
                                     "/m.key\nclient_ca = " + dir.path + "/scrape-ca.pem\n"));
  REQUIRE(k.ready);
  std::string url = "https://127.0.0.1:" + std::to_string(mport) + "/metrics";
  auto curl = [&](const std::string& client, std::string* body) {
    std::vector<std::string> extra;
    if (!client.empty())
      extra = {"--cert", dir.path + "/" + client + ".pem", "--key",
               dir.path + "/" + client + ".key"};
    extra.push_back(url);
    return https_code(dir.path, extra, body);
  };
  std::string body, code;
  CAPTURE(code);
  REQUIRE(wait_until([&] {
    code = curl("prom", &body);
    return code == "200" && metric_value(body, "kiosk_audit_last_seq") >= 0;
  }));
  CHECK(body.find("# TYPE kiosk_verdicts_total counter") != std::string::npos);
  // No certificate, or one from another CA: the handshake fails, nothing is answered.
  fs::remove(dir.path + "/body");
  CHECK(curl("", &body) == "000");
  CHECK(body.find("kiosk_") == std::string::npos);
  CHECK(curl("stranger", &body) == "000");
  CHECK(body.find("kiosk_") == std::string::npos);
  CHECK(curl("prom", &body) == "200");
  CHECK(k.stop() == 0);
}

TEST_CASE("metrics: a real scrape passes promtool and counts the verdicts played") {
  TempDir dir("metrics");
  install_vector_trust(dir.path + "/data");
  write_text(dir.path + "/f.feed", "200 camera " + case_payload("wpnl-valid") + "\n" +
                                       "50 scanner " + case_payload("ecard-valid") + "\n" +
                                       "50 camera " + case_payload("wpnl-tampered") + "\n");
  std::uint16_t mport = free_port();
  Kioskd k(dir.path,
           base_config(dir.path, "[devices]\nfeed = " + dir.path +
                                     "/f.feed\n[metrics]\nport = " + std::to_string(mport) + "\n"));
  REQUIRE(k.ready);
  std::string text;
  REQUIRE(wait_until([&] {
    auto r = http_get(mport, "/metrics");
    text = r.second;
    return r.first == 200 && metric_value(text, "kiosk_audit_last_seq") >= 3;
  }));
  write_text(dir.path + "/scrape.txt", text);
  std::string out, err;
  int rc =
      run({"/bin/sh", "-c", "promtool check metrics < " + dir.path + "/scrape.txt"}, &out, &err);
  CHECK_MESSAGE(rc == 0, out << err);
  CHECK(err == "");  // no lint finding either
  CHECK(metric_value(text, "kiosk_info{kiosk=\"TEST-01\"}") == 1);
  CHECK(metric_value(
            text,
            "kiosk_verdicts_total{outcome=\"ACCEPT\",document=\"WPNL\",channel=\"camera\"}") == 1);
  CHECK(metric_value(
            text,
            "kiosk_verdicts_total{outcome=\"REJECT\",document=\"UNKNOWN\",channel=\"camera\"}") ==
        1);
  CHECK(metric_value(text, "kiosk_verdict_reasons_total{reason=\"BAD_SIGNATURE\"}") == 1);
  CHECK(metric_value(text, "kiosk_verification_duration_seconds_count") == 3);
  CHECK(metric_value(text, "kiosk_audit_commit_duration_seconds_count") == 3);
  CHECK(metric_value(text, "kiosk_device_up{device=\"feed\"}") >= 0);
  CHECK(metric_value(text, "kiosk_trust_installed") == 1);
  CHECK(metric_value(text, "kiosk_trust_bundle_seq") >= 1);
  CHECK(metric_value(text, "kiosk_trust_bundle_expiry_seconds") > 0);
  CHECK(metric_value(text, "kiosk_clock_trusted") == 1);
  CHECK(metric_value(text, "kiosk_clock_timestamp_seconds") == 1796000000);
  CHECK(metric_value(text, "kiosk_audit_last_seq") == 3);
  // The last signed checkpoint (one with every record) and the forwarder's state.
  CHECK(metric_value(text, "kiosk_audit_checkpoint_seq") == 3);
  CHECK(metric_value(text, "kiosk_audit_checkpoint_timestamp_seconds") == 1796000000);
  CHECK(metric_value(text, "kiosk_audit_forward_lag_records") == 0);  // no forwarding configured
  CHECK(metric_value(text, "kiosk_audit_forward_problem{problem=\"none\"}") == 0);
  // The decode histogram is there without a camera too (empty): the alert rules and dashboards
  // see the same series on every kiosk.
  CHECK(metric_value(text, "kiosk_decode_duration_seconds_count") == 0);
  CHECK(metric_value(text, "kiosk_decode_duration_seconds_bucket{le=\"+Inf\"}") == 0);
  CHECK(metric_value(text, "kiosk_camera_frames_total") == 0);
  CHECK(metric_value(text, "kiosk_camera_frames_skipped_total") == 0);
  CHECK(metric_value(text, "kiosk_camera_frames_fused_total") == 0);
  // Every metric the alert rules use exists in a real scrape (a renamed metric would silence an
  // alert without any error from promtool).
  std::ifstream rules(std::string(KIOSK_SOURCE_DIR) + "/ops/prometheus/kiosk-alerts.yml");
  REQUIRE(rules);
  std::stringstream rules_text;
  rules_text << rules.rdbuf();
  std::set<std::string> used;
  std::string r = rules_text.str();
  std::regex metric_re("\\b(kiosk_[a-z_]+|process_[a-z_]+)\\b");
  for (std::sregex_iterator it(r.begin(), r.end(), metric_re), end; it != end; ++it)
    used.insert((*it)[1]);
  CHECK(used.size() >= 8);
  for (const auto& name : used) {
    CAPTURE(name);
    // A histogram's series are NAME_bucket, NAME_count and NAME_sum under "# TYPE NAME histogram".
    std::string base = std::regex_replace(name, std::regex("_(bucket|count|sum)$"), "");
    CHECK((text.find("\n# TYPE " + name + " ") != std::string::npos ||
           (base != name && text.find("\n# TYPE " + base + " histogram") != std::string::npos)));
  }
  CHECK(metric_value(text, "process_resident_memory_bytes") > 1e6);
  CHECK(text.find("kiosk_status_list_age_seconds{issuer=") != std::string::npos);
  // No personal data: the holder's name from the vectors never appears.
  CHECK(http_get(k.port, "/api/state", k.cookie()).second.find("\"name\"") != std::string::npos);
  CHECK(text.find("\"name\"") == std::string::npos);
  CHECK(http_get(mport, "/api/state").first == 404);  // the screen's data is not on this listener
  CHECK(k.stop() == 0);
}

TEST_CASE("metrics: a scrape flood does not slow verdicts or the officer page") {
  TempDir dir("metrics-flood");
  install_vector_trust(dir.path + "/data");
  std::uint16_t mport = free_port();
  Kioskd k(dir.path, base_config(dir.path, "[metrics]\nport = " + std::to_string(mport) +
                                               "\nmax_connections = 4\n"));
  REQUIRE(k.ready);
  // 200 connections that send nothing (slowloris) plus 4 threads scraping as fast as they can.
  boost::asio::io_context ioc;
  std::vector<boost::asio::ip::tcp::socket> idle;
  for (int i = 0; i < 200; ++i) {
    idle.emplace_back(ioc);
    boost::system::error_code ec;
    idle.back().connect({boost::asio::ip::make_address("127.0.0.1"), mport}, ec);
  }
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t)
    flood.emplace_back([&] {
      while (!done) {
        if (http_get(mport, "/metrics").first == 200) ++scrapes;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  std::vector<std::chrono::microseconds> lat;
  for (int i = 0; i < 100; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(http_get(k.port, "/healthz").first == 200);
    lat.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  done = true;
  for (auto& t : flood)
    t.join();
  std::sort(lat.begin(), lat.end());
  MESSAGE("scrape flood: " << scrapes.load() << " scrapes answered; /healthz p99 "
                           << lat[99].count() << " us, worst " << lat.back().count() << " us");
  CHECK(lat[98] < std::chrono::milliseconds(50));
  idle.clear();
  // The idle connections time out (5 s) and scrapes are answered again.
  CHECK(wait_until([&] { return http_get(mport, "/metrics").first == 200; }));
  CHECK(k.stop() == 0);
}

TEST_CASE("metrics: the camera's decode times are a histogram beside verification's") {
  TempDir dir("metrics-decode");
  install_vector_trust(dir.path + "/data");
  std::string png =
      std::string(KIOSK_SOURCE_DIR) + "/tests/data/corpus/zxing-qr/qrcode-2/qr-model-1.png";
  std::uint16_t mport = free_port();
  // kioskd-demo's simulated camera (the production kioskd has none) showing a still QR image.
  Kioskd k(dir.path,
           base_config(dir.path,
                       "[devices]\ncamera = sim:still:" + png +
                           "\ncamera_fps = 10\n[metrics]\nport = " + std::to_string(mport) + "\n"),
           {"--no-demo"}, {}, kioskd_demo_path());
  REQUIRE(k.ready);
  std::string text;
  REQUIRE(wait_until([&] {
    text = http_get(mport, "/metrics").second;
    return metric_value(text, "kiosk_decode_duration_seconds_count") >= 5;
  }));
  double count = metric_value(text, "kiosk_decode_duration_seconds_count");
  double sum = metric_value(text, "kiosk_decode_duration_seconds_sum");
  CHECK(sum > 0);
  CHECK(metric_value(text, "kiosk_decode_duration_seconds_bucket{le=\"+Inf\"}") == count);
  // Each frame scanned is counted before its decode time is observed; a code read in every frame
  // leaves nothing to fuse.
  CHECK(metric_value(text, "kiosk_camera_frames_total") >= count);
  CHECK(metric_value(text, "kiosk_camera_frames_fused_total") == 0);
  MESSAGE("decode: " << count << " frames, mean " << sum / count * 1000 << " ms");
  write_text(dir.path + "/scrape.txt", text);
  std::string out, err;
  CHECK(run({"/bin/sh", "-c", "promtool check metrics < " + dir.path + "/scrape.txt"}, &out,
            &err) == 0);
  CHECK(err == "");
  CHECK(k.stop() == 0);
}
