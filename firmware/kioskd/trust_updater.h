// Live trust updates while the kiosk serves: a watched directory (a USB stick's mount point),
// polled, and an optional HTTP URL polled on a jittered interval. Both hand the files of a trust
// package (keyset.cose first, then status/*.cose) to the trust store, which installs them by the
// spec's rules.
//
// All of it runs on the updater's own worker thread, never on kioskd's event loop: reading a
// stick, fetching, checking signatures and writing the store may take seconds for a hostile
// file, and the officer's page and the verdicts must not wait for that. The worker owns the
// trust store once started (it is the only writer); each finished install is posted back to the
// event loop as a report and a fresh snapshot.
//
// Polling, not inotify: a stick is mounted over the watch point, which inotify on the directory
// does not report, and a poll every few seconds costs nothing. A package is picked up when its
// entries' names, types, sizes or times change. Only regular files inside the folder are read:
// a symlink is never followed, a FIFO or device never opened, a file over kMaxTrustFile never
// read; each skipped file is reported with its reason. A storage failure (disk full) is retried
// with backoff until it succeeds or a newer package replaces it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/trust.h"
#include "firmware/kioskd/clock.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/http_fetch.h"
#include "firmware/kioskd/view_model.h"
#include "keys/anchors.h"
#include "keys/store.h"

namespace kiosk::kioskd {

/// A trust package as read from a directory: the files to install, the entries skipped (name
/// relative to the directory, reason) and an error that stopped the read.
struct TrustPackage {
  TrustFiles files;
  std::vector<std::pair<std::string, std::string>> skipped;
  std::string error;
};

/// Reads a trust package directory (keyset.cose, then status/*.cose in name order) safely:
/// entries are inspected with lstat semantics, opened O_NOFOLLOW|O_NONBLOCK relative to the
/// directory, checked again after opening (same inode, a regular file) and read only when at
/// most kMaxTrustFile bytes. `status` itself must be a real directory (not a symlink).
TrustPackage read_trust_package(const std::string& dir);

/// A fingerprint of the package's entries (names, types, sizes, modification times, inodes),
/// taken without following symlinks; "" when there is none.
std::string trust_package_fingerprint(const std::string& dir);

/// Installs a package's files into the store in order (keyset first) and reports each file's
/// result and each skipped entry; `storage_error` is set when a file could not be stored.
/// `anchors` null: nothing is installed and `anchors_error` is the report's error.
UpdateReport install_package(keys::TrustStore& store, const keys::Anchors* anchors,
                             const std::string& anchors_error, std::int64_t now,
                             const std::string& source, const TrustPackage& package,
                             bool* storage_error);

/// How long to wait before the next URL poll: `interval` seconds after a success, an
/// exponential backoff from 10 s capped at `interval` after `failures` failures in a row; both
/// spread by +-20 % (`unit` in [0,1)) so that a fleet does not arrive in the same second.
std::chrono::milliseconds next_poll_delay(std::int64_t interval, unsigned failures, double unit);

/// The storage retry delay after `attempt` failed attempts: 1 s, 2 s, 4 s, ... at most 5 min.
std::chrono::milliseconds storage_retry_delay(unsigned attempt);

/// What the updater tells the event loop after each install or refresh.
struct TrustOutcome {
  std::optional<UpdateReport> report;     ///< none for a plain refresh
  std::optional<TrustSnapshot> snapshot;  ///< the store's trust after it
  std::string snapshot_error;             ///< why there is no snapshot
  bool storage_error = false;             ///< a file failed to store; a retry is scheduled
};

/// Counters of the URL poller, read on the event loop through stats().
struct TrustFetchStats {
  std::uint64_t polls = 0;          ///< fetch attempts
  std::uint64_t not_modified = 0;   ///< polls where nothing changed (every file 304)
  std::uint64_t failures = 0;       ///< polls that failed (connect, HTTP status, manifest)
  std::uint64_t files_fetched = 0;  ///< files downloaded (200)
  std::int64_t last_success = 0;    ///< epoch seconds of the last successful poll, 0 never
};

class TrustUpdater {
 public:
  using Done = std::function<void(TrustOutcome)>;  ///< called on the event loop

  /// `ioc` is kioskd's event loop (results are posted to it); the store is owned from now on.
  TrustUpdater(boost::asio::io_context& ioc, const Config& config, Clock clock,
               std::unique_ptr<keys::TrustStore> store, Done done);
  ~TrustUpdater();
  TrustUpdater(const TrustUpdater&) = delete;
  TrustUpdater& operator=(const TrustUpdater&) = delete;

  /// Starts the worker thread and the polls of the watched directory and the URL.
  void start();
  /// Stops the polls and joins the worker; pending work is dropped and no outcome is delivered
  /// after it.
  void stop();

  /// Installs a package (the start-up package, say) on the worker; the outcome is posted back.
  void install(std::string source, TrustPackage package);
  /// Raises the store's time floor (an audit record's time) on the worker.
  void raise_time_floor(std::int64_t t);
  /// Posts a fresh snapshot back (expiry re-evaluation).
  void refresh();

  TrustFetchStats stats() const;

 private:
  void poll_dir();
  void poll_url();
  void arm_url(std::chrono::milliseconds delay);
  void do_install(const std::string& source, TrustPackage package, unsigned attempt);
  void post_outcome(TrustOutcome outcome);

  boost::asio::io_context& main_;
  const Config& config_;
  Clock clock_;
  std::unique_ptr<keys::TrustStore> store_;
  std::shared_ptr<Done> done_;
  std::optional<keys::Anchors> anchors_;
  std::string anchors_error_;

  boost::asio::io_context work_;  ///< the worker's own loop: timers, fetches, installs
  std::thread thread_;
  boost::asio::steady_timer dir_timer_, url_timer_, retry_timer_;
  std::string last_fingerprint_;
  FetchState fetch_state_;
  unsigned url_failures_ = 0;
  std::mt19937_64 rng_;
  std::uint64_t generation_ = 0;  ///< bumped per install: a stale retry is dropped
  mutable std::mutex stats_mutex_;
  TrustFetchStats stats_;
  bool started_ = false;
};

}  // namespace kiosk::kioskd
