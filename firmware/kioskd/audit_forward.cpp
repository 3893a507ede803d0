#include "firmware/kioskd/audit_forward.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "app/bytes.h"
#include "firmware/audit/audit_log.h"
#include "firmware/audit/record.h"
#include "firmware/kioskd/clock.h"

namespace kiosk::kioskd {

namespace {

constexpr std::size_t kBatch = 64;  ///< frames sent before waiting for their acks
constexpr int kIoTimeoutSeconds = 10;

void log(const std::string& line) {
  std::cerr << "kioskd: " << line << std::endl;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 60))
    out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  return out;
}

/// The last OpenSSL error queued on this thread, as text (and the queue emptied).
std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return errno ? std::strerror(errno) : "closed by the peer";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

/// A connected socket, plain or TLS: blocking, with the socket's send and receive timeouts.
class Link {
 public:
  explicit Link(int fd) : fd_(fd) {}
  ~Link() {
    if (ssl_) SSL_free(ssl_);
    ::close(fd_);
  }
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  /// The TLS handshake as a client; verifies the chain against tls.ca_file and the name.
  std::pair<ForwardProblem, std::string> start_tls(const ForwardTls& tls, const std::string& host) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return {ForwardProblem::kTls, "TLS: " + openssl_error()};
    auto fail_ctx = [&](std::string what) {
      SSL_CTX_free(ctx);
      return std::pair{ForwardProblem::kTls, "TLS: " + what + ": " + openssl_error()};
    };
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
      return fail_ctx("cannot require TLS 1.2");
    if (SSL_CTX_load_verify_locations(ctx, tls.ca_file.c_str(), nullptr) != 1)
      return fail_ctx(tls.ca_file + ": cannot load the collector's CA");
    if (!tls.client_cert.empty()) {
      if (SSL_CTX_use_certificate_chain_file(ctx, tls.client_cert.c_str()) != 1)
        return fail_ctx(tls.client_cert + ": cannot load the client certificate");
      if (SSL_CTX_use_PrivateKey_file(ctx, tls.client_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_check_private_key(ctx) != 1)
        return fail_ctx(tls.client_key + ": cannot load the client key (or it does not match)");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx);
    SSL_CTX_free(ctx);  // the SSL holds its own reference
    if (!ssl_) return {ForwardProblem::kTls, "TLS: " + openssl_error()};
    const std::string& name = tls.server_name.empty() ? host : tls.server_name;
    bool named;
    if (is_ip_literal(name)) {
      named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), name.c_str()) == 1;
    } else {
      SSL_set_hostflags(ssl_, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      named = SSL_set1_host(ssl_, name.c_str()) == 1 &&
              SSL_set_tlsext_host_name(ssl_, name.c_str()) == 1;
    }
    if (!named || SSL_set_fd(ssl_, fd_) != 1)
      return {ForwardProblem::kTls, "TLS: cannot set up the connection for '" + name + "'"};
    errno = 0;
    if (SSL_connect(ssl_) == 1) return {ForwardProblem::kNone, ""};
    long v = SSL_get_verify_result(ssl_);
    if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      ERR_clear_error();
      return {ForwardProblem::kTlsName,
              "TLS: the collector's certificate does not name '" + name + "'; nothing sent"};
    }
    if (v != X509_V_OK) {
      ERR_clear_error();
      return {ForwardProblem::kTlsCertificate, "TLS: the collector's certificate is not trusted (" +
                                                   std::string(X509_verify_cert_error_string(v)) +
                                                   "); nothing sent"};
    }
    return {ForwardProblem::kTls, "TLS handshake failed: " + openssl_error()};
  }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n;
      if (ssl_) {
        int w = SSL_write(ssl_, data.data(),
                          static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)));
        n = w;
        if (w <= 0) ERR_clear_error();
      } else {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
      }
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// > 0: bytes read; 0: the peer closed; < 0: an error or the timeout (errno says which).
  ssize_t recv(char* buf, std::size_t size) {
    if (!ssl_) {
      for (;;) {
        ssize_t n = ::recv(fd_, buf, size, 0);
        if (n < 0 && errno == EINTR) continue;
        return n;
      }
    }
    errno = 0;
    int n = SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
    if (n > 0) return n;
    int e = SSL_get_error(ssl_, n);
    ERR_clear_error();
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    if (e == SSL_ERROR_SYSCALL && errno == 0) return 0;  // closed without close_notify
    if (errno == 0) errno = EPROTO;
    return -1;
  }

  void close_notify() {
    if (ssl_) SSL_shutdown(ssl_);
  }

 private:
  int fd_;
  SSL* ssl_ = nullptr;
};

namespace {

/// Writes the cursor atomically (temp file, fsync, rename): "SEQ SEAL_ID\n".
bool write_cursor(const std::string& path, ForwardCursor c, std::string* error) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::string text = format_cursor(c);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  if (fd >= 0) ::close(fd);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) *error = path + ": " + std::strerror(err);
  return ok;
}

}  // namespace

std::string_view problem_name(ForwardProblem p) {
  switch (p) {
    case ForwardProblem::kNone:
      return "none";
    case ForwardProblem::kConnect:
      return "connect";
    case ForwardProblem::kTlsCertificate:
      return "tls_certificate";
    case ForwardProblem::kTlsName:
      return "tls_name";
    case ForwardProblem::kTls:
      return "tls";
    case ForwardProblem::kCollector:
      return "collector";
    case ForwardProblem::kAuditLog:
      return "audit_log";
    case ForwardProblem::kCursor:
      return "cursor";
  }
  return "none";
}

std::string syslog_message(const audit::StoredRecord& rec, std::string_view kiosk_id) {
  auto parsed = audit::parse_body(rec.body);
  std::string time = parsed ? iso_time(parsed->time) : "-";
  // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG; PRI 110 = log audit (13) * 8 + info.
  // The kiosk id is [A-Za-z0-9._-] (config) and the hash hex: nothing to escape in the SD.
  return "<110>1 " + time + " " + std::string(kiosk_id) + " kioskd - audit [audit@32473 kiosk=\"" +
         std::string(kiosk_id) + "\" seq=\"" + std::to_string(rec.seq) + "\" hash=\"" +
         to_hex(ByteView(rec.hash.data(), rec.hash.size())) + "\"] " + rec.body;
}

std::string syslog_seal_message(const audit::StoredSeal& seal, std::string_view kiosk_id) {
  auto parsed = audit::parse_seal_body(seal.body);
  std::string time = parsed ? iso_time(parsed->time) : "-";
  // kind is the audit log's own closed set (seal, stop, checkpoint): nothing to escape.
  std::string kind;
  for (char ch : seal.kind.substr(0, 16))
    kind += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return "<110>1 " + time + " " + std::string(kiosk_id) + " kioskd - seal [audit@32473 kiosk=\"" +
         std::string(kiosk_id) + "\" seq=\"" + std::to_string(seal.seq) + "\" seal=\"" +
         std::to_string(seal.id) + "\" kind=\"" + kind + "\"] " + seal.line();
}

AuditForwarder::AuditForwarder(std::string audit_path, std::string cursor_path,
                               std::string kiosk_id, RelpTarget target, ForwardTls tls)
    : audit_path_(std::move(audit_path)),
      cursor_path_(std::move(cursor_path)),
      kiosk_id_(std::move(kiosk_id)),
      target_(std::move(target)),
      tls_(std::move(tls)) {
  status_.enabled = true;
  status_.tls = tls_.enabled;
  if (auto c = load_cursor(cursor_path_)) {
    cursor_ = *c;
  } else {
    // Sent again from the start: the collector recognises the duplicates by kiosk id and seq.
    status_.error = "cursor unreadable, everything is sent again: " + c.error();
    status_.problem = ForwardProblem::kCursor;
    log("audit forward: " + status_.error);
  }
  status_.forwarded_seq = cursor_.seq;
  status_.forwarded_seal_id = cursor_.seal_id;
}

AuditForwarder::~AuditForwarder() {
  stop();
}

Result<ForwardCursor, std::string> AuditForwarder::load_cursor(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return ForwardCursor{};
    return Unexpected{path + ": " + std::strerror(errno)};
  }
  char buf[kMaxCursorText + 1];
  ssize_t n = ::read(fd, buf, sizeof buf);
  int err = errno;
  ::close(fd);
  if (n < 0) return Unexpected{path + ": " + std::strerror(err)};
  auto c = parse_cursor(std::string_view(buf, static_cast<std::size_t>(n)));
  if (!c) return Unexpected{path + ": " + c.error()};
  return *c;
}

ForwardCursor AuditForwarder::read_cursors(const std::string& path) {
  auto c = load_cursor(path);
  return c ? *c : ForwardCursor{};
}

std::uint64_t AuditForwarder::read_cursor(const std::string& path) {
  return read_cursors(path).seq;
}

void AuditForwarder::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void AuditForwarder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    // A blocking connect (SYN_SENT), read or write ends at once (the fd is cleared under the
    // mutex before it is closed: never another file's).
    if (active_fd_ >= 0) ::shutdown(active_fd_, SHUT_RDWR);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AuditForwarder::drain_and_stop(std::chrono::milliseconds budget) {
  bool ok = false;
  if (thread_.joinable()) {
    std::unique_lock<std::mutex> lock(mutex_);
    drain_ = true;
    drain_tried_ = drained_ = drain_ok_ = false;
    woken_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, budget, [&] { return drained_; });
    ok = drained_ && drain_ok_;
  }
  stop();
  return ok;
}

void AuditForwarder::set_active_fd(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  active_fd_ = fd;
}

void AuditForwarder::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

ForwardStatus AuditForwarder::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void AuditForwarder::set_error(ForwardProblem kind, std::string e) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (status_.error != e && !e.empty()) log("audit forward: " + e);
  status_.error = std::move(e);
  status_.problem = status_.error.empty() ? ForwardProblem::kNone : kind;
}

void AuditForwarder::run() {
  unsigned failures = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
    }
    Failure error{ForwardProblem::kConnect, ""};
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(target_.host.c_str(), target_.port.c_str(), &hints, &res);
    int fd = -1;
    if (rc != 0) {
      error.text = "resolve " + target_.host + ": " + ::gai_strerror(rc);
    } else {
      for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        set_active_fd(fd);
        timeval tv{kIoTimeoutSeconds, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
          error.text = "connect " + target_.host + ":" + target_.port + ": " + std::strerror(errno);
          set_active_fd(-1);
          ::close(fd);
          fd = -1;
        }
      }
      ::freeaddrinfo(res);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (drain_) drain_tried_ = true;
    }
    if (fd >= 0) {
      Link link(fd);
      // Cleared before the link closes the fd (declared after it: destroyed first).
      struct Active {
        AuditForwarder& f;
        ~Active() { f.set_active_fd(-1); }
      } active{*this};
      auto [kind, why] = tls_.enabled ? link.start_tls(tls_, target_.host)
                                      : std::pair{ForwardProblem::kNone, std::string()};
      if (kind != ForwardProblem::kNone) {
        error = {kind, why};
      } else {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          status_.connected = true;
        }
        error = session(link);
        std::lock_guard<std::mutex> lock(mutex_);
        status_.connected = false;
      }
    }
    if (error.text.empty()) return;  // stopped
    set_error(error.kind, error.text);
    // Back off: 1 s, 2 s, 4 s ... at most 30 s; a stop ends the wait, a drain too (once: a
    // collector that cannot be reached then gets the rest at the next start).
    ++failures;
    auto wait = std::chrono::seconds(std::min(30u, 1u << std::min(failures - 1, 5u)));
    std::unique_lock<std::mutex> lock(mutex_);
    if (drain_ && drain_tried_ && !drained_) {
      drained_ = true;
      drain_ok_ = false;
      cv_.notify_all();
    }
    cv_.wait_for(lock, wait, [&] { return stop_ || (drain_ && !drain_tried_); });
    if (stop_) return;
    if (status_.connected) failures = 0;
  }
}

AuditForwarder::Failure AuditForwarder::session(Link& link) {
  auto collector = [](std::string text) { return Failure{ForwardProblem::kCollector, text}; };
  std::uint64_t txnr = 1;
  std::string inbuf;
  // Reads one response frame (blocking, with the socket's timeout).
  auto read_response = [&]() -> Result<RelpResponse, std::string> {
    for (;;) {
      auto r = parse_relp_response(inbuf);
      if (!r) return Unexpected{r.error()};
      if (*r) {
        inbuf.erase(0, (*r)->second);
        return (*r)->first;
      }
      char buf[4096];
      ssize_t n = link.recv(buf, sizeof buf);
      if (n == 0) return Unexpected{std::string("collector closed the connection")};
      if (n < 0)
        return Unexpected{std::string("collector did not answer: ") + std::strerror(errno)};
      inbuf.append(buf, static_cast<std::size_t>(n));
    }
  };
  if (!link.send_all(
          relp_frame(txnr, "open", "relp_version=0\nrelp_software=kioskd\ncommands=syslog")))
    return collector(std::string("send open: ") + std::strerror(errno));
  auto opened = read_response();
  if (!opened) return collector(opened.error());
  if (opened->txnr != txnr || opened->command != "rsp" || opened->data.substr(0, 3) != "200")
    return collector("collector refused the session: '" + printable(opened->data) + "'");
  ++txnr;
  bool first = true;

  auto log_r = audit::AuditLog::open_read_only(audit_path_);
  if (!log_r) return {ForwardProblem::kAuditLog, "audit log: " + log_r.error().message};
  std::unique_ptr<audit::AuditLog> log = std::move(*log_r);
  for (;;) {
    ForwardCursor cursor;
    bool draining = false;  // read before the log: what the log held when the drain began is read
    {
      std::lock_guard<std::mutex> lock(mutex_);
      draining = drain_ && !drained_;
      if (stop_) {
        link.send_all(relp_frame(txnr, "close", ""));
        link.close_notify();
        return {};
      }
      cursor = cursor_;
    }
    // The next records and seals, merged in the log's order: a seal or checkpoint covers the
    // records up to its seq, so it goes after record seq and never before it (a seal read
    // before its record, between the two queries, waits for the next round).
    auto records = log->records_after(cursor.seq, kBatch);
    if (!records) return {ForwardProblem::kAuditLog, "audit log: " + records.error().message};
    auto seals = log->seals_after(cursor.seal_id, kBatch);
    if (!seals) return {ForwardProblem::kAuditLog, "audit log: " + seals.error().message};
    struct Item {
      const audit::StoredRecord* rec = nullptr;
      const audit::StoredSeal* seal = nullptr;
    };
    std::vector<Item> batch;
    {
      std::size_t r = 0, k = 0;
      std::uint64_t sent = cursor.seq;
      while (batch.size() < kBatch) {
        bool rec_next =
            r < records->size() && (k == seals->size() || (*records)[r].seq <= (*seals)[k].seq);
        if (rec_next) {
          sent = (*records)[r].seq;
          batch.push_back({&(*records)[r++], nullptr});
        } else if (k < seals->size() && (*seals)[k].seq <= sent) {
          batch.push_back({nullptr, &(*seals)[k++]});
        } else {
          break;
        }
      }
    }
    if (batch.empty()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (draining && !drained_) {
          drained_ = true;
          drain_ok_ = true;
          cv_.notify_all();
        }
      }
      if (cursor_unsaved_) {
        // The cursor file could not be written (a full disk): try again while idle, so that it
        // is saved as soon as there is room, new records or not.
        std::string werr;
        if (write_cursor(cursor_path_, cursor, &werr)) {
          cursor_unsaved_ = false;
          set_error(ForwardProblem::kNone, "");
        } else {
          set_error(ForwardProblem::kCursor,
                    "cursor not saved (records may be sent again): " + werr);
        }
      } else if (first) {
        set_error(ForwardProblem::kNone, "");
      }
      first = false;
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(2), [&] { return stop_ || woken_; });
      woken_ = false;
      continue;
    }
    std::string out;
    std::uint64_t base = txnr;
    for (const auto& item : batch)
      out += relp_frame(txnr++, "syslog",
                        item.rec ? syslog_message(*item.rec, kiosk_id_)
                                 : syslog_seal_message(*item.seal, kiosk_id_));
    if (!link.send_all(out)) return collector(std::string("send: ") + std::strerror(errno));
    ForwardCursor acked = cursor;
    bool moved = false;
    std::string problem;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto rsp = read_response();
      if (!rsp) {
        problem = rsp.error();
        break;
      }
      if (rsp->command == "serverclose") {
        problem = "collector closed the session";
        break;
      }
      // Acknowledgements come in transaction order.
      if (rsp->command != "rsp" || rsp->txnr != base + i) {
        problem = "collector answered out of order (txnr " + std::to_string(rsp->txnr) + ")";
        break;
      }
      if (rsp->data.substr(0, 3) != "200") {
        problem = "collector refused " +
                  (batch[i].rec ? "record " + std::to_string(batch[i].rec->seq)
                                : "seal " + std::to_string(batch[i].seal->id)) +
                  ": '" + printable(rsp->data) + "'";
        break;
      }
      if (batch[i].rec)
        acked.seq = batch[i].rec->seq;
      else
        acked.seal_id = batch[i].seal->id;
      moved = true;
    }
    if (moved) {
      std::string werr;
      bool written = write_cursor(cursor_path_, acked, &werr);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        cursor_ = acked;  // in memory even when the file failed: resent after a crash
        status_.forwarded_seq = acked.seq;
        status_.forwarded_seal_id = acked.seal_id;
      }
      cursor_unsaved_ = !written;
      if (!written)
        set_error(ForwardProblem::kCursor, "cursor not saved (records may be sent again): " + werr);
      else if (problem.empty())
        set_error(ForwardProblem::kNone, "");
    }
    if (!problem.empty()) return collector(problem);
  }
}

}  // namespace kiosk::kioskd
