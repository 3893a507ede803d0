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
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "app/result.h"
#include "firmware/audit/chain_check.h"

namespace kiosk::kioskd {

/// "host:port" of a RELP collector (an IPv4 literal or a name; [v6]:port).
struct RelpTarget {
  std::string host;
  std::string port;
};
std::optional<RelpTarget> parse_relp_target(std::string_view text);

/// The RFC 5424 message of one stored audit record (facility 13 "log audit", severity 6).
std::string syslog_message(const audit::StoredRecord& rec, std::string_view kiosk_id);

/// One RELP frame: "TXNR COMMAND DATALEN[ DATA]\n".
std::string relp_frame(std::uint64_t txnr, std::string_view command, std::string_view data);

/// A RELP response frame read from a collector.
struct RelpResponse {
  std::uint64_t txnr = 0;
  std::string command;  ///< "rsp" or "serverclose"
  std::string data;     ///< "200 OK ..." for an acknowledgement
};

/// Parses one response frame from the front of `buf`: the frame and the bytes it took, nullopt
/// when more bytes are needed, an error for anything that is not RELP (bounded: 64 KiB of data).
Result<std::optional<std::pair<RelpResponse, std::size_t>>, std::string> parse_relp_response(
    std::string_view buf);

struct ForwardStatus {
  bool enabled = false;
  bool connected = false;
  std::uint64_t forwarded_seq = 0;  ///< the last record acknowledged
  std::string error;                ///< the last problem ("" when fine)
};

class AuditForwarder {
 public:
  AuditForwarder(std::string audit_path, std::string cursor_path, std::string kiosk_id,
                 RelpTarget target);
  ~AuditForwarder();
  AuditForwarder(const AuditForwarder&) = delete;
  AuditForwarder& operator=(const AuditForwarder&) = delete;

  void start();
  void stop();
  /// A record was appended: send soon (otherwise the forwarder looks every 2 s).
  void wake();
  ForwardStatus status() const;

  /// Reads the cursor file (0 when missing or unreadable).
  static std::uint64_t read_cursor(const std::string& path);

 private:
  void run();
  /// One connected session: sends from the cursor on until an error or stop.
  std::string session(int fd);
  void set_error(std::string e);

  std::string audit_path_, cursor_path_, kiosk_id_;
  RelpTarget target_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  ForwardStatus status_;
};

}  // namespace kiosk::kioskd
