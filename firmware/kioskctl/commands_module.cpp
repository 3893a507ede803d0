// kiosk-commands.so: kioskctl's commands that need libcrypto, libsodium, SQLite or pcsc-lite
// (firmware/kioskctl/commands.h), loaded by kioskctl only when one of them is run. Everything but
// the entry point is hidden.
#include <iostream>
#include <iterator>
#include <string_view>

#include "app/crypto.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

namespace {

using namespace kiosk::ctl;

struct Command {
  std::string_view name;
  int (*run)(const std::vector<std::string>& words);
};

// In the order of kModuleCommands, which kioskctl dispatches on.
constexpr Command kCommands[] = {{"trust", &cmd_trust},
                                 {"verify", &cmd_verify},
                                 {"audit", &cmd_audit},
                                 {"card", &cmd_card},
                                 {"officer", &cmd_officer}};

constexpr bool table_is_the_list() {
  if (std::size(kCommands) != std::size(kModuleCommands)) return false;
  for (std::size_t i = 0; i < std::size(kCommands); ++i)
    if (kCommands[i].name != kModuleCommands[i]) return false;
  return true;
}
static_assert(table_is_the_list(), "kCommands must run every command of kModuleCommands, in order");

int run(const std::string& command, const std::vector<std::string>& words) {
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskctl: libsodium cannot initialise\n";
    return 1;
  }
  for (const Command& c : kCommands)
    if (command == c.name) return c.run(words);
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
