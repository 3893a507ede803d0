// Command-line parsing for kioskctl: `--name value` options, `--flag` switches and positionals.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/result.h"

namespace kiosk::ctl {

struct Args {
  std::map<std::string, std::string> options;  ///< --name value
  std::set<std::string> flags;                 ///< --flag
  std::vector<std::string> positional;

  const std::string* get(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? nullptr : &it->second;
  }
  bool has(const std::string& name) const { return options.count(name) || flags.count(name); }
};

/// Parses `argv` (after the command words). Options in `with_value` take the next word; those in
/// `switches` take none; anything else starting with `--` is a usage error (the message).
Result<Args, std::string> parse_args(const std::vector<std::string>& words,
                                     const std::set<std::string>& with_value,
                                     const std::set<std::string>& switches);

/// Parses a whole decimal int64 ("--now 1796000000"); nullopt on anything else.
std::optional<std::int64_t> parse_int(const std::string& s);

/// The time to use: --now when given, else the system clock.
Result<std::int64_t, std::string> now_from(const Args& a);

/// Splits "3101,4403" into prefixes, each 1 to 6 digits.
Result<std::vector<std::string>, std::string> parse_jurisdiction(const std::string& s);

/// Usage error: prints "kioskctl: MESSAGE" and the usage line, returns exit status 2.
int usage_error(const std::string& message);

}  // namespace kiosk::ctl
