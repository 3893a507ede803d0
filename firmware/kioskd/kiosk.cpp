#include "firmware/kioskd/kiosk.h"

#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/mrz/mrz.h"
#include "firmware/kioskd/camera_source.h"

namespace kiosk::kioskd {

namespace fs = std::filesystem;

namespace {

void log(const std::string& line) {
  std::cerr << "kioskd: " << line << std::endl;
}

// The GB/T 2260 tables in the configured directory ([ui] places).
Result<Places, std::string> load_places(const std::string& dir) {
  std::string text[3];
  const char* files[3] = {"provinces.csv", "cities.csv", "areas.csv"};
  for (int i = 0; i < 3; ++i) {
    std::ifstream in(dir + "/" + files[i], std::ios::binary);
    if (!in) return Unexpected{dir + "/" + files[i] + ": cannot read"};
    std::ostringstream ss;
    ss << in.rdbuf();
    text[i] = ss.str();
  }
  return Places::parse(text[0], text[1], text[2]);
}

/// A monotonic time in microseconds (0 stays 0: unknown).
std::int64_t mono_us(std::chrono::steady_clock::time_point t) {
  if (t == std::chrono::steady_clock::time_point{}) return 0;
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::int64_t mono_now_us() {
  return mono_us(std::chrono::steady_clock::now());
}

bool mrz_line(std::string_view s) {
  if (s.size() != mrz::kTd3Line) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<')) return false;
  return true;
}

}  // namespace

Kiosk::Kiosk(boost::asio::io_context& ioc, Config config, KioskOptions options)
    : ioc_(ioc),
      config_(std::move(config)),
      options_(std::move(options)),
      clock_(config_),
      session_timer_(ioc),
      watchdog_timer_(ioc),
      retention_timer_(ioc),
      metrics_timer_(ioc),
      seal_timer_(ioc),
      console_timer_(ioc),
      commit_timer_(ioc),
      presentations_(config_.max_age + config_.skew) {
  start_time_ = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  started_ = clock_.now();
  settings_.jurisdiction = config_.jurisdiction;
  settings_.max_age = config_.max_age;
  settings_.skew = config_.skew;
}

Kiosk::~Kiosk() = default;

Result<std::unique_ptr<Kiosk>, std::string> Kiosk::create(boost::asio::io_context& ioc,
                                                          Config config, KioskOptions options) {
  std::unique_ptr<Kiosk> k(new Kiosk(ioc, std::move(config), std::move(options)));
  const Config& c = k->config_;
  std::error_code ec;
  fs::create_directories(c.data_dir, ec);
  if (ec || !fs::is_directory(c.data_dir))
    return Unexpected{c.data_dir + ": cannot use as the data directory: " +
                      (ec ? ec.message() : "not a directory")};
  ::chmod(c.data_dir.c_str(), 0700);

  std::string notice;
  auto secrets = audit::load_or_create_secrets(c.data_dir, &notice);
  if (!notice.empty()) log(notice);
  if (!secrets) return Unexpected{secrets.error()};
  k->secrets_ = std::move(*secrets);

  notice.clear();
  auto store = keys::TrustStore::open(c.data_dir + "/trust.db", &notice);
  if (!notice.empty()) log(notice);
  if (!store) return Unexpected{store.error().message};
  k->store_ = std::move(*store);

  auto anchors = keys::load_anchors(c.anchors_dir);
  if (anchors) {
    k->anchors_ = std::move(*anchors);
  } else {
    k->anchors_error_ = anchors.error();
    log("trust anchors: " + anchors.error() + " (no trust update can be installed)");
  }

  std::int64_t now = k->clock_.now();
  audit::OpenReport report;
  audit::SealOptions seal_options;
  seal_options.epoch_seconds = c.audit_epoch_seconds;
  auto log_r =
      audit::AuditLog::open(c.data_dir + "/audit.db", c.kiosk_id, now, &report, seal_options);
  for (const auto& n : report.notices)
    log("audit: " + n);
  if (!report.new_verify_key.empty())
    log("audit: sealing key made; the auditor's VERIFICATION KEY (shown once, never stored here; "
        "prefer `kioskctl audit init` before the first start): " +
        report.new_verify_key);
  // Every alarm, now or recorded earlier by a segment record, stays on the officer's screen.
  std::vector<std::string> alarms = report.alarms;
  for (const auto& [seq, note] : report.chain.segment_notes)
    alarms.push_back("record " + std::to_string(seq) + ": " + note);
  if (!alarms.empty()) {
    k->audit_status_.alarm = alarms.front();
    if (alarms.size() > 1)
      k->audit_status_.alarm += " (+" + std::to_string(alarms.size() - 1) + ")";
    log("audit: ALARM: " + k->audit_status_.alarm);
  }
  if (!report.chain.intact()) {
    k->audit_status_.chain_intact = false;
    k->audit_status_.message = report.chain.breaks.front().reason + " (record " +
                               std::to_string(report.chain.breaks.front().seq) +
                               "); a new segment records the break";
  }
  if (log_r) {
    AuditFiles files;
    files.log = std::move(*log_r);
    auto newest = files.log->newest_time();
    if (newest && *newest > 0) {
      // A clock set back below the last record makes every verdict CLOCK_UNTRUSTED.
      auto raised = k->store_->raise_time_floor(*newest);
      if (!raised) log("trust store: " + raised.error().message);
    }
    auto check = files.log->check();
    if (check) k->audit_status_.last_seq = check->last_seq;
    k->show_checkpoint(files.log->last_line());
    if (const audit::SealKeyFile* key = files.log->seal_key()) {
      k->seal_t0_ = key->t0();
      k->seal_epoch_ = key->epoch_seconds();
    }
    auto counts = files.log->outcome_counts(k->day_start());
    if (counts) k->today_ = std::move(*counts);
    std::string why;
    if (auto table = CredentialDayTable::open(c.data_dir + "/audit.db"); !table) {
      why = table.error();
    } else if (auto rows = (*table)->load(); !rows) {
      why = rows.error();
    } else {
      files.days = std::move(*table);
      k->day_memory_ =
          std::make_unique<CredentialDayMemory>(k->secrets_->hash_key, std::move(*rows));
    }
    if (!why.empty())
      log("replay memory: " + why + " (letters and cards are not checked for reuse)");
    // From here on only the writer's thread touches the log and the replay table.
    k->audit_ = std::make_unique<AuditWriter>(std::move(files));
  } else {
    k->audit_status_.writable = false;
    k->audit_status_.message = log_r.error().message;
    log("audit: " + log_r.error().message + " (verdicts are shown but NOT recorded)");
  }
  auto places = load_places(c.places);
  if (places) {
    k->places_ = std::move(*places);
  } else {
    log("place names: " + places.error() + " (codes are shown)");
  }
  k->refresh_trust();
  return k;
}

Result<boost::asio::ip::tcp::endpoint, std::string> Kiosk::start() {
  auto ep = start_console();
  if (!ep) return Unexpected{ep.error()};

  if (!options_.initial_package.empty()) {
    // Before serving, on the loop: the first verdicts need it.
    last_update_ = install_package(*store_, anchors_ ? &*anchors_ : nullptr, anchors_error_,
                                   clock_.now(), "start-up:" + options_.initial_package,
                                   read_trust_package(options_.initial_package), nullptr);
    refresh_trust();
  }

  sources_ =
      make_sources(ioc_, config_, options_.devices ? *options_.devices : production_devices());
  for (const auto& p : sources_.problems) {
    on_status(p);
    log(p.device + ": " + p.detail);
  }
  for (QrTextSource* s : sources_.qr_refs) {
    if (auto* camera = dynamic_cast<CameraSource*>(s)) {
      camera->set_coach([this](Advice a) {
        advice_ = a;
        broadcast();
      });
    }
    s->start([this](Channel ch, std::string text, InputTiming t) { on_qr(ch, text, t); },
             [this](const DeviceStatus& st) { on_status(st); });
  }
  for (ChipSource* s : sources_.chip_refs) {
    s->start([this](ChipInput chip, InputTiming t) { on_chip(chip, t); },
             [this](const DeviceStatus& st) { on_status(st); });
  }
  // From here on the updater's worker owns the trust store: no install runs on this loop.
  updater_ = std::make_unique<TrustUpdater>(ioc_, config_, clock_, std::move(store_),
                                            [this](TrustOutcome o) { on_trust(std::move(o)); });
  updater_->start();
  if (!config_.syslog_relp.empty() && audit_) {
    forwarder_ = std::make_unique<AuditForwarder>(
        config_.data_dir + "/audit.db", config_.data_dir + "/audit-forward.cursor",
        config_.kiosk_id, *parse_relp_target(config_.syslog_relp),
        ForwardTls{config_.syslog_tls, config_.syslog_ca_file, config_.syslog_server_name,
                   config_.syslog_client_cert, config_.syslog_client_key});
    forwarder_->start();
  }
  if (config_.metrics_port) {
    metrics_server_ = std::make_unique<MetricsServer>(config_.metrics_max_connections);
    if (!config_.metrics_tls_cert.empty()) {
      auto tls = metrics_server_->use_tls(config_.metrics_tls_cert, config_.metrics_tls_key,
                                          config_.metrics_client_ca);
      if (!tls) return Unexpected{"metrics " + tls.error()};
    }
    if (!config_.metrics_token_file.empty()) {
      auto token = read_metrics_token(config_.metrics_token_file);
      if (!token) return Unexpected{"metrics token_file " + token.error()};
      metrics_server_->require_token(std::move(*token));
    }
    auto mep = metrics_server_->listen(config_.metrics_listen, *config_.metrics_port);
    if (!mep) return Unexpected{"metrics listen " + mep.error()};
    log(std::string("metrics: ") + (config_.metrics_tls_cert.empty() ? "http" : "https") + "://" +
        config_.metrics_listen + ":" + std::to_string(mep->port()) + "/metrics");
  }
  arm_metrics();
  arm_watchdog();
  purge();
  arm_retention();
  arm_seal();
  notifier_.notify("READY=1\nSTATUS=serving on " + ep->address().to_string() + ":" +
                   std::to_string(ep->port()));
  return *ep;
}

Result<boost::asio::ip::tcp::endpoint, std::string> Kiosk::start_console() {
  const ConsoleConfig& cc = config_.console;
  // Holder records never cross the network in clear text.
  if (auto why = check_console(cc, config_.listen)) return Unexpected{"ui: " + *why};
  server_ctx_ = std::make_shared<ServerContext>();
  server_ctx_->site = load_site(config_.www, config_.mode);
  if (!server_ctx_->site.missing.empty()) log("ui: " + server_ctx_->site.missing);
  server_ctx_->max_connections = config_.max_connections;
  server_ctx_->max_per_client = cc.max_per_client;
  server_ctx_->state.officer = [this] { return officer_json(view()); };
  server_ctx_->state.self = [this] { return self_json(view()); };
  server_ctx_->on_command = [this](std::string_view cmd) { command(cmd); };

  auto officers = auth::OfficerStore::open(config_.data_dir + "/trust.db");
  if (!officers) log("console: " + officers.error().message + " (nobody can sign in)");
  console_ = std::make_unique<Console>(
      ioc_, cc, config_.listen, officers ? std::move(*officers) : nullptr,
      [this](std::string_view event, std::string_view officer, std::string_view client) {
        audit_access(event, officer, client);
      });
  server_ctx_->console = console_.get();

  // [ui] listen is the officer's console (the applicant's screen in self-service mode); the
  // self-service screen may also have a listener of its own.
  View main_face = config_.mode == Mode::kCounter ? View::kOfficer : View::kSelf;
  server_ = std::make_unique<HttpServer>(ioc_, server_ctx_, main_face, console_->hosts());
  if (cc.tls()) {
    auto t = server_->use_tls(cc.tls_cert, cc.tls_key);
    if (!t) return Unexpected{"ui: " + t.error()};
  }
  auto ep = server_->listen(config_.listen, config_.port);
  if (!ep) return Unexpected{"ui listen " + ep.error()};
  if (!cc.self_listen.empty()) {
    self_server_ = std::make_unique<HttpServer>(ioc_, server_ctx_, View::kSelf,
                                                console_hosts(cc, cc.self_listen));
    if (cc.tls() && !is_loopback_literal(cc.self_listen)) {
      auto t = self_server_->use_tls(cc.tls_cert, cc.tls_key);
      if (!t) return Unexpected{"ui: " + t.error()};
    }
    auto sep = self_server_->listen(cc.self_listen, cc.self_port);
    if (!sep) return Unexpected{"ui self-service listen " + sep.error()};
    self_endpoint_ = *sep;
  }
  arm_console_sweep();
  return *ep;
}

void Kiosk::reload_tls() {
  const ConsoleConfig& cc = config_.console;
  if (!cc.tls()) return;
  for (HttpServer* s : {server_.get(), self_server_.get()}) {
    if (!s || !s->tls()) continue;
    auto t = s->use_tls(cc.tls_cert, cc.tls_key);
    log(t ? "ui: TLS certificate and key reloaded from " + cc.tls_cert
          : "ui: " + t.error() + " (the previous certificate stays in use)");
  }
}

void Kiosk::audit_access(std::string_view event, std::string_view officer,
                         std::string_view client) {
  log("console: " + std::string(event) + " '" + std::string(officer) + "' from " +
      std::string(client));
  if (!audit_) return;
  // A flood of failed sign-ins on a stuck disk must not grow the writer's queue without bound:
  // past the backlog's limit the records are counted, and one record says how many were lost.
  const AccessBacklog::Admission admission = access_backlog_.admit();
  if (!admission.admitted) {
    if (admission.first_drop) log("console: access records dropped: the audit log is behind");
    return;
  }
  auto post_access = [this](std::string what, std::string who, std::string from) {
    audit::Record r;
    r.kind = audit::RecordKind::kAccess;
    r.time = clock_.now();
    r.event = std::move(what);
    r.officer = std::move(who);
    r.client = std::move(from);
    audit_->post([this, r = std::move(r)](AuditFiles& f) mutable {
      Committed c = commit(f, std::move(r));
      boost::asio::post(ioc_, [this, c = std::move(c)] {
        access_backlog_.done();
        if (!stopped_) (void)take_commit(c);
      });
    });
  };
  if (admission.gap > 0) post_access("dropped:" + std::to_string(admission.gap), "", "");
  post_access(std::string(event), std::string(officer), std::string(client));
}

void Kiosk::arm_console_sweep() {
  console_timer_.expires_after(std::chrono::seconds(1));
  console_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    if (console_->sweep() > 0) server_ctx_->close_sessions("");
    arm_console_sweep();
  });
}

namespace {
constexpr std::chrono::milliseconds kForwardOnStop{2000};
}  // namespace

void Kiosk::stop() {
  if (stopped_) return;
  stopped_ = true;
  notifier_.notify("STOPPING=1");
  for (QrTextSource* s : sources_.qr_refs)
    s->stop();
  for (ChipSource* s : sources_.chip_refs)
    s->stop();
  if (updater_) updater_->stop();
  if (server_) server_->stop();
  if (metrics_server_) metrics_server_->stop();
  metrics_timer_.cancel();
  if (self_server_) self_server_->stop();
  console_timer_.cancel();
  session_timer_.cancel();
  watchdog_timer_.cancel();
  retention_timer_.cancel();
  seal_timer_.cancel();
  commit_timer_.cancel();
  // Every record already sent is committed before the stop seal covers it.
  if (audit_) audit_->stop();
  seal(true);
  // The stop seal goes to the collector now rather than at the next start (bounded: systemd's
  // stop timeout is far longer; an unreachable collector gets it at the next start).
  if (forwarder_ && !forwarder_->drain_and_stop(kForwardOnStop))
    log("audit forward: not everything acknowledged at the stop; the rest goes at the next start");
}

bool Kiosk::take_mrz(const std::string& text) {
  // A document reader or scanner types a passport's zone as two lines of 44 (one text with a
  // line break, or two texts). A QR text never has this shape.
  auto zone = mrz::parse(text);
  if (!zone && mrz_line(text)) {
    if (text[0] == 'P' && pending_mrz_.empty()) {
      pending_mrz_ = text;
      return true;
    }
    if (!pending_mrz_.empty()) {
      zone = mrz::parse(pending_mrz_ + "\n" + text);
      pending_mrz_.clear();
    }
  }
  if (!zone) {
    if (zone.error() == mrz::MrzError::kTd1Card || zone.error() == mrz::MrzError::kTd2Card)
      log("passport reader: " + std::string(mrz::name(zone.error())) + " is not a passport zone");
    return zone.error() != mrz::MrzError::kNotMrz;
  }
  log(std::string("passport zone read") + (zone->valid() ? "" : " with a failing check digit"));
  session_.set_passport(std::move(*zone));
  arm_session_timer();
  broadcast();
  return true;
}

void Kiosk::on_qr(Channel channel, const std::string& text, const InputTiming& timing) {
  if (stopped_ || take_mrz(text)) return;
  present(channel, qr_key(text), timing,
          [this, text](std::int64_t now) { return verify_qr(text, trust_, settings_, now); });
}

void Kiosk::on_chip(const ChipInput& chip, const InputTiming& timing) {
  present(Channel::kCard, chip_key(chip), timing,
          [this, chip](std::int64_t now) { return verify_chip(chip, trust_, settings_, now); });
}

void Kiosk::present(Channel channel, std::string key, InputTiming timing, VerifyFn verify,
                    std::optional<std::int64_t> arrived) {
  if (stopped_) return;
  if (committing_) {
    // The camera reads a code on every frame: the same one again is a read of the entry to come.
    if (key == committing_key_) {
      ++committing_reads_;
      return;
    }
    for (const Waiting& w : waiting_)
      if (w.key == key) return;
    if (waiting_.size() >= kMaxWaiting) {
      if (!dropping_)
        log("presentations dropped: " + std::to_string(kMaxWaiting) +
            " wait for the audit log (a stuck disk?); present them again");
      dropping_ = true;
      return;
    }
    dropping_ = false;
    // Verified at the time it was read: an e-card's freshness is not lost to the disk's delay.
    waiting_.push_back(Waiting{channel, std::move(key), timing, std::move(verify), clock_.now()});
    return;
  }
  if (session_.repeat(key)) {
    arm_session_timer();
    return;
  }
  std::int64_t now = arrived.value_or(clock_.now());
  SessionEntry entry;
  entry.id = next_entry_id_++;
  entry.channel = channel;
  entry.key = key;
  entry.time = now;
  entry.timing.captured = mono_us(timing.captured);
  entry.timing.read_start = mono_us(timing.read_start);
  entry.timing.read = mono_us(timing.read);
  auto t0 = std::chrono::steady_clock::now();
  entry.timing.received = mono_us(t0);
  entry.verdict = verify(now);
  auto t1 = std::chrono::steady_clock::now();
  entry.timing.verified = mono_us(t1);
  metrics_.verdict(channel, entry.verdict, std::chrono::duration<double>(t1 - t0).count());
  if (trust_.keyset) entry.keyset_iat = static_cast<std::int64_t>(trust_.keyset->iat);
  if (entry.verdict.holder) {
    if (const StatusList* l = trust_.status_for(entry.verdict.holder->iss))
      entry.status_iat = static_cast<std::int64_t>(l->iat);
  }
  if (!audit_) {
    entry.audit_error = audit_status_.message;
    entry.timing.committed = mono_now_us();
    finish(std::move(entry));
    return;
  }
  // The verdict is shown once its record is durable; the loop serves the screens meanwhile.
  committing_ = true;
  committing_key_ = key;
  committing_reads_ = 0;
  auto rec =
      audit::verdict_record(entry.verdict, name(entry.channel), entry.time, secrets_->hash_key);
  audit_->post([this, rec = std::move(rec), day = day_start(),
                entry = std::move(entry)](AuditFiles& f) mutable {
    Committed c = commit(f, std::move(rec));
    if (c.stored.ok()) {
      auto counts = f.log->outcome_counts(day);
      if (counts) c.today = std::move(*counts);
      c.committed_us = mono_now_us();  // the stage ends with the day's counts
    }
    boost::asio::post(ioc_, [this, entry = std::move(entry), c = std::move(c)]() mutable {
      on_committed(std::move(entry), std::move(c));
    });
  });
  commit_timer_.expires_after(std::chrono::seconds(config_.audit_stall_seconds));
  commit_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_ || !committing_) return;
    std::string why = "the audit log has not finished a write for " +
                      std::to_string(config_.audit_stall_seconds) +
                      " s (storage slow or stuck); verdicts wait for it";
    log("audit: " + why);
    stalled_ = true;
    audit_status_.writable = false;
    audit_status_.message = why;
    broadcast();
  });
}

void Kiosk::on_committed(SessionEntry entry, Committed c) {
  committing_ = false;
  stalled_ = false;
  commit_timer_.cancel();
  if (stopped_) return;
  metrics_.audit_commit(c.seconds);
  if (take_commit(c)) {
    entry.audit_seq = c.stored->seq;
    if (c.today) today_ = std::move(*c.today);
  } else {
    entry.audit_error = c.stored.error().message;
  }
  entry.timing.committed = c.committed_us;
  entry.reads += committing_reads_;
  finish(std::move(entry));
  // The next presentation that waited (one that is only a repeat now is shown at once).
  while (!committing_ && !waiting_.empty() && !stopped_) {
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    present(w.channel, std::move(w.key), w.timing, std::move(w.verify), w.arrived);
  }
}

void Kiosk::finish(SessionEntry entry) {
  // A document of another holder ends the session: the new applicant starts a new one.
  if (session_.other_holder(entry.verdict)) session_.clear();
  const Verdict& v = entry.verdict;
  const Channel channel = entry.channel;
  const std::int64_t now = entry.time;
  const std::string key = entry.key;
  log("verdict " + std::string(name(channel)) + " " + std::string(name(v.outcome)) + " " +
      std::string(name(v.document)) + " " + names(v.reasons) +
      (entry.audit_seq ? " audit #" + std::to_string(*entry.audit_seq)
                       : " NOT RECORDED: " + entry.audit_error));
  if (options_.on_verdict) options_.on_verdict(channel, v, now);
  // The session's number once this entry is added (a new session when idle).
  flag_replay(entry, key);
  entry.timing.published = mono_now_us();
  session_.add(std::move(entry));
  arm_session_timer();
  broadcast();
}

bool Kiosk::take_commit(const Committed& c) {
  if (c.line != audit_line_) show_checkpoint(c.line);
  const auto& stored = c.stored;
  if (!stored) {
    audit_unwritable("audit: ", stored.error().message);
    return false;
  }
  // A verdict's commit still stalled keeps the alarm, whatever record came before it.
  if (!stalled_) {
    if (!audit_status_.writable) log("audit: writable again");
    audit_status_.writable = true;
    if (audit_status_.chain_intact) audit_status_.message.clear();
  }
  audit_status_.last_seq = stored->seq;
  if (forwarder_) forwarder_->wake();
  if (stored->time > trust_.time_floor) {
    if (updater_) {
      updater_->raise_time_floor(stored->time);  // the store is the worker's
    } else {
      auto raised = store_->raise_time_floor(stored->time);
      if (!raised) log("trust store: " + raised.error().message);
    }
    trust_.time_floor = stored->time;
  }
  return true;
}

Kiosk::Committed Kiosk::commit(AuditFiles& f, audit::Record r) {
  auto t0 = std::chrono::steady_clock::now();
  auto stored = f.log->append(std::move(r));
  auto t1 = std::chrono::steady_clock::now();
  return Committed{std::move(stored), f.log->last_line(), mono_us(t1),
                   std::chrono::duration<double>(t1 - t0).count(), std::nullopt};
}

void Kiosk::audit_unwritable(const std::string& what, const std::string& why) {
  if (audit_status_.writable) log(what + why);
  audit_status_.writable = false;
  audit_status_.message = why;
}

void Kiosk::flag_replay(SessionEntry& entry, const std::string& key) {
  const Verdict& v = entry.verdict;
  std::uint64_t session = session_.number() + (session_.active() ? 0 : 1);
  if (v.document == Document::kESsc) {
    if (presentations_.seen_elsewhere(key, session, entry.time)) entry.replay = "same_presentation";
  } else if ((v.document == Document::kWpnl || v.document == Document::kWpCard) && day_memory_ &&
             v.issuer_kid) {
    std::int64_t offset = config_.utc_offset_minutes * 60;
    std::int64_t day = (entry.time + offset) / 86400;
    std::optional<DayRow> fresh;
    if (day_memory_->seen_elsewhere(v.cti, std::to_string(started_) + ":" + std::to_string(session),
                                    day, &fresh))
      entry.replay = "seen_today";
    // Kept across restarts by the writer; a check never waits for the disk.
    if (fresh && audit_)
      audit_->post([row = std::move(*fresh)](AuditFiles& f) {
        if (!f.days) return;
        auto stored = f.days->store(row);
        if (!stored) log("replay memory: " + stored.error());
      });
  }
}

void Kiosk::on_status(const DeviceStatus& status) {
  bool found = false;
  for (auto& d : devices_) {
    if (d.device == status.device) {
      if (d.state != status.state)
        log(status.device + ": " + std::string(drivers::name(status.state)) +
            (status.detail.empty() ? "" : " (" + status.detail + ")"));
      d = status;
      found = true;
    }
  }
  if (!found) devices_.push_back(status);
  broadcast();
}

void Kiosk::on_trust(TrustOutcome outcome) {
  if (stopped_) return;
  if (outcome.report) {
    metrics_.update(*outcome.report);
    last_update_ = std::move(outcome.report);
  }
  if (outcome.snapshot) {
    adopt_trust(std::move(*outcome.snapshot));
  } else if (!outcome.snapshot_error.empty()) {
    log("trust store: " + outcome.snapshot_error);
  }
  broadcast();
}

void Kiosk::command(std::string_view cmd) {
  if (cmd == "clear" || cmd == "{\"cmd\":\"clear\"}") {
    session_.clear();
    session_timer_.cancel();
  } else if (cmd == "next" || cmd == "{\"cmd\":\"next\"}") {
    session_.focus_next();
  } else {
    return;  // unknown commands are ignored
  }
  broadcast();
}

void Kiosk::refresh_trust() {
  if (updater_) return updater_->refresh();  // the snapshot comes back through on_trust
  auto snap = store_->snapshot();
  if (!snap) {
    log("trust store: " + snap.error().message);
    return;
  }
  adopt_trust(std::move(*snap));
}

void Kiosk::adopt_trust(TrustSnapshot snap) {
  std::int64_t floor = std::max(trust_.time_floor, snap.time_floor);
  trust_ = std::move(snap);
  trust_.time_floor = floor;
  std::string warning = trust_warning(trust_, clock_.now(), config_.expiry_warning_days);
  if (warning != last_warning_) {
    if (warning != "none") log("trust bundle: " + warning);
    last_warning_ = warning;
  }
}

std::int64_t Kiosk::day_start() const {
  std::int64_t offset = config_.utc_offset_minutes * 60;
  std::int64_t local = clock_.now() + offset;
  return local - ((local % 86400) + 86400) % 86400 - offset;
}

KioskView Kiosk::view() const {
  KioskView v;
  v.config = &config_;
  v.now = clock_.now();
  v.session = &session_;
  v.trust = &trust_;
  v.last_update = last_update_;
  v.devices = devices_;
  v.today = today_;
  v.audit = audit_status_;
  if (forwarder_) {
    auto f = forwarder_->status();
    v.audit.forwarded_seq = f.forwarded_seq;
    v.audit.forward_error = f.error;
  }
  v.places = places_.empty() ? nullptr : &places_;
  v.advice = advice_;
  if (!config_.url.empty() && last_update_)
    v.next_update = last_update_->time + config_.url_interval;
  return v;
}

void Kiosk::broadcast() {
  if (!server_ctx_) return;
  KioskView v = view();
  server_ctx_->publish(View::kOfficer, std::make_shared<const std::string>(officer_json(v)));
  server_ctx_->publish(View::kSelf, std::make_shared<const std::string>(self_json(v)));
}

void Kiosk::arm_session_timer() {
  session_timer_.expires_after(std::chrono::seconds(config_.session_timeout));
  session_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    session_.clear();
    broadcast();
  });
}

void Kiosk::arm_watchdog() {
  auto interval = notifier_.watchdog();
  if (!interval) return;
  // Pinged from the event loop itself: a stalled loop stops the pings and systemd restarts us.
  notifier_.notify("WATCHDOG=1");
  watchdog_timer_.expires_after(*interval / 2);
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) arm_watchdog();
  });
}

void Kiosk::purge() {
  if (!audit_ || config_.audit_retention_days == 0) return;
  std::int64_t now = clock_.now();
  std::int64_t cutoff = now - config_.audit_retention_days * 86400;
  audit_->post([cutoff, now, days = config_.audit_retention_days](AuditFiles& f) {
    auto n = f.log->purge_before(cutoff, now);
    if (!n) {
      log("audit purge: " + n.error().message);
    } else if (*n > 0) {
      log("audit purge: removed " + std::to_string(*n) + " records older than " +
          std::to_string(days) + " days (chain anchored)");
    }
  });
}

void Kiosk::arm_metrics() {
  metrics_timer_.expires_after(std::chrono::seconds(1));
  metrics_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) arm_metrics();
  });
  if (forwarder_) {
    // The forwarder runs on its own thread: its news reaches the screens from here.
    auto f = forwarder_->status();
    if (f.error != shown_forward_error_) {
      shown_forward_error_ = f.error;
      broadcast();
    }
  }
  if (!metrics_server_) return;
  // Rendered here, once a second, from the loop's own state; served from the listener's thread.
  MetricsState m;
  m.kiosk_id = config_.kiosk_id;
  m.now = clock_.now();
  m.trust = &trust_;
  m.devices = devices_;
  m.audit = audit_status_;
  m.last_update = last_update_;
  if (updater_) {
    auto st = updater_->stats();
    m.trust_polls = st.polls;
    m.trust_poll_failures = st.failures;
    m.trust_not_modified = st.not_modified;
    m.trust_last_success = st.last_success;
  }
  if (forwarder_) {
    auto f = forwarder_->status();
    m.forwarding = true;
    m.forward_connected = f.connected;
    m.forwarded_seq = f.forwarded_seq;
    m.forward_error = f.error;
    m.forward_problem = f.problem;
    m.forwarded_seal_id =
        static_cast<std::uint64_t>(std::max<std::int64_t>(f.forwarded_seal_id, 0));
    m.forward_tls = f.tls;
  }
  for (QrTextSource* q : sources_.qr_refs)
    if (auto* cam = dynamic_cast<CameraSource*>(q)) {
      m.decode = cam->decode_times();
      auto st = cam->stats();
      m.camera_frames = st.frames;
      m.camera_skipped = st.skipped;
      m.camera_fused = st.fused;
    }
  if (auto l = audit::parse_seal_line(audit_line_)) {
    m.checkpoint_seq = l->seal.seq;
    m.checkpoint_time = l->seal.time;
  }
  m.resident_bytes = process_resident_bytes();
  m.start_time = start_time_;
  metrics_server_->publish(std::make_shared<const std::string>(metrics_.render(m)));
}

void Kiosk::show_checkpoint(const std::string& line) {
  audit_line_ = line;
  if (line.empty()) return;
  // For the syslog forwarder (kioskd's output reaches the journal and rsyslog) and the screen.
  log("audit seal: " + line);
  if (auto l = audit::parse_seal_line(line))
    audit_status_.checkpoint = std::string(name(l->seal.kind)) + " #" +
                               std::to_string(l->seal.seq) + " " + l->seal.head.substr(0, 16) +
                               " epoch " + std::to_string(l->seal.last);
}

void Kiosk::take_seal(const Result<std::string, audit::AuditError>& sealed,
                      const std::string& line) {
  if (!sealed) {
    audit_unwritable("audit seal: ", sealed.error().message);
  } else if (line != audit_line_) {
    show_checkpoint(line);
  }
}

void Kiosk::seal(bool stop) {
  if (!audit_) return;
  std::int64_t now = clock_.now();
  if (stop) {
    // At the stop, after audit_->stop(): the files are this thread's again.
    audit::AuditLog& log = *audit_->files_after_stop().log;
    take_seal(log.seal_due(now, true), log.last_line());
    return;
  }
  audit_->post([this, now](AuditFiles& f) {
    auto sealed = f.log->seal_due(now, false);
    boost::asio::post(ioc_, [this, sealed = std::move(sealed), line = f.log->last_line()] {
      if (stopped_) return;
      take_seal(sealed, line);
      broadcast();
    });
  });
}

void Kiosk::arm_seal() {
  if (!audit_ || seal_epoch_ <= 0) return;
  // Wake just after the current epoch ends (the clock is in whole seconds).
  std::int64_t now = clock_.now();
  std::int64_t end = seal_t0_ + (audit::epoch_of(now, seal_t0_, seal_epoch_) + 1) * seal_epoch_;
  std::int64_t wait = std::max<std::int64_t>(1, end - now);
  seal_timer_.expires_after(std::chrono::seconds(wait) + std::chrono::milliseconds(50));
  seal_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    seal(false);
    arm_seal();
  });
}

void Kiosk::arm_retention() {
  retention_timer_.expires_after(std::chrono::hours(6));
  retention_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    purge();
    refresh_trust();  // also re-evaluates the expiry warning
    broadcast();
    arm_retention();
  });
}

}  // namespace kiosk::kioskd
