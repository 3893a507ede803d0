// kioskctl: the field engineer's and the test harness's tool. The contract is spec/cli.md.
#include <iostream>
#include <string>
#include <vector>

#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/module.h"

namespace {

// The commands in kiosk-commands.so (firmware/kioskctl/commands.h), through the module.
int run_in_module(const std::string& cmd, const std::vector<std::string>& words) {
  using namespace kiosk::ctl;
  auto table = open_module(kCommandsModule, kCommandsEntry,
                           "the trust, verify, card, audit and officer commands");
  if (!table) {
    std::cerr << "kioskctl: " << table.error() << "\n";
    return 1;
  }
  const auto* api = static_cast<const CommandsApi*>(*table);
  const CommandsApi want;
  if (api->abi != want.abi || api->words_size != want.words_size ||
      api->string_size != want.string_size || api->run == nullptr) {
    std::cerr << "kioskctl: " << kCommandsModule
              << " does not match this kioskctl (another build)\n";
    return 1;
  }
  return api->run(cmd, words);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kiosk::ctl;
  if (argc < 2) return usage_error("no command");
  std::string cmd = argv[1];
  std::vector<std::string> words(argv + 2, argv + argc);
  if (cmd == "scan") return cmd_scan(words);
  if (cmd == "mrz") return cmd_mrz(words);
  for (const char* name : kModuleCommands)
    if (cmd == name) return run_in_module(cmd, words);
  if (cmd == "--help" || cmd == "help") {
    usage_error("commands: trust, verify, scan, mrz, card, audit, officer");
    return 0;
  }
  return usage_error("unknown command '" + cmd + "'");
}
