// A 2D scanner (serial or evdev HID, drivers/scanner) as a QR text source, channel kScanner. The
// drivers already run on kioskd's io_context; this adapts their lines, rejects and states.
#pragma once

#include <memory>

#include "drivers/scanner/scanner.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

class ScannerSource final : public QrTextSource {
 public:
  explicit ScannerSource(std::shared_ptr<drivers::Scanner> scanner);
  ~ScannerSource() override;
  void start(TextHandler on_text, StatusHandler on_status) override;
  void stop() override;

 private:
  std::shared_ptr<drivers::Scanner> scanner_;
  bool started_ = false;
};

}  // namespace kiosk::kioskd
