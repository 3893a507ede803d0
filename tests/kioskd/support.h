// What the kioskd tests share: real processes, real sockets, real files. Every wait has a bound
// so that a broken kioskd fails the test instead of hanging it; no bound is an assertion.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/json.h"

namespace kiosk::test {

/// A fresh directory under the build tree, removed on destruction.
struct TempDir {
  explicit TempDir(const std::string& name);
  ~TempDir();
  std::string path;
};

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

struct ProcessOptions {
  std::map<std::string, std::string> env;    ///< added to the environment
  std::string stdout_file, stderr_file;      ///< "" keeps the test's own
  std::optional<std::uint64_t> fsize_limit;  ///< RLIMIT_FSIZE for the child
  std::string stdin_file;                    ///< "" keeps the test's own
};

/// A child process, killed (SIGKILL) and reaped on destruction if still running.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const ProcessOptions& opt = {});
  ~Process();
  pid_t pid() const { return pid_; }
  void signal(int sig);
  /// Waits up to `limit` for the exit; the exit status (or 128+signal), nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds limit = std::chrono::seconds(20));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Polls `cond` every 20 ms until true or `limit`; returns the last value.
bool wait_until(const std::function<bool()>& cond,
                std::chrono::milliseconds limit = std::chrono::seconds(20));

/// The headless Chromium of the screen tests ("" when not installed) and its arguments with a
/// throw-away profile directory.
std::string chromium();
std::vector<std::string> chromium_args(const std::string& profile);

/// An npm prefix under the build directory holding axe-core and puppeteer-core, installed with
/// npm on first use (nothing is vendored); nullopt, with `why`, when Chromium is missing or npm
/// cannot install them.
std::optional<std::string> npm_browser_tools(std::string* why);

std::string kioskd_path();
std::string kioskd_demo_path();
/// The screens' files in the source tree (base_config's [ui] www).
std::string www_dir();
std::string kioskctl_path();
std::string vectors();

/// The QR text or chip JSON of a vector case's input, as a feed payload.
std::string case_payload(const std::string& id);
const json::Value& case_input(const std::string& id);

/// Runs a command to completion, capturing stdout and stderr, with `input` (when given) on its
/// standard input; returns the exit status. No shell: a program of the build starts through the
/// emulator in a cross build, as every Process does.
int run(const std::vector<std::string>& argv, std::string* out = nullptr,
        std::string* err = nullptr, const std::string* input = nullptr);

/// Whether a config text plays a feed ([devices] feed = FILE): a simulated input that only
/// kioskd-demo has.
bool plays_feed(const std::string& config_text);

/// A running kioskd (or `program`, e.g. kioskd_demo_path() with "--no-demo") with a config
/// written from `sections`, on a free loopback port; DIR/data is created (the state folder). A
/// config that plays a feed runs kioskd-demo --no-demo in place of the production kioskd.
struct Kioskd {
  Kioskd(const std::string& dir, const std::string& config_text,
         const std::vector<std::string>& extra_args = {}, const ProcessOptions& opt = {},
         const std::string& program = kioskd_path());
  std::string url;  ///< http://127.0.0.1:PORT/
  std::uint16_t port = 0;
  std::string self_url;  ///< the self-service listener's, when [console] gives it one
  std::uint16_t self_port = 0;
  /// A signed-in officer's Cookie header value ("kiosk_session=..."): the first call adds an
  /// officer to the kiosk's store with kioskctl and signs in (Argon2id: about a second).
  const std::string& cookie();
  std::string stderr_path;
  std::unique_ptr<Process> proc;
  bool ready = false;
  /// SIGTERM and wait; returns the exit status.
  int stop();

 private:
  std::string dir_;
  std::string cookie_;
};

/// The test officer cookie() signs in as.
inline constexpr const char* kTestOfficer = "officer1";
inline constexpr const char* kTestPassword = "officer-pin-1";

/// Adds an officer to the store of the kiosk in `dir` (DIR/data/trust.db); the exit status.
int add_officer(const std::string& dir, const std::string& name, const std::string& password,
                const std::string& role = "officer");

/// POSTs a sign-in to the console; returns {status, "kiosk_session=TOKEN" or ""}.
std::pair<int, std::string> sign_in(std::uint16_t port, const std::string& name,
                                    const std::string& password);

/// The config text for a test kiosk in `dir` with the vectors' anchors, a fixed clock at the
/// vectors' time, and `extra` appended (more sections).
std::string base_config(const std::string& dir, const std::string& extra = "",
                        std::int64_t now = 1796000000);

/// Installs the vectors' trust package into DIR/data/trust.db with kioskctl.
void install_vector_trust(const std::string& data_dir, std::int64_t now = 1796000000);

/// A raw TCP exchange: sends `data`, reads until the peer closes or `limit`; returns what came.
std::string raw_exchange(std::uint16_t port, const std::string& data,
                         std::chrono::milliseconds limit = std::chrono::seconds(10));

/// A loopback TCP port that was free a moment ago (for servers that take a port number), below
/// the ephemeral range.
std::uint16_t free_port();

/// GET `path`; returns {status, body}; status 0 when the connection failed.
/// GET `path` (with a Cookie header when `cookie` is not empty); returns {status, body}; status 0
/// when the connection failed.
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path,
                                     const std::string& cookie = "");

/// The value of the sample line `series` ("name{labels}") in a /metrics text, or -1 when absent.
double metric_value(const std::string& text, const std::string& series);

/// The number of entries in an officer state message's session (0 when it has none).
std::size_t entry_count(const json::Value& state);

/// The longest audit commit among an officer state's entries, from kioskd's own stamps
/// (timing.committed_us - timing.verified_us); 0 when no entry has both.
std::chrono::microseconds longest_audit_commit(const json::Value& state);

/// A WebSocket client (Boost.Beast) with bounded waits.
class WsClient {
 public:
  /// Connects and upgrades, sending `cookie` and `origin` headers when not empty.
  WsClient(std::uint16_t port, const std::string& path, const std::string& cookie = "",
           const std::string& origin = "");
  ~WsClient();
  bool connected() const;
  /// The next message, or nullopt after `limit`.
  std::optional<std::string> read(std::chrono::milliseconds limit = std::chrono::seconds(10));
  /// Reads state messages until `pred` holds for one; returns it (parsed) or nullopt.
  std::optional<json::Value> read_until(const std::function<bool(const json::Value&)>& pred,
                                        std::chrono::milliseconds limit = std::chrono::seconds(20));
  bool send(const std::string& text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The DevTools port of a Chromium started with --remote-debugging-port=0 and
/// --user-data-dir=`profile` (Chromium binds a free port and writes it to DevToolsActivePort, so
/// no other process can take it between a probe and the bind); 0 if `chromium` exits first or
/// none appears within 120 s. The first Chromium on a freshly installed machine reads its ~250 MB
/// from a cold disk beside the rest of the suite: CI once saw no port within 20 s.
std::uint16_t devtools_port(const std::string& profile, Process& chromium);

/// The DevTools WebSocket path ("/devtools/page/...") of the page a Chromium with DevTools on
/// port `devtools` shows at a URL starting with `url_prefix`; "" if none
/// appears within 20 s.
std::string devtools_page(std::uint16_t devtools, const std::string& url_prefix);

}  // namespace kiosk::test
