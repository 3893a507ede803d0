// Trust input that cannot stall the kiosk (issue 12 items 2-3, issue 16 item 3): the watched
// folder reads regular files inside it only; the URL is polled with conditional GETs against a
// real nginx; hostile files dropped into the folder never hold up the officer page or verdicts.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "firmware/kioskd/http_fetch.h"
#include "firmware/kioskd/trust_updater.h"
#include "keys/anchors.h"
#include "keys/store.h"
#include "tests/kioskd/support.h"

using namespace kiosk;
using namespace kiosk::kioskd;
using namespace kiosk::test;
namespace fs = std::filesystem;

namespace {

std::string result_of(const TrustPackage& p, const std::string& name) {
  for (const auto& [n, r] : p.skipped)
    if (n == name) return r;
  for (const auto& f : p.files)
    if (f.first == name) return "READ";
  return "";
}

/// A real nginx serving `root` on a free loopback port, with a config made here.
struct Nginx {
  explicit Nginx(const std::string& dir, const std::string& root) : prefix(dir + "/nginx") {
    fs::create_directories(prefix + "/tmp");
    for (int attempt = 0; attempt < 5 && !ready; ++attempt) {
      port = free_port();
      write_text(prefix + "/nginx.conf",
                 std::string(geteuid() == 0 ? "user root;\n" : "") +
                     "worker_processes 1;\ndaemon off;\nerror_log " + prefix + "/error.log;\npid " +
                     prefix +
                     "/nginx.pid;\n"
                     "events { worker_connections 64; }\n"
                     "http {\n  access_log " +
                     prefix + "/access.log;\n  client_body_temp_path " + prefix +
                     "/tmp;\n  proxy_temp_path " + prefix + "/tmp;\n  fastcgi_temp_path " + prefix +
                     "/tmp;\n  uwsgi_temp_path " + prefix + "/tmp;\n  scgi_temp_path " + prefix +
                     "/tmp;\n  server {\n    listen 127.0.0.1:" + std::to_string(port) +
                     ";\n    root " + root + ";\n  }\n}\n");
      proc = std::make_unique<Process>(
          std::vector<std::string>{"/usr/sbin/nginx", "-p", prefix, "-c", prefix + "/nginx.conf"},
          ProcessOptions{{}, prefix + "/stdout", prefix + "/stderr", std::nullopt, {}});
      ready = wait_until([&] { return http_get(port, "/").first != 0; }, std::chrono::seconds(5));
      if (!ready) proc.reset();
    }
  }
  ~Nginx() {
    if (proc) {
      proc->signal(SIGQUIT);
      proc->wait(std::chrono::seconds(5));
    }
  }
  /// The access log's lines naming `path` with status `status`.
  std::size_t hits(const std::string& path, int status) {
    std::ifstream in(prefix + "/access.log");
    std::size_t n = 0;
    std::string needle = "GET " + path + " HTTP/1.1\" " + std::to_string(status) + " ";
    for (std::string line; std::getline(in, line);)
      if (line.find(needle) != std::string::npos) ++n;
    return n;
  }
  std::string prefix;
  std::uint16_t port = 0;
  std::unique_ptr<Process> proc;
  bool ready = false;
};

Result<FetchResult, std::string> fetch(const HttpUrl& url, const FetchState& state) {
  boost::asio::io_context ioc;
  std::optional<Result<FetchResult, std::string>> out;
  fetch_trust_package(ioc, url, state, [&](Result<FetchResult, std::string> r) { out = r; });
  ioc.run();
  REQUIRE(out);
  return *out;
}

/// An unsigned COSE_Sign1 whose payload is a CBOR array of `n` zero integers: cheap to write,
/// costly to decode for a parser that decodes before it checks the signature.
void write_hostile(const std::string& path, std::size_t n) {
  std::ofstream out(path, std::ios::binary);
  std::uint64_t payload = 9 + n;
  unsigned char head[] = {0xD2,
                          0x84,
                          0x40,
                          0xA0,
                          0x5A,
                          static_cast<unsigned char>(payload >> 24),
                          static_cast<unsigned char>(payload >> 16),
                          static_cast<unsigned char>(payload >> 8),
                          static_cast<unsigned char>(payload),
                          0x9B};
  out.write(reinterpret_cast<const char*>(head), sizeof head);
  for (int i = 7; i >= 0; --i)
    out.put(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF));
  std::string zeros(1 << 20, '\0');
  for (std::size_t left = n; left > 0;) {
    std::size_t k = std::min(left, zeros.size());
    out.write(zeros.data(), static_cast<std::streamsize>(k));
    left -= k;
  }
  unsigned char sig[] = {0x58, 0x40};
  out.write(reinterpret_cast<const char*>(sig), 2);
  out.write(zeros.data(), 64);
}

}  // namespace

TEST_CASE("the watched folder: regular files inside it only, each skip with its reason") {
  TempDir dir("trust-folder");
  std::string usb = dir.path + "/usb";
  fs::create_directories(usb + "/status");
  write_text(dir.path + "/secret", "outside the folder\n");
  // keyset.cose is a symlink out of the folder: never followed.
  fs::create_symlink(dir.path + "/secret", usb + "/keyset.cose");
  fs::copy_file(vectors() + "/trust/status/CN-310000.cose", usb + "/status/CN-310000.cose");
  REQUIRE(::mkfifo((usb + "/status/fifo.cose").c_str(), 0600) == 0);
  fs::create_symlink("/dev/zero", usb + "/status/zero.cose");
  bool device = ::mknod((usb + "/status/null.cose").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0;
  fs::create_directories(usb + "/status/dir.cose");
  { std::ofstream big(usb + "/status/big.cose", std::ios::binary); }
  fs::resize_file(usb + "/status/big.cose", 64u << 20);  // sparse: costs no disk

  auto start = std::chrono::steady_clock::now();
  TrustPackage p = read_trust_package(usb);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(1));  // no FIFO was opened (that would block)
  CHECK(p.error == "");
  CHECK(result_of(p, "keyset.cose") == "SKIPPED: a symlink (not followed)");
  CHECK(result_of(p, "status/CN-310000.cose") == "READ");
  CHECK(result_of(p, "status/fifo.cose") == "SKIPPED: a FIFO (not opened)");
  CHECK(result_of(p, "status/zero.cose") == "SKIPPED: a symlink (not followed)");
  if (device) CHECK(result_of(p, "status/null.cose") == "SKIPPED: a device (not opened)");
  CHECK(result_of(p, "status/dir.cose") == "SKIPPED: a directory");
  CHECK(result_of(p, "status/big.cose").find("SKIPPED: too large (67108864 bytes") == 0);
  REQUIRE(p.files.size() == 1);
  CHECK(p.files[0].second.size() == fs::file_size(usb + "/status/CN-310000.cose"));

  // A status/ that is a symlink out of the folder is not entered.
  TempDir dir2("trust-folder-2");
  fs::create_directories(dir2.path + "/usb");
  fs::create_directory_symlink(usb + "/status", dir2.path + "/usb/status");
  TrustPackage p2 = read_trust_package(dir2.path + "/usb");
  CHECK(p2.files.empty());
  CHECK(result_of(p2, "status") == "SKIPPED: a symlink (not followed)");

  // The fingerprint sees a symlink replaced by a file of the same name.
  std::string fp = trust_package_fingerprint(usb);
  fs::remove(usb + "/keyset.cose");
  fs::copy_file(vectors() + "/trust/keyset.cose", usb + "/keyset.cose");
  CHECK(trust_package_fingerprint(usb) != fp);
  CHECK(result_of(read_trust_package(usb), "keyset.cose") == "READ");
  CHECK(read_trust_package(dir.path + "/none").error.find("No such file") != std::string::npos);
}

TEST_CASE("manifests: a name listed twice is fetched once; polls jittered, errors backed off") {
  auto m = parse_manifest("status/A.cose\nkeyset.cose\nstatus/A.cose\r\nkeyset.cose\n\n");
  REQUIRE(m);
  CHECK(*m == std::vector<std::string>{"keyset.cose", "status/A.cose"});
  CHECK(!parse_manifest("keyset.cose\n../x\n"));
  std::string many;
  for (int i = 0; i < 65; ++i)
    many += "status/" + std::to_string(i) + ".cose\n";
  CHECK(parse_manifest(many).error() == "manifest: more than 64 files");
  // The same name 1000 times is one entry, not "more than 64".
  std::string dup;
  for (int i = 0; i < 1000; ++i)
    dup += "keyset.cose\n";
  CHECK(parse_manifest(dup)->size() == 1);

  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(!parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  CHECK(!parse_http_date(""));
  CHECK(validators_settled("Sun, 06 Nov 1994 08:49:35 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK(!validators_settled("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK(!validators_settled("Sun, 06 Nov 1994 08:49:36 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"));

  using std::chrono::milliseconds;
  CHECK(next_poll_delay(3600, 0, 0.0) == milliseconds(2880000));
  CHECK(next_poll_delay(3600, 0, 0.999999) > milliseconds(4319000));
  CHECK(next_poll_delay(3600, 0, 0.5) == milliseconds(3600000));
  CHECK(next_poll_delay(3600, 1, 0.5) == milliseconds(10000));
  CHECK(next_poll_delay(3600, 2, 0.5) == milliseconds(20000));
  CHECK(next_poll_delay(3600, 30, 0.5) == milliseconds(3600000));  // capped at the interval
  CHECK(storage_retry_delay(0) == std::chrono::seconds(1));
  CHECK(storage_retry_delay(3) == std::chrono::seconds(8));
  CHECK(storage_retry_delay(100) == std::chrono::seconds(300));
}

TEST_CASE("the trust URL against a real nginx: conditional GET, no re-download, clear reasons") {
  TempDir dir("trust-nginx");
  std::string www = dir.path + "/www";
  fs::create_directories(www + "/trust/status");
  fs::copy_file(vectors() + "/trust/keyset.cose", www + "/trust/keyset.cose");
  fs::copy_file(vectors() + "/trust/status/CN-310000.cose", www + "/trust/status/CN-310000.cose");
  write_text(www + "/trust/manifest",
             "keyset.cose\nstatus/CN-310000.cose\nkeyset.cose\nstatus/CN-310000.cose\n");
  // Published a while ago (a file modified in the current second is not cached, see below).
  for (const auto& f : {"/trust/keyset.cose", "/trust/status/CN-310000.cose", "/trust/manifest"})
    fs::last_write_time(www + f, fs::last_write_time(www + f) - std::chrono::seconds(60));
  Nginx nginx(dir.path, www);
  REQUIRE(nginx.ready);
  auto url = parse_http_url("http://127.0.0.1:" + std::to_string(nginx.port) + "/trust");
  REQUIRE(url);

  auto first = fetch(*url, {});
  REQUIRE(first);
  REQUIRE(first->files.size() == 2);
  CHECK(first->files[0].first == "keyset.cose");
  CHECK(nginx.hits("/trust/keyset.cose", 200) == 1);  // listed twice, fetched once
  CHECK(first->state.validators.at("keyset.cose").etag != "");

  // Nothing changed: every GET answers 304 and nothing is downloaded.
  auto second = fetch(*url, first->state);
  REQUIRE(second);
  CHECK(second->files.empty());
  CHECK(second->not_modified.size() == 2);
  CHECK(nginx.hits("/trust/manifest", 304) == 1);
  CHECK(nginx.hits("/trust/keyset.cose", 304) == 1);
  CHECK(nginx.hits("/trust/keyset.cose", 200) == 1);

  // A new key set: only it is downloaded; the store installs it.
  TempDir data("trust-nginx-data");
  auto store = keys::TrustStore::open(data.path + "/trust.db");
  REQUIRE(store);
  auto anchors = keys::load_anchors(vectors() + "/anchors");
  REQUIRE(anchors);
  TrustPackage pkg;
  pkg.files = first->files;
  auto rep = install_package(**store, &*anchors, "", 1796000000, "url", pkg, nullptr);
  CHECK(rep.results[0].second == "INSTALLED");
  fs::remove(www + "/trust/keyset.cose");
  fs::copy_file(vectors() + "/install/keyset-seq6.cose", www + "/trust/keyset.cose");
  // Each publication is dated a while before the fetch (older than the cached validators would
  // not matter: nginx's ETag changes with the modification second).
  fs::last_write_time(www + "/trust/keyset.cose",
                      fs::last_write_time(www + "/trust/keyset.cose") - std::chrono::seconds(40));
  auto third = fetch(*url, second->state);
  REQUIRE(third);
  REQUIRE(third->files.size() == 1);
  CHECK(third->not_modified == std::vector<std::string>{"status/CN-310000.cose"});
  // nginx serving an old package: the store says so.
  pkg.files = third->files;
  rep = install_package(**store, &*anchors, "", 1796000000, "url", pkg, nullptr);
  CHECK(rep.results[0].second == "ROLLBACK");
  // A truncated package (a copy cut short): refused with its reason, not installed.
  std::string whole = read_text(vectors() + "/install/keyset-seq8.cose");
  fs::remove(www + "/trust/keyset.cose");
  write_text(www + "/trust/keyset.cose", whole.substr(0, whole.size() / 2));
  fs::last_write_time(www + "/trust/keyset.cose",
                      fs::last_write_time(www + "/trust/keyset.cose") - std::chrono::seconds(20));
  auto fourth = fetch(*url, third->state);
  REQUIRE(fourth);
  pkg.files = fourth->files;
  rep = install_package(**store, &*anchors, "", 1796000000, "url", pkg, nullptr);
  CHECK(rep.results[0].second == "MALFORMED");
  // A missing file: the HTTP status, named.
  fs::remove(www + "/trust/status/CN-310000.cose");
  auto fifth = fetch(*url, {});
  REQUIRE(!fifth);
  CHECK(fifth.error() == "GET /trust/status/CN-310000.cose: HTTP 404");
}

TEST_CASE("hostile files in the watched folder never hold up the officer page or verdicts") {
  TempDir dir("trust-hostile");
  install_vector_trust(dir.path + "/data");
  fs::create_directories(dir.path + "/usb/status");
  // A verdict every 100 ms for the whole test.
  std::string feed = "1000 camera " + case_payload("wpnl-valid") + "\n";
  for (int i = 0; i < 150; ++i)
    feed += "100 " + std::string(i % 2 ? "camera " : "scanner ") +
            case_payload(i % 2 ? "wpnl-valid" : "ecard-valid") + "\n";
  write_text(dir.path + "/f.feed", feed);
  Kioskd k(dir.path, base_config(dir.path, "[trust]\nwatch_dir = " + dir.path +
                                               "/usb\nwatch_interval = 1\n[devices]\nfeed = " +
                                               dir.path + "/f.feed\n"));
  REQUIRE(k.ready);
  WsClient ws(k.port, "/ws",
              k.cookie());  // the officer clears the session so that each read is a verdict
  REQUIRE(ws.connected());
  // Hostile files: a 16 MiB unsigned payload that is costly to decode, a 24 MiB one, a 64 MiB
  // file over the cap, a FIFO; written elsewhere and moved in at once.
  fs::create_directories(dir.path + "/stage/status");
  write_hostile(dir.path + "/stage/keyset.cose", 16u << 20);
  write_hostile(dir.path + "/stage/status/a.cose", 24u << 20);
  { std::ofstream big(dir.path + "/stage/status/b.cose", std::ios::binary); }
  fs::resize_file(dir.path + "/stage/status/b.cose", 64u << 20);
  REQUIRE(::mkfifo((dir.path + "/stage/status/c.cose").c_str(), 0600) == 0);
  fs::remove_all(dir.path + "/usb");
  fs::rename(dir.path + "/stage", dir.path + "/usb");

  using clock = std::chrono::steady_clock;
  std::vector<std::chrono::microseconds> health, state;
  // The audit commits (synchronous=FULL: fsyncs the disk decides) from the entries' kioskd stamps,
  // the longest seen: printed beside the probes.
  std::chrono::microseconds commit{0};
  std::size_t probes = 0;
  auto until = clock::now() + std::chrono::seconds(8);
  bool reported = false;
  while (clock::now() < until) {
    auto t0 = clock::now();
    auto h = http_get(k.port, "/healthz");
    auto t1 = clock::now();
    auto s = http_get(k.port, "/api/state", k.cookie());
    auto t2 = clock::now();
    REQUIRE(h.first == 200);
    REQUIRE(s.first == 200);
    health.push_back(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0));
    state.push_back(std::chrono::duration_cast<std::chrono::microseconds>(t2 - t1));
    ++probes;
    if (auto v = json::parse(s.second)) commit = std::max(commit, longest_audit_commit(*v));
    ws.send("{\"cmd\":\"clear\"}");
    if (s.second.find("status/c.cose") != std::string::npos) reported = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(probes >= 50);
  std::sort(health.begin(), health.end());
  std::sort(state.begin(), state.end());
  auto p99 = [](const std::vector<std::chrono::microseconds>& v) { return v[v.size() * 99 / 100]; };
  MESSAGE("hostile install: " << probes << " probes; /healthz p99 " << p99(health).count()
                              << " us, worst " << health.back().count() << " us; /api/state p99 "
                              << p99(state).count() << " us, worst " << state.back().count()
                              << " us; longest audit commit " << commit.count() << " us");
  // The loop never waits for the install; what remains is this shared machine's scheduling
  // (/healthz p99 55 ms once at load average 10 with other builds running: the bound is 100 ms;
  // an install on the loop reads and hashes the 16-64 MiB files, hundreds of ms each time).
  // Audit commits (fsyncs of 0.4-0.8 s were seen on this machine's disk under the suite's other
  // tests) run on the audit writer's thread, not the loop: no allowance for them either.
  CHECK(p99(health) < std::chrono::milliseconds(100));
  CHECK(p99(state) < std::chrono::milliseconds(100));
  CHECK(health.back() < std::chrono::milliseconds(250));
  CHECK(state.back() < std::chrono::milliseconds(250));
  // Each skip is on the screen's trust panel with its reason.
  auto s = http_get(k.port, "/api/state", k.cookie()).second;
  CHECK(reported);
  CHECK(s.find("SKIPPED: a FIFO (not opened)") != std::string::npos);
  CHECK(s.find("SKIPPED: too large (67108864 bytes") != std::string::npos);
  CHECK(k.stop() == 0);
  // Verdicts kept coming while the install ran: about one per 100 ms.
  std::string out = read_text(dir.path + "/kioskd.stderr");
  std::size_t verdicts = 0;
  for (std::size_t pos = 0; (pos = out.find("kioskd: verdict ", pos)) != std::string::npos; ++pos)
    ++verdicts;
  CHECK(verdicts >= 40);
  CHECK(out.find("status/c.cose=SKIPPED: a FIFO (not opened)") != std::string::npos);
}
