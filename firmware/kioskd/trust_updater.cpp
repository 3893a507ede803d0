#include "firmware/kioskd/trust_updater.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

namespace kiosk::kioskd {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxStatusEntries = 64;

void log(const std::string& line) {
  std::cerr << "kioskd: " << line << std::endl;
}

/// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

std::string type_name(mode_t mode) {
  if (S_ISLNK(mode)) return "a symlink (not followed)";
  if (S_ISFIFO(mode)) return "a FIFO (not opened)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device (not opened)";
  if (S_ISSOCK(mode)) return "a socket (not opened)";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}

/// The package's entry names relative to `dirfd`: keyset.cose, then status/*.cose in name
/// order. `status_fd` is set when status/ is a real directory; a status/ that is not (a symlink
/// out of the folder, say) is reported in `skipped`.
std::vector<std::string> entry_names(int dirfd,
                                     std::vector<std::pair<std::string, std::string>>* skipped) {
  std::vector<std::string> names;
  struct stat st {};
  if (::fstatat(dirfd, "keyset.cose", &st, AT_SYMLINK_NOFOLLOW) == 0)
    names.push_back("keyset.cose");
  if (::fstatat(dirfd, "status", &st, AT_SYMLINK_NOFOLLOW) != 0) return names;
  if (!S_ISDIR(st.st_mode)) {
    if (skipped) skipped->emplace_back("status", "SKIPPED: " + type_name(st.st_mode));
    return names;
  }
  int sfd = ::openat(dirfd, "status", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sfd < 0) {
    if (skipped) skipped->emplace_back("status", std::string("SKIPPED: ") + std::strerror(errno));
    return names;
  }
  DIR* d = ::fdopendir(sfd);
  if (!d) {
    ::close(sfd);
    return names;
  }
  std::vector<std::string> lists;
  std::size_t over = 0;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() <= 5 || n.compare(n.size() - 5, 5, ".cose") != 0 || n.front() == '.') continue;
    if (lists.size() < 4 * kMaxStatusEntries) {
      lists.push_back("status/" + n);
    } else {
      ++over;
    }
  }
  ::closedir(d);
  std::sort(lists.begin(), lists.end());
  if (lists.size() > kMaxStatusEntries || over) {
    if (skipped)
      skipped->emplace_back("status",
                            "SKIPPED: " + std::to_string(lists.size() - kMaxStatusEntries + over) +
                                " files beyond the first 64");
    lists.resize(kMaxStatusEntries);
  }
  names.insert(names.end(), lists.begin(), lists.end());
  return names;
}

/// Reads one entry safely; the reason it was skipped otherwise.
Result<Bytes, std::string> read_entry(int dirfd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return Unexpected{std::string(std::strerror(errno))};
  // Only a regular file is ever opened: a FIFO would block, a device has side effects.
  if (!S_ISREG(st.st_mode)) return Unexpected{type_name(st.st_mode)};
  if (static_cast<std::uint64_t>(st.st_size) > kMaxTrustFile)
    return Unexpected{"too large (" + std::to_string(st.st_size) + " bytes, at most " +
                      std::to_string(kMaxTrustFile) + ")"};
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ELOOP) return Unexpected{type_name(S_IFLNK)};
    return Unexpected{std::string(std::strerror(errno))};
  }
  Fd guard(fd);
  struct stat st2 {};
  if (::fstat(fd, &st2) != 0) return Unexpected{std::string(std::strerror(errno))};
  // Swapped between the look and the open: the same checks on what was opened.
  if (!S_ISREG(st2.st_mode)) return Unexpected{type_name(st2.st_mode)};
  if (st2.st_ino != st.st_ino || st2.st_dev != st.st_dev)
    return Unexpected{std::string("replaced while being read")};
  if (static_cast<std::uint64_t>(st2.st_size) > kMaxTrustFile)
    return Unexpected{"too large (" + std::to_string(st2.st_size) + " bytes)"};
  Bytes b(static_cast<std::size_t>(st2.st_size));
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = ::read(fd, b.data() + got, b.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected{std::string("read error: ") + std::strerror(errno)};
    if (n == 0) return Unexpected{std::string("shorter than its size (still being copied?)")};
    got += static_cast<std::size_t>(n);
  }
  return b;
}

}  // namespace

TrustPackage read_trust_package(const std::string& dir) {
  TrustPackage p;
  // The configured folder itself may be a mount point reached through a link; inside it nothing
  // is followed.
  int dirfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    p.error = dir + ": " + std::strerror(errno);
    return p;
  }
  Fd guard(dirfd);
  for (const auto& name : entry_names(dirfd, &p.skipped)) {
    auto bytes = read_entry(dirfd, name);
    if (bytes) {
      p.files.emplace_back(name, std::move(*bytes));
    } else {
      p.skipped.emplace_back(name, "SKIPPED: " + bytes.error());
    }
  }
  return p;
}

std::string trust_package_fingerprint(const std::string& dir) {
  int dirfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return "";
  Fd guard(dirfd);
  std::string fp;
  for (const auto& name : entry_names(dirfd, nullptr)) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    fp += name + ":" + std::to_string(st.st_mode) + ":" + std::to_string(st.st_size) + ":" +
          std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
          std::to_string(st.st_ino) + "\n";
  }
  return fp;
}

UpdateReport install_package(keys::TrustStore& store, const keys::Anchors* anchors,
                             const std::string& anchors_error, std::int64_t now,
                             const std::string& source, const TrustPackage& package,
                             bool* storage_error) {
  UpdateReport report;
  report.time = now;
  report.source = source;
  report.error = package.error;
  if (!anchors) {
    report.error += (report.error.empty() ? "" : "; ") + anchors_error;
  } else {
    for (const auto& [file, bytes] : package.files) {
      auto r = store.install(bytes, *anchors, now);
      if (!r && storage_error) *storage_error = true;
      report.results.emplace_back(
          file, r ? std::string(keys::name(*r)) : "STORAGE_ERROR: " + r.error().message);
    }
  }
  for (const auto& s : package.skipped)
    report.results.push_back(s);
  std::string summary;
  for (const auto& [file, result] : report.results)
    summary += " " + file + "=" + result;
  log("trust update from " + source + ":" + summary +
      (report.error.empty() ? "" : " error: " + report.error));
  return report;
}

std::chrono::milliseconds next_poll_delay(std::int64_t interval, unsigned failures, double unit) {
  double base = static_cast<double>(interval);
  if (failures > 0) {
    double backoff = 10.0 * static_cast<double>(1u << std::min(failures - 1, 16u));
    base = std::min(base, backoff);
  }
  double factor = 0.8 + 0.4 * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(base * factor * 1000.0));
}

std::chrono::milliseconds storage_retry_delay(unsigned attempt) {
  std::int64_t s = std::int64_t{1} << std::min(attempt, 9u);
  return std::chrono::seconds(std::min<std::int64_t>(s, 300));
}

TrustUpdater::TrustUpdater(asio::io_context& ioc, const Config& config, Clock clock,
                           std::unique_ptr<keys::TrustStore> store, Done done)
    : main_(ioc),
      config_(config),
      clock_(clock),
      store_(std::move(store)),
      done_(std::make_shared<Done>(std::move(done))),
      dir_timer_(work_),
      url_timer_(work_),
      retry_timer_(work_),
      rng_(std::random_device{}() ^ std::hash<std::string>{}(config.kiosk_id)) {
  auto anchors = keys::load_anchors(config_.anchors_dir);
  if (anchors) {
    anchors_ = std::move(*anchors);
  } else {
    anchors_error_ = anchors.error();
  }
}

TrustUpdater::~TrustUpdater() {
  stop();
}

void TrustUpdater::start() {
  if (started_) return;
  started_ = true;
  work_.restart();
  asio::post(work_, [this] {
    if (!config_.watch_dir.empty()) poll_dir();
    if (!config_.url.empty()) {
      // The first fetch soon, spread over a tenth of the interval (at most 30 s): a province's
      // kiosks switched on together do not all arrive in the same second.
      double span = std::min<double>(30.0, static_cast<double>(config_.url_interval) / 10.0);
      arm_url(std::chrono::milliseconds(static_cast<std::int64_t>(
          span * 1000.0 * std::uniform_real_distribution<double>(0, 1)(rng_))));
    }
  });
  thread_ = std::thread([this] {
    // Below the event loop's priority: a costly install yields the CPU to the verdicts.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    auto guard = asio::make_work_guard(work_);
    work_.run();
  });
}

void TrustUpdater::stop() {
  if (!started_) return;
  started_ = false;
  work_.stop();
  if (thread_.joinable()) thread_.join();
  done_.reset();
}

void TrustUpdater::install(std::string source, TrustPackage package) {
  asio::post(work_, [this, source = std::move(source), p = std::move(package)]() mutable {
    do_install(source, std::move(p), 0);
  });
}

void TrustUpdater::raise_time_floor(std::int64_t t) {
  asio::post(work_, [this, t] {
    auto raised = store_->raise_time_floor(t);
    if (!raised) log("trust store: " + raised.error().message);
  });
}

void TrustUpdater::refresh() {
  asio::post(work_, [this] { post_outcome(TrustOutcome{}); });
}

TrustFetchStats TrustUpdater::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

void TrustUpdater::post_outcome(TrustOutcome outcome) {
  auto snap = store_->snapshot();
  if (snap) {
    outcome.snapshot = std::move(*snap);
  } else {
    outcome.snapshot_error = snap.error().message;
  }
  // The kiosk may stop before the loop runs this: the weak pointer then finds nothing.
  asio::post(main_, [d = std::weak_ptr<Done>(done_), o = std::move(outcome)]() mutable {
    if (auto done = d.lock()) (*done)(std::move(o));
  });
}

void TrustUpdater::do_install(const std::string& source, TrustPackage package, unsigned attempt) {
  if (attempt == 0) {
    ++generation_;  // a newer package replaces a pending retry
    retry_timer_.cancel();
  }
  if (!anchors_) {
    // Firmware anchors may have been fixed since start-up: try again.
    auto anchors = keys::load_anchors(config_.anchors_dir);
    if (anchors) anchors_ = std::move(*anchors);
  }
  bool storage_error = false;
  UpdateReport report = install_package(*store_, anchors_ ? &*anchors_ : nullptr, anchors_error_,
                                        clock_.now(), source, package, &storage_error);
  if (storage_error) {
    auto delay = storage_retry_delay(attempt);
    report.error +=
        std::string(report.error.empty() ? "" : "; ") + "storage failed, retry " +
        std::to_string(attempt + 1) + " in " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delay).count()) + " s";
    log("trust update from " + source + ": " + report.error);
    std::uint64_t gen = generation_;
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([this, gen, attempt, source,
                             p = std::move(package)](const boost::system::error_code& ec) mutable {
      if (ec || gen != generation_) return;
      do_install(source, std::move(p), attempt + 1);
    });
  }
  TrustOutcome outcome;
  outcome.report = std::move(report);
  outcome.storage_error = storage_error;
  post_outcome(std::move(outcome));
}

void TrustUpdater::poll_dir() {
  std::string fp = trust_package_fingerprint(config_.watch_dir);
  if (fp != last_fingerprint_) {
    last_fingerprint_ = fp;
    if (!fp.empty())
      do_install("usb:" + config_.watch_dir, read_trust_package(config_.watch_dir), 0);
  }
  dir_timer_.expires_after(std::chrono::seconds(config_.watch_interval));
  dir_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_dir();
  });
}

void TrustUpdater::arm_url(std::chrono::milliseconds delay) {
  url_timer_.expires_after(delay);
  url_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_url();
  });
}

void TrustUpdater::poll_url() {
  auto url = parse_http_url(config_.url);
  if (!url) return;  // the config checked it
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    ++stats_.polls;
  }
  fetch_trust_package(work_, *url, fetch_state_, [this](Result<FetchResult, std::string> r) {
    std::uniform_real_distribution<double> unit(0, 1);
    if (!r) {
      ++url_failures_;
      {
        std::lock_guard<std::mutex> lock(stats_mutex_);
        ++stats_.failures;
      }
      TrustPackage p;
      p.error = r.error();
      do_install(config_.url, std::move(p), 0);
      arm_url(next_poll_delay(config_.url_interval, url_failures_, unit(rng_)));
      return;
    }
    url_failures_ = 0;
    fetch_state_ = std::move(r->state);
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      stats_.last_success = clock_.now();
      stats_.files_fetched += r->files.size();
      if (r->files.empty()) ++stats_.not_modified;
    }
    // Nothing changed since the last fetch: nothing to install, nothing to show.
    if (!r->files.empty()) {
      TrustPackage p;
      p.files = std::move(r->files);
      do_install(config_.url, std::move(p), 0);
    }
    arm_url(next_poll_delay(config_.url_interval, 0, unit(rng_)));
  });
}

}  // namespace kiosk::kioskd
