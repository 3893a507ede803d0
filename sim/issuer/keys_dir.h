// The on-disk form of the test PKI, as `kiosk-sim keys --out DIR` writes it:
//   DIR/README.txt          says that this is test material
//   DIR/test-keys.json      TEST ONLY: every seed and scope, what `kiosk-sim issue` needs
//   DIR/anchors/*.pub       the trust anchor (64 hex characters and a newline)
//   DIR/trust/keyset.cose   the key set bundle
//   DIR/trust/status/*.cose one status list per issuer, named after its iss
// The trust package is what `kioskctl trust install --anchors DIR/anchors DIR/trust` takes.
#pragma once

#include <string>

#include "app/result.h"
#include "sim/issuer/test_pki.h"

namespace kiosk::sim {

/// Writes the whole directory (creating it; existing files of the same names are replaced and
/// old `trust/status/*.cose` files removed).
/// The error names the file that could not be written.
Result<bool, std::string> write_keys_dir(const TestPki& pki, const std::string& dir);

/// Reads DIR/test-keys.json back. The error names the file and what is wrong with it.
Result<TestPki, std::string> load_keys_dir(const std::string& dir);

/// The JSON text of DIR/test-keys.json, and its parser (for in-process use).
std::string pki_to_json(const TestPki& pki);
Result<TestPki, std::string> pki_from_json(std::string_view text);

}  // namespace kiosk::sim
