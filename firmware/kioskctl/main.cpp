// kioskctl: the field engineer's and the test harness's tool. The contract is spec/cli.md.
#include <iostream>
#include <string>
#include <vector>

#include "app/crypto.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

int main(int argc, char** argv) {
  using namespace kiosk::ctl;
  if (!kiosk::crypto_init()) {
    std::cerr << "kioskctl: libsodium cannot initialise\n";
    return 1;
  }
  if (argc < 2) return usage_error("no command");
  std::string cmd = argv[1];
  std::vector<std::string> words(argv + 2, argv + argc);
  if (cmd == "trust") return cmd_trust(words);
  if (cmd == "verify") return cmd_verify(words);
  if (cmd == "audit") return cmd_audit(words);
  if (cmd == "card") return cmd_card(words);
  if (cmd == "scan") return cmd_scan(words);
  if (cmd == "mrz") return cmd_mrz(words);
  if (cmd == "officer") return cmd_officer(words);
  if (cmd == "--help" || cmd == "help") {
    usage_error("commands: trust, verify, scan, mrz, card, audit, officer");
    return 0;
  }
  return usage_error("unknown command '" + cmd + "'");
}
