#include "tests/kioskd/support.h"

#include "tests/support/target.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace kiosk::test {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

TempDir::TempDir(const std::string& name) {
  std::random_device rd;
  path = std::string(KIOSK_BUILD_DIR) + "/test-tmp/" + name + "-" + std::to_string(::getpid()) +
         "-" + std::to_string(rd() % 100000);
  fs::remove_all(path);
  fs::create_directories(path);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Process::Process(const std::vector<std::string>& argv_in, const ProcessOptions& opt) {
  const std::vector<std::string> argv = target_argv(argv_in);  // qemu-user in a cross build
  // fork rather than posix_spawn: the child needs its rlimit and redirections set before exec.
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    auto eq = s.find('=');
    if (eq != std::string::npos && opt.env.count(s.substr(0, eq))) continue;
    envs.push_back(s);
  }
  for (const auto& [k, v] : opt.env)
    envs.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv)
    cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs)
    cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    if (!opt.stdin_file.empty()) {
      int fd = ::open(opt.stdin_file.c_str(), O_RDONLY);
      ::dup2(fd, 0);
    }
    if (!opt.stdout_file.empty()) {
      int fd = ::open(opt.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
    }
    if (!opt.stderr_file.empty()) {
      int fd = ::open(opt.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 2);
    }
    if (opt.fsize_limit) {
      const auto lim = static_cast<rlim_t>(
          std::min<std::uint64_t>(*opt.fsize_limit, std::numeric_limits<rlim_t>::max()));
      rlimit rl{lim, lim};
      ::setrlimit(RLIMIT_FSIZE, &rl);
      ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
    }
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
}

Process::~Process() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

void Process::signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds limit) {
  if (status_) return status_;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() > deadline) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string kioskd_path() {
  return std::string(KIOSK_BUILD_DIR) + "/firmware/kioskd/kioskd";
}
std::string kioskd_demo_path() {
  return std::string(KIOSK_BUILD_DIR) + "/firmware/kioskd-demo/kioskd-demo";
}
std::string www_dir() {
  return std::string(KIOSK_TEST_DATA) + "/../../firmware/kioskd/www";
}

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(p)) return p;
  return "";
}

std::vector<std::string> chromium_args(const std::string& profile) {
  return {chromium(),
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + profile};
}

std::optional<std::string> npm_browser_tools(std::string* why) {
  if (chromium().empty()) {
    *why = "chromium is not installed (toolchain/install-deps.sh --with-browser)";
    return std::nullopt;
  }
  std::string prefix = std::string(KIOSK_BUILD_DIR) + "/npm-a11y";
  // ctest runs the browser tests in parallel: one installs while the others wait on the lock
  // (released when the process exits), instead of reading a half-written node_modules.
  std::filesystem::create_directories(KIOSK_BUILD_DIR);
  int lock = ::open((prefix + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    *why = "cannot lock " + prefix + ".lock";
    if (lock >= 0) ::close(lock);
    return std::nullopt;
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  if (std::filesystem::exists(prefix + "/node_modules/axe-core/axe.min.js") &&
      std::filesystem::exists(prefix + "/node_modules/puppeteer-core/package.json"))
    return prefix;
  std::filesystem::create_directories(prefix);
  std::string err;
  int rc = run({"/usr/bin/env", "npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                "--silent", "axe-core@4", "puppeteer-core@24"},
               nullptr, &err);
  if (rc != 0) {
    *why = "npm could not install axe-core and puppeteer-core: " + err;
    return std::nullopt;
  }
  return prefix;
}

std::string kioskctl_path() {
  return std::string(KIOSK_BUILD_DIR) + "/firmware/kioskctl";
}
std::string vectors() {
  return std::string(KIOSK_TEST_DATA) + "/vectors";
}

const json::Value& case_input(const std::string& id) {
  static const json::Value doc = *json::parse(read_text(vectors() + "/cases.json"));
  for (const auto& c : doc.get("cases")->array) {
    if (c.get("id")->string == id) return *c.get("input");
  }
  static const json::Value none;
  return none;
}

std::string case_payload(const std::string& id) {
  const json::Value& in = case_input(id);
  if (const json::Value* qr = in.get("qr")) return qr->string;
  const json::Value* chip = in.get("chip");
  return "{\"ef\": \"" + chip->get("ef")->string + "\", \"challenge\": \"" +
         chip->get("challenge")->string + "\", \"signature\": \"" + chip->get("signature")->string +
         "\"}";
}

int run(const std::vector<std::string>& argv, std::string* out, std::string* err,
        const std::string* input) {
  TempDir tmp("run");
  ProcessOptions opt;
  if (input) {
    opt.stdin_file = tmp.path + "/in";
    write_text(opt.stdin_file, *input);
  }
  opt.stdout_file = tmp.path + "/out";
  opt.stderr_file = tmp.path + "/err";
  Process p(argv, opt);
  auto st = p.wait(std::chrono::seconds(60));
  if (out) *out = read_text(opt.stdout_file);
  if (err) *err = read_text(opt.stderr_file);
  return st ? *st : -1;
}

std::string base_config(const std::string& dir, const std::string& extra, std::int64_t now) {
  return "[kiosk]\nid = TEST-01\njurisdiction = 3101\nsession_timeout = 300\n"
         "[ui]\nlisten = 127.0.0.1\nport = 0\nwww = " +
         www_dir() + "\nplaces = " + std::string(KIOSK_TEST_DATA) + "/data/gbt2260" +
         "\n"
         "[data]\ndir = " +
         dir + "/data\nanchors = " + vectors() +
         "/anchors\n"
         "[clock]\nsource = fixed\nfixed = " +
         std::to_string(now) + "\n" + extra;
}

void install_vector_trust(const std::string& data_dir, std::int64_t now) {
  fs::create_directories(data_dir);
  run({kioskctl_path(), "trust", "install", "--db", data_dir + "/trust.db", "--anchors",
       vectors() + "/anchors", "--now", std::to_string(now), vectors() + "/trust"});
}

bool plays_feed(const std::string& config_text) {
  std::istringstream lines(config_text);
  std::string line;
  while (std::getline(lines, line)) {
    auto at = line.find_first_not_of(" \t");
    if (at == std::string::npos || line.compare(at, 4, "feed") != 0) continue;
    auto eq = line.find('=', at);
    if (eq == std::string::npos || line.find_first_not_of(" \t", at + 4) != eq) continue;
    if (line.find_first_not_of(" \t\r", eq + 1) != std::string::npos) return true;
  }
  return false;
}

Kioskd::Kioskd(const std::string& dir, const std::string& config_text,
               const std::vector<std::string>& extra_args, const ProcessOptions& opt_in,
               const std::string& program) {
  std::string conf = dir + "/kioskd.conf";
  fs::create_directories(dir + "/data");
  write_text(conf, config_text);
  std::string ready_file = dir + "/ready";
  fs::remove(ready_file);
  ProcessOptions opt = opt_in;
  stderr_path = dir + "/kioskd.stderr";
  if (opt.stderr_file.empty()) opt.stderr_file = stderr_path;
  stderr_path = opt.stderr_file;
  if (opt.stdout_file.empty()) opt.stdout_file = dir + "/kioskd.stdout";
  std::vector<std::string> argv = {program, "--config", conf, "--ready-file", ready_file};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // A feed of recorded presentations is a simulated input that only kioskd-demo plays (the
  // production kioskd refuses it): the same kiosk library and daemon, the config as is.
  if (program == kioskd_path() && plays_feed(config_text)) {
    argv[0] = kioskd_demo_path();
    if (std::find(argv.begin(), argv.end(), "--no-demo") == argv.end()) argv.push_back("--no-demo");
  }
  proc = std::make_unique<Process>(argv, opt);
  ready = wait_until(
      [&] { return fs::exists(ready_file) || proc->wait(std::chrono::milliseconds(0)); });
  dir_ = dir;
  if (fs::exists(ready_file)) {
    // Line 1: the main listener's URL; line 2, when there is one, the self-service listener's.
    std::istringstream lines(read_text(ready_file));
    std::getline(lines, url);
    std::getline(lines, self_url);
    auto port_of = [](const std::string& u) {
      auto colon = u.rfind(':');
      return static_cast<std::uint16_t>(std::stoi(u.substr(colon + 1)));
    };
    port = port_of(url);
    if (!self_url.empty()) self_port = port_of(self_url);
  } else {
    ready = false;
  }
}

const std::string& Kioskd::cookie() {
  if (cookie_.empty()) {
    add_officer(dir_, kTestOfficer, kTestPassword);
    cookie_ = sign_in(port, kTestOfficer, kTestPassword).second;
  }
  return cookie_;
}

int add_officer(const std::string& dir, const std::string& name, const std::string& password,
                const std::string& role) {
  const std::string input = password + "\n";
  return run({kioskctl_path(), "officer", "add", "--db", dir + "/data/trust.db", "--name", name,
              "--role", role},
             nullptr, nullptr, &input);
}

std::pair<int, std::string> sign_in(std::uint16_t port, const std::string& name,
                                    const std::string& password) {
  std::string body = "{\"name\": \"" + name + "\", \"password\": \"" + password + "\"}";
  std::string resp = raw_exchange(port,
                                  "POST /api/signin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Content-Type: application/json\r\nConnection: close\r\n"
                                  "Content-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body,
                                  std::chrono::seconds(30));
  if (resp.size() < 12) return {0, ""};
  int status = std::atoi(resp.substr(9, 3).c_str());
  auto at = resp.find("Set-Cookie: kiosk_session=");
  if (at == std::string::npos) return {status, ""};
  at += std::string("Set-Cookie: ").size();
  return {status, resp.substr(at, resp.find(';', at) - at)};
}

int Kioskd::stop() {
  proc->signal(SIGTERM);
  auto st = proc->wait(std::chrono::seconds(20));
  return st ? *st : -1;
}

std::string raw_exchange(std::uint16_t port, const std::string& data,
                         std::chrono::milliseconds limit) {
  asio::io_context ioc;
  tcp::socket sock(ioc);
  beast::error_code ec;
  sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "";
  std::string got;
  std::array<char, 4096> buf{};
  asio::async_write(sock, asio::buffer(data), [](beast::error_code, std::size_t) {});
  std::function<void(beast::error_code, std::size_t)> on_read;
  bool done = false;
  on_read = [&](beast::error_code e, std::size_t n) {
    got.append(buf.data(), n);
    if (e) {
      done = true;
      return;
    }
    sock.async_read_some(asio::buffer(buf), on_read);
  };
  sock.async_read_some(asio::buffer(buf), on_read);
  ioc.run_for(limit);
  (void)done;
  return got;
}

std::uint16_t free_port() {
  // Below Linux's ephemeral range (32768-60999 by default): the kernel never hands such a port
  // to another test's outgoing connection or port-0 listener between this check and the
  // server's bind (the likeliest cause of a fleet_syslog kiosk that never became ready in a
  // clean-clone run, inferred: it left no stderr). Random, so that tests running at once rarely
  // try the same one.
  static std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(20000, 32000);
  boost::asio::io_context ioc;
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto port = static_cast<std::uint16_t>(pick(rng));
    boost::asio::ip::tcp::acceptor a(ioc);
    boost::system::error_code ec;
    a.open(boost::asio::ip::tcp::v4(), ec);
    if (!ec) a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return port;
  }
  boost::asio::ip::tcp::acceptor a(
      ioc, {boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(0)});
  return a.local_endpoint().port();
}

double metric_value(const std::string& text, const std::string& series) {
  auto pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + series.size() + 2));
}

std::size_t entry_count(const json::Value& state) {
  const json::Value* session = state.get("session");
  const json::Value* entries = session ? session->get("entries") : nullptr;
  return entries ? entries->array.size() : 0;
}

std::chrono::microseconds longest_audit_commit(const json::Value& state) {
  std::chrono::microseconds longest{0};
  const json::Value* session = state.get("session");
  const json::Value* entries = session ? session->get("entries") : nullptr;
  if (!entries) return longest;
  for (const auto& e : entries->array) {
    const json::Value* t = e.get("timing");
    if (!t || !t->get("committed_us") || !t->get("verified_us")) continue;
    longest =
        std::max(longest, std::chrono::microseconds(static_cast<std::int64_t>(
                              t->get("committed_us")->number - t->get("verified_us")->number)));
  }
  return longest;
}

std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path,
                                     const std::string& cookie) {
  std::string resp = raw_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                            (cookie.empty() ? "" : "Cookie: " + cookie + "\r\n") +
                                            "Connection: close\r\n\r\n");
  if (resp.size() < 12) return {0, ""};
  int status = std::atoi(resp.substr(9, 3).c_str());
  auto body = resp.find("\r\n\r\n");
  return {status, body == std::string::npos ? "" : resp.substr(body + 4)};
}

struct WsClient::Impl {
  asio::io_context ioc;
  beast::websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  bool ok = false;
};

WsClient::WsClient(std::uint16_t port, const std::string& path, const std::string& cookie,
                   const std::string& origin)
    : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  impl_->ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return;
  impl_->ws.set_option(beast::websocket::stream_base::decorator(
      [cookie, origin](beast::websocket::request_type& req) {
        if (!cookie.empty()) req.set(beast::http::field::cookie, cookie);
        if (!origin.empty()) req.set(beast::http::field::origin, origin);
      }));
  bool done = false;
  impl_->ws.async_handshake("127.0.0.1:" + std::to_string(port), path, [&](beast::error_code e) {
    done = true;
    impl_->ok = !e;
  });
  impl_->ioc.run_for(std::chrono::seconds(10));
  if (!done) impl_->ok = false;
}

WsClient::~WsClient() {
  beast::error_code ec;
  impl_->ws.next_layer().close(ec);
}

bool WsClient::connected() const {
  return impl_->ok;
}

std::optional<std::string> WsClient::read(std::chrono::milliseconds limit) {
  if (!impl_->ok) return std::nullopt;
  bool done = false;
  beast::error_code err;
  impl_->buffer.consume(impl_->buffer.size());
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code e, std::size_t) {
    done = true;
    err = e;
  });
  impl_->ioc.restart();
  impl_->ioc.run_for(limit);
  if (!done) {
    impl_->ok = false;
    beast::error_code ec;
    impl_->ws.next_layer().close(ec);
    impl_->ioc.restart();
    impl_->ioc.run_for(std::chrono::milliseconds(100));
    return std::nullopt;
  }
  if (err) {
    impl_->ok = false;
    return std::nullopt;
  }
  return beast::buffers_to_string(impl_->buffer.data());
}

std::optional<json::Value> WsClient::read_until(const std::function<bool(const json::Value&)>& pred,
                                                std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto msg = read(left);
    if (!msg) return std::nullopt;
    auto v = json::parse(*msg);
    if (v && pred(*v)) return v;
  }
  return std::nullopt;
}

bool WsClient::send(const std::string& text) {
  if (!impl_->ok) return false;
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
  return !ec;
}

std::uint16_t devtools_port(const std::string& profile, Process& chromium) {
  std::uint16_t port = 0;
  wait_until(
      [&] {
        std::string first = read_text(profile + "/DevToolsActivePort");
        first = first.substr(0, first.find('\n'));
        if (!first.empty() && first.size() <= 5 &&
            first.find_first_not_of("0123456789") == std::string::npos) {
          unsigned long p = std::stoul(first);
          if (p > 0 && p <= 65535) port = static_cast<std::uint16_t>(p);
        }
        return port != 0 || chromium.wait(std::chrono::milliseconds(0)).has_value();
      },
      std::chrono::seconds(120));
  return port;
}

std::string devtools_page(std::uint16_t devtools, const std::string& url_prefix) {
  std::string page_path;
  wait_until([&] {
    auto v = json::parse(http_get(devtools, "/json/list").second);
    if (!v || !v->is_array()) return false;
    for (const auto& t : v->array) {
      const json::Value* type = t.get("type");
      const json::Value* ws = t.get("webSocketDebuggerUrl");
      const json::Value* url = t.get("url");
      if (type && type->string == "page" && ws && url && url->string.find(url_prefix) == 0 &&
          ws->string.find("/devtools/") != std::string::npos) {
        page_path = ws->string.substr(ws->string.find("/devtools/"));
        return true;
      }
    }
    return false;
  });
  return page_path;
}

}  // namespace kiosk::test
