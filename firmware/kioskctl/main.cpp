// kioskctl: the field engineer's and the test harness's tool. The contract is spec/cli.md.
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/module.h"

namespace {

// "a, b and c" of the module's commands.
std::string module_command_names(std::string_view last_joint) {
  using kiosk::ctl::kModuleCommands;
  std::string out;
  for (std::size_t i = 0; i < std::size(kModuleCommands); ++i) {
    if (i > 0) out += i + 1 == std::size(kModuleCommands) ? last_joint : ", ";
    out += kModuleCommands[i];
  }
  return out;
}

// The commands in kiosk-commands.so (firmware/kioskctl/commands.h), through the module.
int run_in_module(const std::string& cmd, const std::vector<std::string>& words) {
  using namespace kiosk::ctl;
  auto api = open_table<CommandsApi>(kCommandsModule, kCommandsEntry,
                                     "the " + module_command_names(" and ") + " commands");
  if (!api) {
    std::cerr << "kioskctl: " << api.error() << "\n";
    return 1;
  }
  return (*api)->run(cmd, words);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kiosk::ctl;
  if (argc < 2) return usage_error("no command");
  std::string cmd = argv[1];
  std::vector<std::string> words(argv + 2, argv + argc);
  if (cmd == "scan") return cmd_scan(words);
  if (cmd == "mrz") return cmd_mrz(words);
  for (std::string_view name : kModuleCommands)
    if (cmd == name) return run_in_module(cmd, words);
  if (cmd == "--help" || cmd == "help") {
    usage_error("commands: scan, mrz, " + module_command_names(", "));
    return 0;
  }
  return usage_error("unknown command '" + cmd + "'");
}
