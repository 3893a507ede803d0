// kiosk-commands.so: kioskctl's commands that need libcrypto, libsodium, SQLite or pcsc-lite
// (firmware/kioskctl/commands.h), loaded by kioskctl only when one of them is run. Everything but
// the entry point is hidden.
#include <iostream>

#include "app/crypto.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

namespace {

int run(const std::string& command, const std::vector<std::string>& words) {
  using namespace kiosk::ctl;
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskctl: libsodium cannot initialise\n";
    return 1;
  }
  if (command == "trust") return cmd_trust(words);
  if (command == "verify") return cmd_verify(words);
  if (command == "audit") return cmd_audit(words);
  if (command == "card") return cmd_card(words);
  if (command == "officer") return cmd_officer(words);
  return usage_error("unknown command '" + command + "'");
}

}  // namespace

// Returns the CommandsApi; typed void, as open_module() calls every module's entry.
extern "C" __attribute__((visibility("default"))) const void* kiosk_commands_api() {
  static const kiosk::ctl::CommandsApi api = [] {
    kiosk::ctl::CommandsApi a;
    a.run = &run;
    return a;
  }();
  return &api;
}
