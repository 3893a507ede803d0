// The seam between a scenario step and the kiosk: a Channel takes what the simulator issued and
// delivers it to the verifier the way one device class would, returning the verdict.
//
// Built in: DirectQrChannel (the QR text goes straight to verify_qr, standing in for the camera
// and the scanner until their paths are plugged in) and InProcessCardChannel (a card object that
// answers a fresh random challenge, then verify_chip). The rendered-camera path (sim/scene ->
// camera pipeline) and the pty-scanner path plug in by implementing Channel and passing it in
// RunOptions::channels under "camera" or "scanner".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/result.h"
#include "app/verifier.h"
#include "sim/issuer/issuer.h"

namespace kiosk::sim {

/// What the kiosk knows when a presentation arrives.
struct KioskView {
  const TrustSnapshot& trust;
  const VerifySettings& settings;
  std::int64_t now;  ///< the kiosk's clock at this step
};

class Channel {
 public:
  virtual ~Channel() = default;
  /// How the report names this path, e.g. "camera(direct)".
  virtual std::string label() const = 0;
  /// Delivers `issued` (its QR text, redrawn with `present` for e-cards if the path needs a new
  /// frame, or its card) and returns the kiosk's verdict. An error (as text) means the path
  /// itself failed (nothing decoded, device lost): the step fails with that message. May block
  /// for as long as the device path takes; must not keep state between calls that changes
  /// verdicts.
  virtual Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& kiosk) = 0;
};

/// The QR text goes straight to verify_qr (no image, no serial line).
class DirectQrChannel final : public Channel {
 public:
  explicit DirectQrChannel(std::string device) : device_(std::move(device)) {}
  std::string label() const override { return device_ + "(direct)"; }
  Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& kiosk) override;

 private:
  std::string device_;
};

/// The issued SimCard answers a fresh random 32-byte challenge; the answer goes to verify_chip.
class InProcessCardChannel final : public Channel {
 public:
  std::string label() const override { return "card(in-process)"; }
  Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& kiosk) override;
};

}  // namespace kiosk::sim
