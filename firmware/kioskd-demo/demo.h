// `kioskd-demo --demo-vectors`: the vector trust package, a fixed clock at which the vector
// credentials verify, and a feed built from the conformance cases' inputs (valid e-card, WPNL,
// legacy card, chip, and the common failures), so the whole kiosk can be seen working with no
// device.
#pragma once

#include <string>

#include "app/result.h"
#include "firmware/kioskd/config.h"

namespace kiosk::kioskd {

struct DemoSetup {
  Config config;
  std::string package_dir;  ///< installed at start-up
};

/// Builds the demo's configuration. `keys_dir` ("" for the vectors) holds `trust/` (or is the
/// package itself) and `anchors/`; `data_dir` ("" for a fresh temporary directory) receives the
/// stores and the generated feed. `base` supplies the UI settings (listen, port, www).
Result<DemoSetup, std::string> prepare_demo(const Config& base, const std::string& keys_dir,
                                            const std::string& data_dir);

/// The conformance vectors directory this kioskd was built with.
std::string default_vectors_dir();

}  // namespace kiosk::kioskd
