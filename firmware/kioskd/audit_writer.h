// The audit log's own thread. Every append is a transaction with synchronous=FULL: its fsync
// takes a millisecond on good flash and hundreds on a worn eMMC or a disk under load. Run on the
// event loop, each commit stalled the screens, /healthz and the WebSocket push with it; here the
// loop posts jobs and gets their results back as posted handlers, and goes on serving meanwhile.
//
// The writer owns the log and the replay table beside it in the same file: nothing on the loop
// touches either while the writer runs, so there is no lock and no busy wait between them.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "firmware/audit/audit_log.h"
#include "firmware/kioskd/replay_memory.h"

namespace kiosk::kioskd {

/// What the writer owns: the audit log, and the replay table when it could be opened.
struct AuditFiles {
  std::unique_ptr<audit::AuditLog> log;
  std::unique_ptr<CredentialDayTable> days;  ///< null: replay flags are not kept across restarts
};

class AuditWriter {
 public:
  using Job = std::function<void(AuditFiles&)>;

  /// Starts the writer's thread; `files.log` must be open.
  explicit AuditWriter(AuditFiles files);
  /// stop().
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  /// Runs `job` on the writer's thread, after every job posted before it (one at a time, in
  /// order). Never blocks. A job passes its result back by posting to the event loop itself.
  void post(Job job);
  /// Runs every job already posted, then joins the thread. Blocks for as long as those commits
  /// take; idempotent. Jobs posted after it are dropped.
  void stop();
  /// The files, for the caller's own thread once stop() has returned (the seal at a clean stop).
  AuditFiles& files_after_stop();

 private:
  AuditFiles files_;
  boost::asio::io_context work_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace kiosk::kioskd
