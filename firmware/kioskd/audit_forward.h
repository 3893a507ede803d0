// Audit records to the province's log collector: RFC 5424 syslog messages over RELP (the
// Reliable Event Logging Protocol of rsyslog's imrelp), each acknowledged by the collector.
//
// The queue is the audit log itself plus a cursor file (DATA/audit-forward.cursor: the last
// sequence number the collector acknowledged, written atomically after each acknowledged batch).
// Nothing is lost while the collector is down, however long: on its return everything from the
// cursor on is sent in order. A crash or a dropped connection between an acknowledgement and the
// cursor's write sends a few records again; each message carries the kiosk id and the sequence
// number in its structured data ([audit@32473 kiosk="..." seq="..." hash="..."]), so duplicates
// are recognisable. The forwarder runs on its own thread with its own read-only connection to
// the log: a slow or hostile collector never holds up a verdict.
//
// The connection is TLS (RELP over TLS, as rsyslog's imrelp tls="on") unless plain TCP is
// configured explicitly: the collector's chain is verified against the configured CA file and its
// certificate must name the expected host (DNS name or IP address, RFC 6125 rules, no partial
// wildcards). A certificate that does not verify or does not match sends nothing: the reason is
// the forwarder's status (screen, journal, /metrics) and the cursor stays where it is.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "app/result.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/chain_check.h"
#include "firmware/kioskd/fleet_wire.h"

namespace kiosk::kioskd {

/// How the forwarder protects the connection.
struct ForwardTls {
  bool enabled = true;      ///< false: plain TCP (only when configured so)
  std::string ca_file;      ///< PEM: the CA(s) the collector's chain must end in
  std::string server_name;  ///< the name the certificate must carry; "": the target's host
  std::string client_cert;  ///< PEM chain presented to the collector; "": none
  std::string client_key;   ///< PEM key of client_cert
};

/// What kind of problem the forwarder has (a closed set, for the metrics' label).
enum class ForwardProblem {
  kNone,
  kConnect,         ///< resolve or TCP connect failed
  kTlsCertificate,  ///< the collector's chain does not verify (unknown CA, expired, ...)
  kTlsName,         ///< the certificate is valid but names another host
  kTls,             ///< any other TLS failure (handshake, local files)
  kCollector,       ///< the collector refused, closed, answered garbage or timed out
  kAuditLog,        ///< the local audit log could not be read
  kCursor,          ///< the cursor file could not be written
};
std::string_view problem_name(ForwardProblem p);
inline constexpr ForwardProblem kForwardProblems[] = {
    ForwardProblem::kNone,     ForwardProblem::kConnect, ForwardProblem::kTlsCertificate,
    ForwardProblem::kTlsName,  ForwardProblem::kTls,     ForwardProblem::kCollector,
    ForwardProblem::kAuditLog, ForwardProblem::kCursor};

/// The RFC 5424 message of one stored audit record (facility 13 "log audit", severity 6):
/// MSGID "audit", [audit@32473 kiosk seq hash], the record's canonical body.
std::string syslog_message(const audit::StoredRecord& rec, std::string_view kiosk_id);
/// The message of one seal or signed checkpoint (docs/audit.md): MSGID "seal",
/// [audit@32473 kiosk seq seal kind] (seq: the chain head it covers; seal: its row id, unique per
/// kiosk), then its line {"audit_seal": ..., "mac": ...} exactly as `kioskctl audit verify
/// --held` reads it (the collector's file is the auditor's held lines).
std::string syslog_seal_message(const audit::StoredSeal& seal, std::string_view kiosk_id);

struct ForwardStatus {
  bool enabled = false;
  bool connected = false;
  std::uint64_t forwarded_seq = 0;     ///< the last record acknowledged
  std::int64_t forwarded_seal_id = 0;  ///< the last seal or checkpoint row acknowledged
  bool tls = false;                    ///< the connection is (to be) TLS
  std::string error;                   ///< the last problem ("" when fine)
  ForwardProblem problem = ForwardProblem::kNone;
};

class Link;  // a connected socket, plain or TLS (audit_forward.cpp)

class AuditForwarder {
 public:
  AuditForwarder(std::string audit_path, std::string cursor_path, std::string kiosk_id,
                 RelpTarget target, ForwardTls tls);
  ~AuditForwarder();
  AuditForwarder(const AuditForwarder&) = delete;
  AuditForwarder& operator=(const AuditForwarder&) = delete;

  void start();
  /// Stops at once: a connection or exchange in progress is cut (what it sent without an
  /// acknowledgement is sent again at the next start).
  void stop();
  /// At a clean shutdown: forwards what the log holds now (the stop seal just written) within
  /// `budget`, then stops. Connects at once when the forwarder was backing off; returns as soon
  /// as everything is acknowledged or the collector cannot be reached (then the rest goes at the
  /// next start, as always). True when everything was acknowledged.
  bool drain_and_stop(std::chrono::milliseconds budget);
  /// A record was appended: send soon (otherwise the forwarder looks every 2 s).
  void wake();
  ForwardStatus status() const;

  /// Reads the cursor file ("SEQ SEAL_ID"): zeros when it is missing (nothing forwarded yet);
  /// the reason when it cannot be read or parsed.
  static Result<ForwardCursor, std::string> load_cursor(const std::string& path);
  /// The cursor, zeros when missing or unreadable (everything is sent again, recognisably).
  static ForwardCursor read_cursors(const std::string& path);
  /// Its record sequence number.
  static std::uint64_t read_cursor(const std::string& path);

 private:
  void run();
  struct Failure {
    ForwardProblem kind = ForwardProblem::kNone;
    std::string text;  ///< "" with kNone: stopped
  };
  /// One connected session: sends from the cursor on until an error or stop.
  Failure session(Link& link);
  void set_error(ForwardProblem kind, std::string e);
  /// The socket being connected or used ("" when none): stop() shuts it down to end a blocking
  /// connect, read or write at once.
  void set_active_fd(int fd);

  std::string audit_path_, cursor_path_, kiosk_id_;
  RelpTarget target_;
  ForwardTls tls_;
  ForwardCursor cursor_;         ///< guarded by mutex_
  bool cursor_unsaved_ = false;  ///< the forwarder thread's: the file is behind cursor_
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  bool drain_ = false;        ///< drain_and_stop() waits: send what there is, then say so
  bool drain_tried_ = false;  ///< the forwarder connected (or tried to) since drain_ was set
  bool drained_ = false;      ///< answer to drain_: done (all acknowledged, or unreachable)
  bool drain_ok_ = false;     ///< ... and everything was acknowledged
  int active_fd_ = -1;
  ForwardStatus status_;
};

}  // namespace kiosk::kioskd
