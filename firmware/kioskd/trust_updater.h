// Live trust updates while the kiosk serves: a watched directory (a USB stick's mount point),
// polled, and an optional HTTP URL polled on an interval. Both hand the files of a trust package
// (keyset.cose first, then status/*.cose) to the kiosk, which installs them by the spec's rules.
//
// Polling, not inotify: a stick is mounted over the watch point, which inotify on the directory
// does not report, and a poll every few seconds costs nothing. A package is picked up when its
// files' names, sizes or times change; a file still being copied that fails to install is tried
// again when it changes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "firmware/kioskd/config.h"
#include "firmware/kioskd/http_fetch.h"

namespace kiosk::kioskd {

class TrustUpdater {
 public:
  /// Installs the files and reports; `source` names where they came from.
  using Installer =
      std::function<void(const std::string& source, TrustFiles files, const std::string& error)>;

  TrustUpdater(boost::asio::io_context& ioc, const Config& config, Installer install);
  void start();
  void stop();

  /// Reads a trust package directory (keyset.cose, then status/*.cose in name order); files
  /// larger than kMaxTrustFile or unreadable come back in `error`.
  static TrustFiles read_package(const std::string& dir, std::string* error);

  /// A fingerprint of the package files (names, sizes, modification times); "" when none.
  static std::string fingerprint(const std::string& dir);

 private:
  void poll_dir();
  void poll_url();
  boost::asio::io_context& ioc_;
  const Config& config_;
  Installer install_;
  boost::asio::steady_timer dir_timer_, url_timer_;
  std::string last_fingerprint_;
  bool stopped_ = false;
  bool fetching_ = false;
};

}  // namespace kiosk::kioskd
