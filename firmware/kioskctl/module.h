// kioskctl's modules: shared objects built beside kioskctl, in the same build, and loaded with
// dlopen only by the commands that need them, so that a process pays at start only for the
// libraries its command calls (firmware/kioskctl/vision.h, firmware/kioskctl/commands.h).
#pragma once

#include <string>

#include "app/result.h"

namespace kiosk::ctl {

/// Loads the module `file` from kioskctl's own directory (a build tree) or from ../lib/kiosk
/// beside it (an installed kioskctl), calls its exported function `entry` (no arguments) and
/// returns what that returned: the module's table, for the caller to check against its own ABI
/// number and type sizes. The module stays loaded for the life of the process. The error is a
/// one-line reason; `holds` says what the module holds, for the reason when it is not found.
Result<const void*, std::string> open_module(const char* file, const char* entry,
                                             const std::string& holds);

/// open_module() for a module whose table is an `Api`: the table when `Api::same_build` holds
/// against this kioskctl's own `Api{}` (the ABI number and the sizes of the types it passes
/// agree, and every function is set); otherwise the reason.
template <typename Api>
Result<const Api*, std::string> open_table(const char* file, const char* entry,
                                           const std::string& holds) {
  auto table = open_module(file, entry, holds);
  if (!table) return Unexpected{table.error()};
  const auto* api = static_cast<const Api*>(*table);
  if (!api->same_build(Api{}))
    return Unexpected{std::string(file) + " does not match this kioskctl (another build)"};
  return api;
}

}  // namespace kiosk::ctl
