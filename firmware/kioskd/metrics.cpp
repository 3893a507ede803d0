#include "firmware/kioskd/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "drivers/device_state.h"

namespace kiosk::kioskd {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string num(std::int64_t v) {
  return std::to_string(v);
}

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

/// HELP and TYPE lines.
void head(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

template <class T>
void sample(std::string& out, const std::string& name, const std::string& labels, T value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += " " + num(value) + "\n";
}

template <class T>
void gauge(std::string& out, const std::string& name, const char* help, T value) {
  head(out, name, "gauge", help);
  sample(out, name, "", value);
}

constexpr drivers::DeviceState kStates[] = {
    drivers::DeviceState::kAbsent, drivers::DeviceState::kStarting, drivers::DeviceState::kReady,
    drivers::DeviceState::kFailed};

/// "STORAGE_ERROR: disk full" -> "STORAGE_ERROR": a closed set of install results.
std::string result_kind(std::string_view r) {
  auto colon = r.find(':');
  std::string k(r.substr(0, colon));
  for (char ch : k)
    if (!(ch >= 'A' && ch <= 'Z') && ch != '_') return "OTHER";
  return k.empty() || k.size() > 32 ? "OTHER" : k;
}

}  // namespace

std::string label_escape(std::string_view v) {
  std::string out;
  for (char ch : v.substr(0, 128)) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    if (seconds <= kBounds[i]) ++buckets_[i];
  sum_ += seconds;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name) const {
  for (std::size_t i = 0; i < kBounds.size(); ++i)
    sample(out, name + "_bucket", "le=\"" + num(kBounds[i]) + "\"", buckets_[i]);
  sample(out, name + "_bucket", "le=\"+Inf\"", count_);
  sample(out, name + "_sum", "", sum_);
  sample(out, name + "_count", "", count_);
}

void KioskMetrics::verdict(Channel channel, const Verdict& v, double verify_seconds) {
  ++verdicts_[{v.outcome, v.document, channel}];
  for (Reason r : v.reasons) {
    auto i = static_cast<std::size_t>(r);
    if (i < reasons_.size()) ++reasons_[i];
  }
  verify_.observe(verify_seconds);
}

void KioskMetrics::update(const UpdateReport& report) {
  for (const auto& [file, result] : report.results)
    ++install_results_[result_kind(result)];
  if (!report.error.empty()) ++install_results_["ERROR"];
}

std::string KioskMetrics::render(const MetricsState& s) const {
  std::string out;
  out.reserve(8192);
  head(out, "kiosk_info", "gauge", "The kiosk's identity (value 1).");
  sample(out, "kiosk_info", "kiosk=\"" + label_escape(s.kiosk_id) + "\"", std::int64_t{1});

  head(out, "kiosk_verdicts_total", "counter", "Verdicts by outcome, document and channel.");
  for (Outcome o : {Outcome::kAccept, Outcome::kReview, Outcome::kReject}) {
    for (Document d : {Document::kUnknown, Document::kESsc, Document::kWpnl, Document::kWpCard,
                       Document::kSscChip}) {
      for (Channel c : {Channel::kCamera, Channel::kScanner, Channel::kCard}) {
        // Every combination, from zero: 45 series, and rate() sees the first verdict.
        auto it = verdicts_.find({o, d, c});
        sample(out, "kiosk_verdicts_total",
               "outcome=\"" + std::string(name(o)) + "\",document=\"" + std::string(name(d)) +
                   "\",channel=\"" + std::string(name(c)) + "\"",
               it == verdicts_.end() ? std::uint64_t{0} : it->second);
      }
    }
  }
  head(out, "kiosk_verdict_reasons_total", "counter", "Reasons given in verdicts.");
  for (int i = 0; i < kReasonCount; ++i)
    sample(out, "kiosk_verdict_reasons_total",
           "reason=\"" + std::string(name(static_cast<Reason>(i))) + "\"",
           reasons_[static_cast<std::size_t>(i)]);
  head(out, "kiosk_verification_duration_seconds", "histogram",
       "Time to verify one presentation (decode, signature, rules) on the event loop.");
  verify_.render(out, "kiosk_verification_duration_seconds");
  head(out, "kiosk_audit_commit_duration_seconds", "histogram",
       "Time to commit one verdict's audit record (fsync included) on the audit writer; the "
       "verdict is shown after it. Slow flash shows here first.");
  audit_commit_.render(out, "kiosk_audit_commit_duration_seconds");
  head(out, "kiosk_decode_duration_seconds", "histogram",
       "Time to decode one camera frame (the scan pipeline; no camera: empty).");
  s.decode.render(out, "kiosk_decode_duration_seconds");
  head(out, "kiosk_camera_frames_total", "counter",
       "Camera frames scanned (no camera: 0); with the skipped ones, the decoder's share of the "
       "camera's frame rate.");
  sample(out, "kiosk_camera_frames_total", "", s.camera_frames);
  head(out, "kiosk_camera_frames_skipped_total", "counter",
       "Camera frames replaced by a newer one while the decoder was busy (never scanned).");
  sample(out, "kiosk_camera_frames_skipped_total", "", s.camera_skipped);
  head(out, "kiosk_camera_frames_fused_total", "counter",
       "Means of three still, noisy frames without a code scanned (a dim code no frame reads).");
  sample(out, "kiosk_camera_frames_fused_total", "", s.camera_fused);

  head(out, "kiosk_device_up", "gauge", "1 when the device is ready.");
  for (const auto& d : s.devices)
    sample(out, "kiosk_device_up", "device=\"" + label_escape(d.device) + "\"",
           std::int64_t{d.state == drivers::DeviceState::kReady});
  head(out, "kiosk_device_state", "gauge", "The device's state (1 for the current one).");
  for (const auto& d : s.devices)
    for (auto st : kStates)
      sample(out, "kiosk_device_state",
             "device=\"" + label_escape(d.device) + "\",state=\"" + std::string(drivers::name(st)) +
                 "\"",
             std::int64_t{d.state == st});

  const TrustSnapshot* t = s.trust;
  bool installed = t && t->keyset;
  gauge(out, "kiosk_trust_installed", "1 when a key set bundle is installed.",
        std::int64_t{installed});
  if (installed) {
    const KeySet& k = *t->keyset;
    gauge(out, "kiosk_trust_bundle_seq", "The installed key set bundle's sequence number.", k.seq);
    gauge(out, "kiosk_trust_bundle_age_seconds", "Seconds since the bundle was issued.",
          s.now - static_cast<std::int64_t>(k.iat));
    gauge(out, "kiosk_trust_bundle_expiry_seconds",
          "Seconds until the bundle expires (negative: expired).",
          static_cast<std::int64_t>(k.exp) - s.now);
  }
  head(out, "kiosk_status_list_age_seconds", "gauge", "Seconds since the status list was issued.");
  std::size_t n = 0;
  if (t)
    for (const auto& [iss, list] : t->status)
      if (n++ < 64)
        sample(out, "kiosk_status_list_age_seconds", "issuer=\"" + label_escape(iss) + "\"",
               s.now - static_cast<std::int64_t>(list.iat));
  head(out, "kiosk_status_list_seq", "gauge", "The installed status list's sequence number.");
  n = 0;
  if (t)
    for (const auto& [iss, list] : t->status)
      if (n++ < 64)
        sample(out, "kiosk_status_list_seq", "issuer=\"" + label_escape(iss) + "\"", list.seq);
  head(out, "kiosk_trust_updates_total", "counter",
       "Trust files handled by result (INSTALLED, UNCHANGED, ROLLBACK, SKIPPED, STORAGE_ERROR, "
       "...).");
  for (const auto& [result, count] : install_results_)
    sample(out, "kiosk_trust_updates_total", "result=\"" + result + "\"", count);
  head(out, "kiosk_trust_url_polls_total", "counter", "Polls of the trust URL.");
  sample(out, "kiosk_trust_url_polls_total", "", s.trust_polls);
  head(out, "kiosk_trust_url_failures_total", "counter", "Polls of the trust URL that failed.");
  sample(out, "kiosk_trust_url_failures_total", "", s.trust_poll_failures);
  head(out, "kiosk_trust_url_not_modified_total", "counter",
       "Polls where the server answered 304 for everything (nothing downloaded).");
  sample(out, "kiosk_trust_url_not_modified_total", "", s.trust_not_modified);
  gauge(out, "kiosk_trust_url_last_success_timestamp_seconds",
        "When the trust URL last answered (0: never).", s.trust_last_success);

  gauge(out, "kiosk_clock_timestamp_seconds", "The kiosk's clock.", s.now);
  gauge(out, "kiosk_time_floor_timestamp_seconds",
        "The highest trusted time seen (the clock below it is untrusted).",
        t ? t->time_floor : std::int64_t{0});
  gauge(out, "kiosk_clock_trusted", "1 when the clock is at or above the time floor.",
        std::int64_t{!t || s.now >= t->time_floor});

  gauge(out, "kiosk_audit_last_seq", "The audit log's last record sequence number.",
        s.audit.last_seq);
  gauge(out, "kiosk_audit_writable", "1 when the last audit append succeeded.",
        std::int64_t{s.audit.writable});
  gauge(out, "kiosk_audit_chain_intact", "1 when the audit chain was intact at start-up.",
        std::int64_t{s.audit.chain_intact});
  gauge(out, "kiosk_audit_checkpoint_seq",
        "The chain head (record seq) of the last signed checkpoint or seal (0: none).",
        s.checkpoint_seq);
  gauge(out, "kiosk_audit_checkpoint_timestamp_seconds",
        "When the last signed checkpoint or seal was made (0: none).", s.checkpoint_time);
  gauge(out, "kiosk_audit_forwarding_enabled", "1 when a syslog collector is configured.",
        std::int64_t{s.forwarding});
  gauge(out, "kiosk_audit_forwarded_seq",
        "The last audit record the collector acknowledged (0: none).", s.forwarded_seq);
  gauge(out, "kiosk_audit_forwarded_seal_id",
        "The last seal or checkpoint row the collector acknowledged (0: none).",
        s.forwarded_seal_id);
  gauge(out, "kiosk_audit_forward_lag_records",
        "Audit records not yet acknowledged by the collector (0 without forwarding).",
        s.forwarding && s.audit.last_seq > s.forwarded_seq ? s.audit.last_seq - s.forwarded_seq
                                                           : std::uint64_t{0});
  gauge(out, "kiosk_audit_forward_connected", "1 when connected to the syslog collector.",
        std::int64_t{s.forward_connected});
  gauge(out, "kiosk_audit_forward_ok", "0 when forwarding reports an error.",
        std::int64_t{s.forward_error.empty()});
  gauge(out, "kiosk_audit_forward_tls", "1 when the collector is reached over verified TLS.",
        std::int64_t{s.forwarding && s.forward_tls});
  head(out, "kiosk_audit_forward_problem", "gauge",
       "1 for the kind of the forwarder's current problem (none when fine).");
  for (ForwardProblem p : kForwardProblems)
    sample(out, "kiosk_audit_forward_problem", "problem=\"" + std::string(problem_name(p)) + "\"",
           std::uint64_t{s.forwarding && p == s.forward_problem});

  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", s.resident_bytes);
  gauge(out, "process_start_time_seconds", "Start time of the process since the epoch, seconds.",
        s.start_time);
  return out;
}

std::uint64_t process_resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace kiosk::kioskd
