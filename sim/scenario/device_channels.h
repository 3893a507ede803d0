// The scenario runner's device paths through the drivers' simulated implementations:
// - RenderedCameraChannel: the QR text is rendered by sim/scene on its carrier (phone screen for
//   an e-card, letter for a WPNL, card for a legacy card) into a 1280x720 camera frame, decoded by
//   the app/scan pipeline, and the decoded text verified;
// - PtyScannerChannel: the QR text is sent as a line on a pty (sim/scanner) and read by the real
//   serial driver (drivers/scanner SerialScanner) on its own io_context, then verified.
// The step's time to verdict then includes rendering the frame (camera) or the serial line.
#pragma once

#include <memory>
#include <string>

#include "sim/scenario/channel.h"

namespace kiosk::sim {

class RenderedCameraChannel final : public Channel {
 public:
  explicit RenderedCameraChannel(std::uint64_t seed = 1) : seed_(seed) {}
  std::string label() const override { return "camera(rendered+scan)"; }
  Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& kiosk) override;

 private:
  std::uint64_t seed_;
  std::uint64_t count_ = 0;
};

class PtyScannerChannel final : public Channel {
 public:
  /// `dir`: where the pty's link is made (a private directory).
  explicit PtyScannerChannel(std::string dir) : dir_(std::move(dir)) {}
  std::string label() const override { return "scanner(pty+serial)"; }
  Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& kiosk) override;

 private:
  std::string dir_;
  std::uint64_t count_ = 0;
};

}  // namespace kiosk::sim
