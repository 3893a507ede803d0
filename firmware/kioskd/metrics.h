// kioskd's metrics in the Prometheus text exposition format (version 0.0.4), for the province's
// Prometheus. Counted on the event loop, rendered there into one text, and served from the
// metrics listener's own thread (metrics_server.h): a scrape never runs on the event loop.
//
// No personal data: no holder field, no credential id, no QR text. No unbounded label: every label
// value comes from a closed set (outcomes, documents, channels, reasons, device names and
// states, install results) or from signed trust material bounded in number (status-list issuers,
// at most 64).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/trust.h"
#include "app/verifier.h"
#include "firmware/kioskd/audit_forward.h"
#include "firmware/kioskd/input_source.h"
#include "firmware/kioskd/view_model.h"

namespace kiosk::kioskd {

/// A latency histogram in seconds with fixed buckets (0.5 ms .. 5 s).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  void observe(double seconds);
  /// Appends the _bucket, _sum and _count lines of `name` (HELP/TYPE written by the caller).
  void render(std::string& out, const std::string& name) const;
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBounds.size()> buckets_{};
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

/// What the kiosk is, at render time (read on the event loop).
struct MetricsState {
  std::string kiosk_id;
  std::int64_t now = 0;  ///< the kiosk's clock, epoch seconds
  const TrustSnapshot* trust = nullptr;
  std::vector<DeviceStatus> devices;
  AuditStatus audit;
  std::optional<UpdateReport> last_update;
  std::uint64_t trust_polls = 0, trust_poll_failures = 0, trust_not_modified = 0;
  std::int64_t trust_last_success = 0;
  std::uint64_t forwarded_seq = 0;  ///< audit records acknowledged by the collector
  bool forwarding = false;          ///< a collector is configured
  bool forward_connected = false;
  std::string forward_error;  ///< "" when fine
  ForwardProblem forward_problem = ForwardProblem::kNone;
  bool forward_tls = false;             ///< the collector is reached over TLS
  std::uint64_t forwarded_seal_id = 0;  ///< the last seal/checkpoint row acknowledged
  Histogram decode;                     ///< the camera's per-frame decode times (empty: none)
  std::uint64_t camera_frames = 0;      ///< camera frames scanned (0: no camera)
  std::uint64_t camera_skipped = 0;  ///< frames replaced by newer ones while the decoder was busy
  std::uint64_t camera_fused = 0;    ///< means of still, noisy missed frames scanned
  std::uint64_t checkpoint_seq = 0;  ///< the last signed checkpoint or seal: its chain head
  std::int64_t checkpoint_time = 0;  ///< and its time (0: none yet)
  std::uint64_t resident_bytes = 0;  ///< process memory
  std::int64_t start_time = 0;       ///< process start, epoch seconds
};

class KioskMetrics {
 public:
  /// One verdict: its outcome, document, channel and reasons, and how long verifying took.
  void verdict(Channel channel, const Verdict& v, double verify_seconds);
  /// One audit append committed (or failed) on the audit writer, and how long it took.
  void audit_commit(double seconds) { audit_commit_.observe(seconds); }
  /// One trust install report (results counted by result name).
  void update(const UpdateReport& report);
  /// The exposition text.
  std::string render(const MetricsState& s) const;

 private:
  std::map<std::tuple<Outcome, Document, Channel>, std::uint64_t> verdicts_;
  std::array<std::uint64_t, 64> reasons_{};
  std::map<std::string, std::uint64_t, std::less<>> install_results_;
  Histogram verify_;
  Histogram audit_commit_;
};

/// The resident set size of this process in bytes (/proc/self/statm), 0 when unknown.
std::uint64_t process_resident_bytes();

/// A label value escaped for the text format (backslash, double quote, newline).
std::string label_escape(std::string_view v);

}  // namespace kiosk::kioskd
