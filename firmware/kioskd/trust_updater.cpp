#include "firmware/kioskd/trust_updater.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/trust.h"

namespace kiosk::kioskd {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> package_paths(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(dir / "keyset.cose", ec)) files.push_back(dir / "keyset.cose");
  std::vector<fs::path> lists;
  for (const auto& e : fs::directory_iterator(dir / "status", ec)) {
    if (e.path().extension() == ".cose" && e.is_regular_file(ec)) lists.push_back(e.path());
  }
  std::sort(lists.begin(), lists.end());
  files.insert(files.end(), lists.begin(), lists.end());
  return files;
}

}  // namespace

TrustUpdater::TrustUpdater(boost::asio::io_context& ioc, const Config& config, Installer install)
    : ioc_(ioc), config_(config), install_(std::move(install)), dir_timer_(ioc), url_timer_(ioc) {}

std::string TrustUpdater::fingerprint(const std::string& dir) {
  std::string fp;
  std::error_code ec;
  for (const auto& p : package_paths(dir)) {
    auto size = fs::file_size(p, ec);
    auto time = fs::last_write_time(p, ec);
    fp += p.string() + ":" + std::to_string(size) + ":" +
          std::to_string(time.time_since_epoch().count()) + "\n";
  }
  return fp;
}

TrustFiles TrustUpdater::read_package(const std::string& dir, std::string* error) {
  TrustFiles files;
  for (const auto& p : package_paths(dir)) {
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    std::string rel = fs::relative(p, dir, ec).string();
    if (ec || size > kMaxTrustFile) {
      if (error) *error += rel + ": " + (ec ? ec.message() : "too large") + "; ";
      continue;
    }
    std::ifstream in(p, std::ios::binary);
    Bytes b(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!in) {
      if (error) *error += rel + ": read error; ";
      continue;
    }
    files.emplace_back(rel, std::move(b));
  }
  return files;
}

void TrustUpdater::start() {
  if (!config_.watch_dir.empty()) poll_dir();
  if (!config_.url.empty()) poll_url();
}

void TrustUpdater::stop() {
  stopped_ = true;
  dir_timer_.cancel();
  url_timer_.cancel();
}

void TrustUpdater::poll_dir() {
  if (stopped_) return;
  std::string fp = fingerprint(config_.watch_dir);
  if (fp != last_fingerprint_) {
    last_fingerprint_ = fp;
    if (!fp.empty()) {
      std::string error;
      TrustFiles files = read_package(config_.watch_dir, &error);
      install_("usb:" + config_.watch_dir, std::move(files), error);
    }
  }
  dir_timer_.expires_after(std::chrono::seconds(config_.watch_interval));
  dir_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_dir();
  });
}

void TrustUpdater::poll_url() {
  if (stopped_) return;
  auto url = parse_http_url(config_.url);
  if (url && !fetching_) {
    fetching_ = true;
    fetch_trust_package(ioc_, *url, [this](Result<TrustFiles, std::string> r) {
      fetching_ = false;
      if (stopped_) return;
      if (r) {
        install_(config_.url, std::move(*r), "");
      } else {
        install_(config_.url, {}, r.error());
      }
    });
  }
  url_timer_.expires_after(std::chrono::seconds(config_.url_interval));
  url_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_url();
  });
}

}  // namespace kiosk::kioskd
