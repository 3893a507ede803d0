// The kiosk at run time: presentations in, verdicts out to the session, the audit log and the
// screens. Everything runs on one Boost.Asio event loop but the audit log's commits, which run on
// the audit writer's thread; data flows one way, from the sources to a verdict, through its audit
// record, to the officer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/coach.h"
#include "app/places.h"
#include "app/result.h"
#include "app/verifier.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/kioskd/access_backlog.h"
#include "firmware/kioskd/audit_forward.h"
#include "firmware/kioskd/audit_writer.h"
#include "firmware/kioskd/clock.h"
#include "firmware/kioskd/config.h"
#include "firmware/kioskd/console.h"
#include "firmware/kioskd/devices.h"
#include "firmware/kioskd/http_server.h"
#include "firmware/kioskd/metrics.h"
#include "firmware/kioskd/metrics_server.h"
#include "firmware/kioskd/replay_memory.h"
#include "firmware/kioskd/sd_notify.h"
#include "firmware/kioskd/session.h"
#include "firmware/kioskd/sources.h"
#include "firmware/kioskd/trust_updater.h"
#include "firmware/kioskd/view_model.h"
#include "keys/anchors.h"
#include "keys/store.h"

namespace kiosk::kioskd {

struct KioskOptions {
  /// Called on the event loop after each new verdict has been recorded (`now`: the kiosk time
  /// of the verdict); kioskd-demo prints it and paces its script by it. Not a repeat's read.
  std::function<void(Channel, const Verdict&, std::int64_t now)> on_verdict;
  std::string initial_package;  ///< a trust package directory installed at start-up ("" none)
  const DeviceRegistry* devices = nullptr;  ///< the device factories; nullptr: production ones
};

class Kiosk {
 public:
  /// Opens the data directory (trust store, audit log, secrets). Fails only when the kiosk
  /// cannot run at all (no data directory, no secrets); everything else is reported and served.
  static Result<std::unique_ptr<Kiosk>, std::string> create(boost::asio::io_context& ioc,
                                                            Config config, KioskOptions options);
  ~Kiosk();

  /// Listens, starts the sources, the trust updates and the timers, then tells systemd READY=1.
  Result<boost::asio::ip::tcp::endpoint, std::string> start();
  /// Tells systemd STOPPING=1 and stops everything; the event loop then runs dry.
  void stop();
  /// Loads the TLS certificate and key again (SIGHUP); a failure keeps the ones in use.
  void reload_tls();
  /// The self-service listener's address, when it has one of its own.
  std::optional<boost::asio::ip::tcp::endpoint> self_endpoint() const { return self_endpoint_; }

  // What the sources call (on the event loop).
  void on_qr(Channel channel, const std::string& text, const InputTiming& timing = {});
  void on_chip(const ChipInput& chip, const InputTiming& timing = {});
  void on_status(const DeviceStatus& status);
  /// A trust install or refresh finished on the updater's worker: show it, adopt its snapshot.
  void on_trust(TrustOutcome outcome);
  /// The officer's commands: "clear", "next".
  void command(std::string_view cmd);

  const Config& config() const { return config_; }

 private:
  Kiosk(boost::asio::io_context& ioc, Config config, KioskOptions options);
  using VerifyFn = std::function<Verdict(std::int64_t now)>;
  /// A presentation that arrived while another's audit record was being committed.
  struct Waiting {
    Channel channel;
    std::string key;
    InputTiming timing;
    VerifyFn verify;
    std::int64_t arrived;  ///< kiosk time when it was read: what it is verified at
  };
  /// What the audit writer did with one append, posted back to the loop.
  struct Committed {
    Result<audit::Record, audit::AuditError> stored;
    std::string line;               ///< the log's last seal/checkpoint line
    std::int64_t committed_us = 0;  ///< monotonic: the append (and the day's counts) done
    double seconds = 0;             ///< how long the append took
    std::optional<std::map<std::string, std::uint64_t>> today;  ///< verdicts today, re-counted
  };
  /// Verifies a presentation and sends its record to the audit writer; the verdict is shown
  /// (finish) once the record is committed. One presentation at a time: one that arrives
  /// meanwhile waits its turn, so each verdict sees the session and the time floor as the one
  /// before it left them.
  /// `arrived`: the kiosk time it was read at (a waiting one's; nullopt: now).
  void present(Channel channel, std::string key, InputTiming timing, VerifyFn verify,
               std::optional<std::int64_t> arrived = std::nullopt);
  void on_committed(SessionEntry entry, Committed c);
  void finish(SessionEntry entry);
  /// Appends `r` (on the writer's thread) and times it.
  static Committed commit(AuditFiles& f, audit::Record r);
  /// Takes an append's outcome into the audit status (on the loop); true when it was stored.
  bool take_commit(const Committed& c);
  /// The log could not be written: the status says why; logged (`what` + why) once until it is
  /// writable again.
  void audit_unwritable(const std::string& what, const std::string& why);
  /// Takes a seal's outcome into the audit status (on the loop).
  void take_seal(const Result<std::string, audit::AuditError>& sealed, const std::string& line);
  /// The start of the local day, in kiosk time.
  std::int64_t day_start() const;
  bool take_mrz(const std::string& text);
  void flag_replay(SessionEntry& entry, const std::string& text);
  void refresh_trust();
  void adopt_trust(TrustSnapshot snap);
  void broadcast();
  KioskView view() const;
  void arm_session_timer();
  void arm_watchdog();
  void arm_retention();
  void arm_metrics();  ///< every second: metrics text, forwarding news to the screens
  void purge();
  Result<boost::asio::ip::tcp::endpoint, std::string> start_console();
  void audit_access(std::string_view event, std::string_view officer, std::string_view client);
  void arm_console_sweep();
  void arm_seal();
  void seal(bool stop);
  void show_checkpoint(const std::string& line);

  boost::asio::io_context& ioc_;
  const Config config_;
  KioskOptions options_;
  Clock clock_;
  Notifier notifier_;
  std::unique_ptr<audit::KioskSecrets> secrets_;
  std::unique_ptr<keys::TrustStore> store_;  ///< until start(); then the updater's
  std::optional<keys::Anchors> anchors_;
  std::string anchors_error_;
  /// The audit log's writer (null: no log could be opened, verdicts are shown NOT RECORDED). Its
  /// jobs touch only its files and what they carry; their results come back through the loop.
  std::unique_ptr<AuditWriter> audit_;
  std::string audit_line_;  ///< the log's last seal or checkpoint line, as the writer reported
  std::int64_t seal_t0_ = 0, seal_epoch_ = 0;  ///< the sealing key's epochs (0: no sealing)
  AuditStatus audit_status_;
  TrustSnapshot trust_;
  VerifySettings settings_;
  Session session_;
  std::uint64_t next_entry_id_ = 1;
  std::optional<UpdateReport> last_update_;
  std::vector<DeviceStatus> devices_;
  std::map<std::string, std::uint64_t> today_;
  std::string last_warning_;
  Sources sources_;
  std::shared_ptr<ServerContext> server_ctx_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpServer> self_server_;
  std::optional<boost::asio::ip::tcp::endpoint> self_endpoint_;
  std::unique_ptr<TrustUpdater> updater_;
  std::unique_ptr<AuditForwarder> forwarder_;
  KioskMetrics metrics_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::int64_t start_time_ = 0;
  std::string shown_forward_error_;
  boost::asio::steady_timer session_timer_, watchdog_timer_, retention_timer_, metrics_timer_,
      seal_timer_, console_timer_, commit_timer_;
  /// A commit that takes longer than [data] audit_stall_seconds is shown as a stalled audit log
  /// (the loop itself goes on, so systemd's watchdog would not see a stuck disk).
  bool stalled_ = false;  ///< the commit in flight passed audit_stall_seconds
  bool stopped_ = false;
  Places places_;
  PresentationMemory presentations_;
  std::unique_ptr<CredentialDayMemory> day_memory_;
  bool committing_ = false;             ///< a verdict's record is with the audit writer
  std::string committing_key_;          ///< its presentation's key
  std::uint32_t committing_reads_ = 0;  ///< reads of it again meanwhile
  std::deque<Waiting> waiting_;         ///< presentations that came meanwhile, in order
  /// A bound on them (a scanner line is a few KiB at most): a stuck disk with a flooding
  /// source costs memory no more than this. Past it a presentation is dropped, and logged.
  static constexpr std::size_t kMaxWaiting = 256;
  bool dropping_ = false;               ///< logged the drop of this burst
  AccessBacklog access_backlog_{1024};  ///< console access records with the writer
  Advice advice_ = Advice::kNone;       ///< the camera's coaching for the applicant
  std::string pending_mrz_;             ///< the first line of a passport zone typed by a scanner
  std::int64_t started_ = 0;            ///< makes session tags unique across restarts
};

}  // namespace kiosk::kioskd
