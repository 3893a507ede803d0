// kioskctl's commands (spec/cli.md). Each takes the words after its name and returns the exit
// status.
#pragma once

#include <string>
#include <vector>

namespace kiosk::ctl {

int cmd_trust(const std::vector<std::string>& words);
int cmd_verify(const std::vector<std::string>& words);
int cmd_audit(const std::vector<std::string>& words);
int cmd_card(const std::vector<std::string>& words);
int cmd_scan(const std::vector<std::string>& words);
int cmd_mrz(const std::vector<std::string>& words);
int cmd_officer(const std::vector<std::string>& words);

}  // namespace kiosk::ctl
