// kioskctl's commands (spec/cli.md). Each takes the words after its name and returns the exit
// status.
//
// scan and mrz run in kioskctl itself, which links only ZXing-C++ and the image codecs. The other
// commands need libcrypto, libsodium, SQLite and pcsc-lite, whose loading costs a process some
// 3 ms of CPU at start, more than ZXing-C++ needs to read most photos (bench/file_cost): they
// live in kiosk-commands.so, loaded only when one of them is run. The module is built from the
// same sources in the same build as kioskctl and installed beside kiosk-vision.so (usr/lib/kiosk).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::ctl {

int cmd_trust(const std::vector<std::string>& words);
int cmd_verify(const std::vector<std::string>& words);
int cmd_audit(const std::vector<std::string>& words);
int cmd_card(const std::vector<std::string>& words);
int cmd_scan(const std::vector<std::string>& words);
int cmd_mrz(const std::vector<std::string>& words);
int cmd_officer(const std::vector<std::string>& words);

/// Raised whenever CommandsApi or the types it passes change.
inline constexpr std::uint32_t kCommandsAbi = 1;

struct CommandsApi {
  std::uint32_t abi = kCommandsAbi;
  std::size_t words_size = sizeof(std::vector<std::string>);
  std::size_t string_size = sizeof(std::string);
  /// Runs `command` (one of kModuleCommands) with `words`; the exit status. Initialises libsodium
  /// first (status 1, with the reason, when it cannot).
  int (*run)(const std::string& command, const std::vector<std::string>& words) = nullptr;

  /// Whether this table (the module's) was built with `own` (kioskctl's): open_table().
  [[nodiscard]] bool same_build(const CommandsApi& own) const {
    return abi == own.abi && words_size == own.words_size && string_size == own.string_size &&
           run != nullptr;
  }
};

/// The module's file name, and the exported function that returns its CommandsApi (as a
/// `const void*`: firmware/kioskctl/module.h).
inline constexpr const char* kCommandsModule = "kiosk-commands.so";
inline constexpr const char* kCommandsEntry = "kiosk_commands_api";
/// The commands in the module: kioskctl's dispatch and help, and the module's own table
/// (commands_module.cpp, checked against this list when it compiles), all come from here.
inline constexpr std::string_view kModuleCommands[] = {"trust", "verify", "audit", "card",
                                                       "officer"};

}  // namespace kiosk::ctl
