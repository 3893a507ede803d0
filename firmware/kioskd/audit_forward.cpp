#include "firmware/kioskd/audit_forward.h"

#include <fcntl.h>
#include <netdb.h>
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

constexpr std::size_t kBatch = 64;               ///< frames sent before waiting for their acks
constexpr std::size_t kMaxRelpData = 64 * 1024;  ///< a response's data, at most
constexpr int kIoTimeoutSeconds = 10;

void log(const std::string& line) {
  std::cerr << "kioskd: " << line << std::endl;
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 60))
    out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  return out;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Writes the cursor atomically (temp file, fsync, rename).
bool write_cursor(const std::string& path, std::uint64_t seq, std::string* error) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::string text = std::to_string(seq) + "\n";
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

std::optional<RelpTarget> parse_relp_target(std::string_view text) {
  RelpTarget t;
  std::string_view host;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    t.port = std::string(text.substr(close + 2));
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    t.port = std::string(text.substr(colon + 1));
  }
  if (host.empty() || host.size() > 253 || !digits(t.port) || std::stoul(t.port) == 0 ||
      std::stoul(t.port) > 65535)
    return std::nullopt;
  for (char ch : host)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != ':')
      return std::nullopt;
  t.host = std::string(host);
  return t;
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

std::string relp_frame(std::uint64_t txnr, std::string_view command, std::string_view data) {
  std::string f =
      std::to_string(txnr) + " " + std::string(command) + " " + std::to_string(data.size());
  if (!data.empty()) f += " " + std::string(data);
  return f + "\n";
}

Result<std::optional<std::pair<RelpResponse, std::size_t>>, std::string> parse_relp_response(
    std::string_view buf) {
  using Out = std::optional<std::pair<RelpResponse, std::size_t>>;
  auto sp1 = buf.find(' ');
  if (sp1 == std::string_view::npos) {
    if (buf.size() > 9 || (!buf.empty() && !digits(buf)))
      return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
    return Out{};
  }
  if (!digits(buf.substr(0, sp1)))
    return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
  auto sp2 = buf.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    if (buf.size() - sp1 > 33)
      return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
    return Out{};
  }
  RelpResponse r;
  r.txnr = std::stoull(std::string(buf.substr(0, sp1)));
  r.command = std::string(buf.substr(sp1 + 1, sp2 - sp1 - 1));
  if (r.command.empty() || r.command.size() > 32)
    return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
  // DATALEN, then " DATA" when DATALEN > 0, then the trailer.
  std::size_t pos = sp2 + 1;
  std::size_t end = pos;
  while (end < buf.size() && end - pos < 10 && buf[end] >= '0' && buf[end] <= '9')
    ++end;
  if (end == buf.size()) return Out{};
  if (end == pos || end - pos > 9)
    return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
  std::size_t len = std::stoul(std::string(buf.substr(pos, end - pos)));
  if (len > kMaxRelpData) return Unexpected{std::string("collector answered an oversized frame")};
  if (len == 0) {
    if (buf[end] != '\n') return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
    return Out{std::pair{r, end + 1}};
  }
  if (buf[end] != ' ') return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
  if (buf.size() < end + 1 + len + 1) return Out{};
  r.data = std::string(buf.substr(end + 1, len));
  if (buf[end + 1 + len] != '\n')
    return Unexpected{"collector answered garbage: '" + printable(buf) + "'"};
  return Out{std::pair{r, end + 2 + len}};
}

AuditForwarder::AuditForwarder(std::string audit_path, std::string cursor_path,
                               std::string kiosk_id, RelpTarget target)
    : audit_path_(std::move(audit_path)),
      cursor_path_(std::move(cursor_path)),
      kiosk_id_(std::move(kiosk_id)),
      target_(std::move(target)) {
  status_.enabled = true;
  status_.forwarded_seq = read_cursor(cursor_path_);
}

AuditForwarder::~AuditForwarder() {
  stop();
}

std::uint64_t AuditForwarder::read_cursor(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return 0;
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && s.back() == '\n')
    s.pop_back();
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  return std::stoull(s);
}

void AuditForwarder::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void AuditForwarder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
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

void AuditForwarder::set_error(std::string e) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (status_.error != e && !e.empty()) log("audit forward: " + e);
  status_.error = std::move(e);
}

void AuditForwarder::run() {
  unsigned failures = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
    }
    std::string error;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(target_.host.c_str(), target_.port.c_str(), &hints, &res);
    int fd = -1;
    if (rc != 0) {
      error = "resolve " + target_.host + ": " + ::gai_strerror(rc);
    } else {
      for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        timeval tv{kIoTimeoutSeconds, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
          error = "connect " + target_.host + ":" + target_.port + ": " + std::strerror(errno);
          ::close(fd);
          fd = -1;
        }
      }
      ::freeaddrinfo(res);
    }
    if (fd >= 0) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        status_.connected = true;
      }
      error = session(fd);
      ::close(fd);
      std::lock_guard<std::mutex> lock(mutex_);
      status_.connected = false;
    }
    if (error.empty()) return;  // stopped
    set_error(error);
    // Back off: 1 s, 2 s, 4 s ... at most 30 s; a stop ends the wait.
    ++failures;
    auto wait = std::chrono::seconds(std::min(30u, 1u << std::min(failures - 1, 5u)));
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, wait, [&] { return stop_; });
    if (stop_) return;
    if (status_.connected) failures = 0;
  }
}

std::string AuditForwarder::session(int fd) {
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
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return Unexpected{std::string("collector closed the connection")};
      if (n < 0)
        return Unexpected{std::string("collector did not answer: ") + std::strerror(errno)};
      inbuf.append(buf, static_cast<std::size_t>(n));
    }
  };
  if (!send_all(fd,
                relp_frame(txnr, "open", "relp_version=0\nrelp_software=kioskd\ncommands=syslog")))
    return std::string("send open: ") + std::strerror(errno);
  auto opened = read_response();
  if (!opened) return opened.error();
  if (opened->txnr != txnr || opened->command != "rsp" || opened->data.substr(0, 3) != "200")
    return "collector refused the session: '" + printable(opened->data) + "'";
  ++txnr;
  bool first = true;

  auto log_r = audit::AuditLog::open_read_only(audit_path_);
  if (!log_r) return "audit log: " + log_r.error().message;
  std::unique_ptr<audit::AuditLog> log = std::move(*log_r);
  for (;;) {
    std::uint64_t cursor;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) {
        send_all(fd, relp_frame(txnr, "close", ""));
        return "";
      }
      cursor = status_.forwarded_seq;
    }
    std::vector<audit::StoredRecord> batch;
    auto r = log->for_each(cursor + 1, [&](const audit::StoredRecord& rec) {
      if (batch.size() < kBatch) batch.push_back(rec);
    });
    if (!r) return "audit log: " + r.error().message;
    if (batch.empty()) {
      if (first) set_error("");
      first = false;
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(2), [&] { return stop_ || woken_; });
      woken_ = false;
      continue;
    }
    std::string out;
    std::uint64_t base = txnr;
    for (const auto& rec : batch)
      out += relp_frame(txnr++, "syslog", syslog_message(rec, kiosk_id_));
    if (!send_all(fd, out)) return std::string("send: ") + std::strerror(errno);
    std::uint64_t acked = cursor;
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
        problem = "collector refused record " + std::to_string(batch[i].seq) + ": '" +
                  printable(rsp->data) + "'";
        break;
      }
      acked = batch[i].seq;
    }
    if (acked > cursor) {
      std::string werr;
      bool written = write_cursor(cursor_path_, acked, &werr);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        status_.forwarded_seq = acked;  // in memory even when the file failed: resent after a crash
      }
      if (!written)
        set_error("cursor not saved (records may be sent again): " + werr);
      else if (problem.empty())
        set_error("");
    }
    if (!problem.empty()) return problem;
  }
}

}  // namespace kiosk::kioskd
