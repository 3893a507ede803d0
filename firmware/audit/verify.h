// The auditor's verification of a log (or an export of it): the hash chain, every column against
// its hashed body, the seals (contiguous epochs, each under its own epoch's key), the checkpoints
// in the log and those the auditor holds from off the box, the purge anchors and the time. Pure:
// feed the seal rows, then the records, then finish. Each finding is one verdict line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware/audit/audit_log.h"
#include "firmware/audit/chain_check.h"
#include "firmware/audit/seal.h"

namespace kiosk::audit {

struct VerifyOptions {
  std::optional<AuditorKey>
      key;                     ///< the auditor's verification key (seals are only checked with it)
  std::vector<SealLine> held;  ///< seal and checkpoint lines the auditor collected off the box
  std::int64_t now = 0;        ///< with a key: seals must reach this time (0: not checked)
  std::optional<std::uint64_t> key_next;  ///< the kiosk's sealing key position, when read
};

struct VerifyReport {
  ChainReport chain;
  std::uint64_t seals = 0, checkpoints = 0, held = 0;
  std::optional<std::uint64_t> sealed_through;  ///< the last epoch a seal closes
  bool stopped = false;                         ///< the last seal is kioskd's stop seal
  std::int64_t last_seal_time = 0;
  std::uint64_t sealed_seq = 0;  ///< the head the last seal covers
  std::vector<std::string> findings;
  std::vector<std::string> notes;
  bool ok() const { return findings.empty(); }
};

class Verifier {
 public:
  explicit Verifier(VerifyOptions options);
  /// All seal and checkpoint rows first, in id order...
  void feed_seal(const StoredSeal& s);
  /// ...then the records in seq order.
  void feed_record(const StoredRecord& r);
  VerifyReport finish();

 private:
  struct Expect {
    std::string head;
    std::string what;  ///< "seal of epoch 12 (time T)"
  };
  struct Closing {
    std::uint64_t seq, first;
  };
  static constexpr std::size_t kShown = 5;  ///< findings shown per kind; the rest are counted
  void finding(std::string text);
  bool check_mac(std::uint64_t epoch, const std::string& body, const Hash& mac);
  void expect(std::uint64_t seq, const std::string& head, const std::string& what);
  std::string when(std::int64_t t) const;

  VerifyOptions opt_;
  VerifyReport rep_;
  ChainChecker chain_;
  std::optional<KeyWalker> walker_;
  std::multimap<std::uint64_t, Expect> expects_;
  std::vector<Closing> closing_;
  std::size_t closing_at_ = 0;
  std::optional<std::uint64_t> first_closing_epoch_;
  std::int64_t last_seal_time_ = 0;
  std::uint64_t last_sealed_seq_ = 0;
  std::uint64_t max_seal_seq_ = 0;
  std::uint64_t max_held_epoch_ = 0;
  std::string max_held_what_;
  std::size_t unauthenticated_held_ = 0;
  std::map<std::string, std::size_t> repeats_;
};

/// Reads the whole log into a verifier and finishes it.
Result<VerifyReport, AuditError> verify_log(AuditLog& log, VerifyOptions options);

/// Parses a file of held lines (one seal or checkpoint line each, other lines ignored, e.g. the
/// syslog prefix before the JSON); counts the lines that look like seals but do not parse.
std::vector<SealLine> parse_held_lines(std::string_view text, std::size_t* malformed);

}  // namespace kiosk::audit
