#include "sim/vcard/pcscd_sandbox.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/pcsc/pcsc_card_reader.h"

namespace kiosk::sim {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr char kVpcdDriver[] = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
constexpr char kFixedDir[] = "/run/pcscd";

bool alive(pid_t p) {
  return p > 0 && ::kill(p, 0) == 0;
}

// Waits for child `p` to exit, at most `bound`; true when it did (and was reaped).
bool reap(pid_t p, std::chrono::milliseconds bound) {
  auto until = std::chrono::steady_clock::now() + bound;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(p, &status, WNOHANG);
    if (r == p || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// Can this process give a child its own mount namespace? Asked once, of a throw-away child.
bool can_isolate() {
  static const bool yes = [] {
    pid_t p = ::fork();
    if (p == 0) {
      bool ok = ::unshare(CLONE_NEWNS) == 0 &&
                ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
      ::_exit(ok ? 0 : 1);
    }
    if (p < 0) return false;
    int status = 0;
    ::waitpid(p, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }();
  return yes;
}

// The socket directory of this process's sandboxes (libpcsclite caches the socket name).
std::string& run_dir_storage() {
  static std::string dir;
  return dir;
}

void remove_run_dir() {
  std::error_code ec;
  if (!run_dir_storage().empty()) fs::remove_all(run_dir_storage(), ec);
}

const std::string& private_run_dir() {
  static const bool made = [] {
    std::string t = (fs::temp_directory_path() / "kiosk-pcscd-run.XXXXXX").string();
    if (!::mkdtemp(t.data())) return false;
    run_dir_storage() = t;
    std::atexit(remove_run_dir);
    return true;
  }();
  (void)made;
  return run_dir_storage();
}

// A pcscd on the fixed path that is not ours: stop it (only in the non-isolated mode).
void stop_stray_pcscd() {
  std::ifstream in(std::string(kFixedDir) + "/pcscd.pid");
  long pid = 0;
  if (in >> pid && pid > 1) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    if (comm >> name && name == "pcscd") {
      ::kill(static_cast<pid_t>(pid), SIGTERM);
      for (int i = 0; i < 250 && alive(static_cast<pid_t>(pid)); ++i)
        std::this_thread::sleep_for(20ms);
      if (alive(static_cast<pid_t>(pid))) ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  std::error_code ec;
  fs::remove(std::string(kFixedDir) + "/pcscd.comm", ec);
  fs::remove(std::string(kFixedDir) + "/pcscd.pid", ec);
}

}  // namespace

namespace {

bool port_free(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);  // vpcd listens on every address
  a.sin_port = htons(port);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t free_tcp_port_pair() {
  for (int attempt = 0; attempt < 64; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    ::close(fd);
    if (port != 0 && port < 65535 && port_free(port) &&
        port_free(static_cast<std::uint16_t>(port + 1)))
      return port;
  }
  return 0;
}

Result<bool, std::string> PcscdSandbox::configure(int entries) {
  // vpcd keeps its connection state per slot, not per entry: a second entry's slots would share
  // the first one's. One entry (two readers) is all a pcscd with vpcd can hold.
  if (entries < 0 || entries > 1) return Unexpected{std::string("vpcd supports 0 or 1 entry")};
  std::error_code ec;
  fs::remove_all(conf_, ec);
  fs::create_directories(conf_);
  for (int attempt = 0; static_cast<int>(ports_.size()) < entries; ++attempt) {
    std::uint16_t p = free_tcp_port_pair();
    if (p == 0 || attempt > 64) return Unexpected{std::string("no free pair of TCP ports")};
    // Nothing listens yet: keep the pairs of different entries apart by hand.
    bool clash = false;
    for (std::uint16_t q : ports_)
      clash = clash || (p + 1 >= q && p <= q + 1);
    if (!clash) ports_.push_back(p);
  }
  ports_.resize(static_cast<std::size_t>(entries));
  for (int i = 0; i < entries; ++i) {
    std::ofstream out(conf_ + "/vpcd-" + std::to_string(i));
    out << "FRIENDLYNAME \"Virtual PCD\"\n"
        << "DEVICENAME /dev/null:" << ports_[static_cast<std::size_t>(i)] << "\n"
        << "LIBPATH " << kVpcdDriver << "\n";
  }
  return true;
}

Result<std::unique_ptr<PcscdSandbox>, std::string> PcscdSandbox::start(
    int entries, std::chrono::milliseconds ready_within) {
  if (!fs::exists(kVpcdDriver))
    return Unexpected{std::string("vpcd driver missing: ") + kVpcdDriver +
                      " (toolchain/install-deps.sh installs vsmartcard-vpcd)"};
  std::unique_ptr<PcscdSandbox> s(new PcscdSandbox());
  std::string t = (fs::temp_directory_path() / "kiosk-pcscd.XXXXXX").string();
  if (!::mkdtemp(t.data())) return Unexpected{std::string("mkdtemp failed")};
  s->dir_ = t;
  s->conf_ = t + "/reader.conf.d";
  auto conf = s->configure(entries);
  if (!conf) return Unexpected{conf.error()};
  // KIOSK_PCSCD_SHARED=1 forces the fixed socket (to test that mode where namespaces work).
  const char* shared = std::getenv("KIOSK_PCSCD_SHARED");
  bool force_shared = shared && std::string(shared) == "1";
  s->isolated_ = !force_shared && can_isolate() && !private_run_dir().empty();
  if (s->isolated_) {
    s->socket_ = private_run_dir() + "/pcscd.comm";
    ::setenv("PCSCLITE_CSOCK_NAME", s->socket_.c_str(), 1);
  } else {
    s->socket_ = std::string(kFixedDir) + "/pcscd.comm";
  }
  auto ok = s->launch(ready_within);
  if (!ok) return Unexpected{ok.error()};
  return s;
}

Result<bool, std::string> PcscdSandbox::launch(std::chrono::milliseconds ready_within) {
  std::error_code ec;
  fs::create_directories(kFixedDir, ec);  // the mount point (pcscd creates it anyway)
  if (isolated_) {
    fs::remove(private_run_dir() + "/pcscd.comm", ec);
    fs::remove(private_run_dir() + "/pcscd.pid", ec);
  } else {
    stop_stray_pcscd();
  }
  std::string log = dir_ + "/pcscd.log";
  pid_t p = ::fork();
  if (p < 0) return Unexpected{std::string("fork failed")};
  if (p == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::setpgid(0, 0);
    if (isolated_) {
      if (::unshare(CLONE_NEWNS) != 0 ||
          ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
          ::mount(private_run_dir().c_str(), kFixedDir, nullptr, MS_BIND, nullptr) != 0)
        ::_exit(97);
    }
    ::execlp("pcscd", "pcscd", "-f", "-c", conf_.c_str(), static_cast<char*>(nullptr));
    ::_exit(98);
  }
  pid_ = p;
  // Ready when pcscd lists every configured reader (bounded; generous for busy machines).
  auto until = std::chrono::steady_clock::now() + ready_within;
  std::string last = "pcscd did not answer";
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      if (code == 98)
        return Unexpected{std::string("pcscd not found (toolchain/install-deps.sh installs it)")};
      if (code == 97) return Unexpected{std::string("cannot bind-mount a private /run/pcscd")};
      return Unexpected{"pcscd exited at start (status " + std::to_string(status) + "), log " +
                        log};
    }
    if (fs::exists(socket_)) {
      drivers::PcscConfig cfg;
      cfg.call_timeout = 2s;
      drivers::PcscCardReader r(cfg);
      auto l = r.readers();
      if (l && static_cast<int>(l->size()) >= reader_count()) return true;
      last = l ? std::to_string(l->size()) + " of " + std::to_string(reader_count()) + " readers"
               : l.error().detail;
    }
    std::this_thread::sleep_for(50ms);
  }
  stop(true);
  return Unexpected{"pcscd not ready: " + last + ", log " + log};
}

void PcscdSandbox::stop(bool hard) {
  if (pid_ <= 0) return;
  ::kill(pid_, hard ? SIGKILL : SIGTERM);
  if (!reap(pid_, 10s)) {
    ::kill(pid_, SIGKILL);
    reap(pid_, 10s);
  }
  pid_ = -1;
  if (hard) {  // a killed pcscd leaves its socket and pid file behind
    std::error_code ec;
    fs::remove(socket_, ec);
  }
}

Result<bool, std::string> PcscdSandbox::restart(std::chrono::milliseconds ready_within) {
  stop();
  return launch(ready_within);
}

Result<bool, std::string> PcscdSandbox::restart_with(int entries,
                                                     std::chrono::milliseconds ready_within) {
  stop();
  auto conf = configure(entries);
  if (!conf) return conf;
  return launch(ready_within);
}

PcscdSandbox::~PcscdSandbox() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

bool wait_no_card(drivers::CardReader& reader, std::chrono::milliseconds limit,
                  std::chrono::milliseconds every) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    auto l = reader.readers();
    bool any = false;
    if (l)
      for (const auto& r : *l)
        any = any || r.card_present;
    if (l && !any) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace kiosk::sim
