#include "sim/scenario/device_channels.h"

#include <boost/asio/io_context.hpp>
#include <optional>

#include "app/scan/scanner.h"
#include "drivers/scanner/serial_scanner.h"
#include "sim/rng.h"
#include "sim/scanner/pty_serial_sim.h"
#include "sim/scene/scene.h"

namespace kiosk::sim {

Result<Verdict, std::string> RenderedCameraChannel::deliver(const Issued& issued,
                                                            const KioskView& k) {
  if (issued.qr.empty())
    return Unexpected{std::string("nothing to show: the issue has no QR text")};
  scene::SceneSpec spec;
  spec.text = issued.qr;
  spec.carrier = scene::Carrier::kLetter;
  if (issued.presenter) spec.carrier = scene::Carrier::kPhoneLight;
  if (issued.info && issued.info->doc == DocKind::kWpcard) spec.carrier = scene::Carrier::kCard;
  Rng rng(seed_ + count_++);
  auto sc = scene::render_scene(spec, rng);
  const cv::Mat& m = sc.frame;
  scan::ImageView view{m.data, m.cols, m.rows, static_cast<int>(m.step[0]),
                       scan::PixelFormat::kBgr8};
  auto rep = scan::scan(view);
  if (!rep) return Unexpected{"scan: " + std::string(scan::error_text(rep.error()))};
  if (rep->codes.empty()) return Unexpected{std::string("camera: no code decoded from the frame")};
  return verify_qr(rep->codes.front().text, k.trust, k.settings, k.now);
}

Result<Verdict, std::string> PtyScannerChannel::deliver(const Issued& issued, const KioskView& k) {
  if (issued.qr.empty())
    return Unexpected{std::string("nothing to scan: the issue has no QR text")};
  auto pty = PtySerialSim::create(dir_ + "/scanner-" + std::to_string(count_++) + ".tty");
  if (!pty) return Unexpected{"pty: " + pty.error()};
  boost::asio::io_context io;
  drivers::SerialSettings s;
  s.device = (*pty)->path();
  auto scanner = drivers::SerialScanner::create(io, s);
  std::optional<std::string> line;
  std::string rejected;
  drivers::ScannerHandlers h;
  h.on_line = [&](const drivers::ScanLine& l) { line = l.text; };
  h.on_reject = [&](const drivers::ScanReject& r) {
    rejected = std::string(drivers::name(r.reason)) + ": " + r.detail;
  };
  scanner->start(std::move(h));
  (*pty)->send_line(issued.qr, "\r");
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!line && rejected.empty() && std::chrono::steady_clock::now() < until) {
    (*pty)->pump();
    io.run_for(std::chrono::milliseconds(20));
  }
  scanner->stop();
  io.run_for(std::chrono::milliseconds(10));
  if (!rejected.empty()) return Unexpected{"scanner rejected the line: " + rejected};
  if (!line) return Unexpected{std::string("scanner: no line within 5 s")};
  return verify_qr(*line, k.trust, k.settings, k.now);
}

}  // namespace kiosk::sim
