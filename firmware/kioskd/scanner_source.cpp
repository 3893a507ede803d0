#include "firmware/kioskd/scanner_source.h"

namespace kiosk::kioskd {

ScannerSource::ScannerSource(std::shared_ptr<drivers::Scanner> scanner)
    : scanner_(std::move(scanner)) {}

ScannerSource::~ScannerSource() {
  stop();
}

void ScannerSource::start(TextHandler on_text, StatusHandler on_status) {
  if (started_) return;
  started_ = true;
  drivers::ScannerHandlers h;
  h.on_line = [on_text](const drivers::ScanLine& line) {
    if (on_text) on_text(Channel::kScanner, line.text, InputTiming{});
  };
  h.on_reject = [on_status, this](const drivers::ScanReject& r) {
    // A refused line is no verdict: the officer sees "scan again" with the reason.
    if (on_status)
      on_status({"scanner", scanner_->status().state,
                 "scan again: " + std::string(drivers::name(r.reason)) + " (" + r.detail + ")"});
  };
  h.on_state = [on_status](const drivers::ScannerStatus& s) {
    if (on_status)
      on_status({"scanner", s.state, s.state == drivers::DeviceState::kReady ? "" : s.detail});
  };
  scanner_->start(std::move(h));
}

void ScannerSource::stop() {
  if (started_) scanner_->stop();
}

}  // namespace kiosk::kioskd
