// kioskd-demo's live demo: simulated devices behind the real drivers, chosen by configuration like
// any device. A kiosk-sim test PKI is made at start-up (fixed seed, the system clock), and a
// script presents, one after another, a live e-card drawn on a phone screen and a WPNL on paper to
// the simulated counter camera (`camera = sim:counter`: sim/scene frames decoded by the app/scan
// pipeline through CameraSource), a legacy WP card through a simulated serial scanner on a pty
// (`scanner = DATA/scanner.tty`: kioskd's real SerialScanner reads it), the chip through a virtual
// card (`reader = sim:counter`: app/chip's read_chip through CardSource), then the common
// failures: a stale e-card screenshot, a forged letter, a revoked letter, another city's letter,
// a cloned chip. TEST MATERIAL: every key comes from a public seed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "app/result.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/devices.h"

namespace kiosk::kioskd {

struct LiveDemoSetup {
  Config config;
  std::string package_dir;  ///< the test PKI's trust package, installed at start-up
};

/// Makes the test PKI for `seed` at the system time in DATA/pki and the configuration: system
/// clock, the PKI's anchors, the demo's devices (sim:counter camera and reader, the pty scanner).
Result<LiveDemoSetup, std::string> prepare_live_demo(const Config& base,
                                                     const std::string& data_dir,
                                                     std::uint64_t seed = 2026);

/// The simulated counter: what its camera sees, the pty behind the serial scanner, the virtual
/// card in the reader, and the script that plays them (timers on the io_context).
class DemoDevices {
 public:
  /// Issues the demo's credentials from DATA/pki and opens the pty (DATA/scanner.tty).
  static Result<std::unique_ptr<DemoDevices>, std::string> create(boost::asio::io_context& ioc,
                                                                  const std::string& data_dir,
                                                                  bool loop = true);
  ~DemoDevices();
  /// Adds camera and reader kind "sim:counter" (this counter's devices) to `r`. The registry's
  /// factories refer to this object: it outlives the kiosk's sources.
  void register_devices(DeviceRegistry& r);
  /// Starts the script.
  void start();
  /// The kiosk made a verdict (on the event loop). A step stays presented for its 3.5 s and
  /// until the kiosk has read it (at most 60 s): on a slow board or under emulation the script
  /// waits for the kiosk instead of running ahead of it.
  void verdict_seen();
  void stop();

  struct Impl;

 private:
  explicit DemoDevices(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::kioskd
