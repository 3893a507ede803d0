// Field-test scenarios: a sequence of presentations (which document and variant, when, through
// which device) with the verdict each must get. The text format is described in
// docs/scenario-format.md; every error names the file and line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/reason.h"
#include "app/result.h"
#include "app/sign/sign.h"
#include "sim/issuer/variants.h"

namespace kiosk::sim {

/// The devices a step can go through.
enum class ChannelKind { kCamera, kScanner, kCard };
std::string_view name(ChannelKind c);
std::optional<ChannelKind> channel_from_name(std::string_view s);

struct Expectation {
  bool listed = false;  ///< take the verdict the variant catalogue promises
  Outcome outcome = Outcome::kAccept;
  Document document = Document::kUnknown;
  std::vector<Reason> reasons;  ///< in the order of the spec's table
};

struct Step {
  int line = 0;         ///< in the scenario file
  std::int64_t at = 0;  ///< seconds after the scenario's start
  ChannelKind channel = ChannelKind::kCamera;
  DocKind doc = DocKind::kWpnl;
  std::string variant;
  std::string city;                   ///< the issue city (the scenario's unless the step names one)
  std::optional<std::uint64_t> seed;  ///< the issue seed (default: scenario seed + step index)
  Expectation expect;
};

struct Scenario {
  std::string source;  ///< file name, for messages
  std::uint64_t seed = 1;
  SigAlg alg = SigAlg::kEd25519;      ///< `alg sm2`: the in-memory test PKI is all SM2
  std::optional<std::int64_t> start;  ///< kiosk time of +0; unset: the keys' time or the clock
  std::string city = "shanghai";
  /// The kiosk's jurisdiction prefixes. Unset: each step's city prefix. Empty: rule not applied.
  std::optional<std::vector<std::string>> jurisdiction;
  std::int64_t max_age = 90, skew = 30;
  std::vector<Step> steps;
};

/// Parses a scenario; `source` names it in error messages ("FILE:LINE: what").
Result<Scenario, std::string> parse_scenario(std::string_view text, std::string_view source);
/// Reads and parses a scenario file (at most 1 MiB).
Result<Scenario, std::string> load_scenario(const std::string& path);

}  // namespace kiosk::sim
