#include "drivers/scanner/scanner_report.h"

#include <chrono>
#include <utility>
#include <variant>

namespace kiosk::drivers {

void report_state(ScannerStatus& status, const ScannerHandlers& handlers, DeviceState s,
                  std::string detail) {
  bool changed = s != status.state || detail != status.detail;
  status.state = s;
  status.detail = std::move(detail);
  if (changed && handlers.on_state) handlers.on_state(status);
}

bool report_lines(std::vector<FramedLine>& out, ScannerStatus& status,
                  const ScannerHandlers& handlers, const std::function<bool()>& still_current) {
  for (auto& item : out) {
    if (!still_current()) return false;
    if (auto* text = std::get_if<std::string>(&item)) {
      ScanLine line{std::move(*text), std::chrono::steady_clock::now(), ++status.lines};
      if (handlers.on_line) handlers.on_line(line);
    } else {
      ++status.rejects;
      if (handlers.on_reject) handlers.on_reject(std::get<ScanReject>(item));
    }
  }
  return still_current();
}

}  // namespace kiosk::drivers
