// What both scanners tell their handlers, and how they count it in their status (scanner.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "drivers/scanner/line_framer.h"
#include "drivers/scanner/scanner.h"

namespace kiosk::drivers {

/// Sets the state and its detail; on_state hears of it when either changed.
void report_state(ScannerStatus& status, const ScannerHandlers& handlers, DeviceState s,
                  std::string detail);

/// Hands each framed line to on_line (numbered, time-stamped) or on_reject, counting them in
/// `status`. Stops, returning false, as soon as `still_current` turns false (a handler stopped
/// the scanner); true when every line was handed over.
bool report_lines(std::vector<FramedLine>& out, ScannerStatus& status,
                  const ScannerHandlers& handlers, const std::function<bool()>& still_current);

}  // namespace kiosk::drivers
