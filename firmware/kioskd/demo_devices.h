// `kioskd --demo` with simulated devices behind the real drivers: a kiosk-sim test PKI made at
// start-up (fixed seed, the system clock), and a script that presents, one after another, a live
// e-card drawn on a phone screen and a WPNL on paper to a simulated camera (rendered by sim/scene,
// decoded by the app/scan pipeline through CameraSource), a legacy WP card through a simulated
// serial scanner on a pty (read by drivers/scanner's SerialScanner), the chip through an
// in-process virtual card (read by app/chip's read_chip through CardSource), then the common
// failures: a stale e-card screenshot, a forged letter, a revoked letter, another city's letter,
// a cloned chip. TEST MATERIAL: every key comes from a public seed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "app/result.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

struct LiveDemoSetup {
  Config config;
  std::string package_dir;  ///< the test PKI's trust package, installed at start-up
};

/// Makes the test PKI for `seed` at the system time in DATA/pki (`data_dir` "" for a fresh
/// temporary directory) and the configuration: system clock, the PKI's anchors, no feed.
Result<LiveDemoSetup, std::string> prepare_live_demo(const Config& base,
                                                     const std::string& data_dir,
                                                     std::uint64_t seed = 2026);

/// The simulated devices and the script that plays them. Handlers run on the io_context.
class DemoDevices {
 public:
  /// Issues the demo's credentials from DATA/pki and opens the simulated devices (the pty link is
  /// DATA/scanner.tty). Error: the reason.
  static Result<std::unique_ptr<DemoDevices>, std::string> create(boost::asio::io_context& ioc,
                                                                  const std::string& data_dir,
                                                                  bool loop = true);
  ~DemoDevices();
  void start(QrTextSource::TextHandler on_text, ChipSource::ChipHandler on_chip,
             StatusHandler on_status);
  void stop();

  struct Impl;

 private:
  explicit DemoDevices(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::kioskd
