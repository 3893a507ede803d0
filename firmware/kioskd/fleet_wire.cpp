#include "firmware/kioskd/fleet_wire.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

namespace kiosk::kioskd {

namespace {

bool all_digits(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::uint64_t to_number(std::string_view s) {  // all_digits(s, 19) holds
  std::uint64_t n = 0;
  for (char ch : s)
    n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  return n;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 60))
    out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  return out;
}

bool alpha(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); });
}

constexpr std::size_t kMaxManifestFiles = 64;

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
  if (host.empty() || host.size() > 253 || !all_digits(t.port, 5) || to_number(t.port) == 0 ||
      to_number(t.port) > 65535)
    return std::nullopt;
  for (char ch : host)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != ':')
      return std::nullopt;
  t.host = std::string(host);
  return t;
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
  auto fail = [&](std::string_view what) {
    return Unexpected{"collector answered " + std::string(what) + ": '" + printable(buf) + "'"};
  };
  // TXNR: 1-9 digits, then a space.
  auto sp1 = buf.find(' ');
  if (sp1 == std::string_view::npos) {
    if (buf.size() > 9 || (!buf.empty() && !all_digits(buf, 9))) return fail("garbage");
    return Out{};
  }
  if (!all_digits(buf.substr(0, sp1), 9)) return fail("garbage");
  // COMMAND: 1-32 letters, then a space.
  auto sp2 = buf.find(' ', sp1 + 1);
  std::string_view command =
      buf.substr(sp1 + 1, sp2 == std::string_view::npos ? buf.size() - sp1 - 1 : sp2 - sp1 - 1);
  if (command.size() > 32 || !alpha(command) || (sp2 != std::string_view::npos && command.empty()))
    return fail("a bad RELP command");
  if (sp2 == std::string_view::npos) return Out{};
  RelpResponse r;
  r.txnr = to_number(buf.substr(0, sp1));
  r.command = std::string(command);
  // DATALEN: 1-9 digits, then " DATA" when DATALEN > 0, then the trailer "\n".
  std::size_t pos = sp2 + 1;
  std::size_t end = pos;
  while (end < buf.size() && end - pos < 10 && buf[end] >= '0' && buf[end] <= '9')
    ++end;
  if (end - pos > 9) return fail("a bad RELP data length");
  if (end == buf.size()) return Out{};
  if (end == pos) return fail("a bad RELP data length");
  std::size_t len = static_cast<std::size_t>(to_number(buf.substr(pos, end - pos)));
  if (len > kMaxRelpData)
    return Unexpected{"collector answered an oversized frame (" + std::to_string(len) +
                      " bytes of data, at most " + std::to_string(kMaxRelpData) + ")"};
  if (len == 0) {
    if (buf[end] != '\n') return fail("a frame without its end");
    return Out{std::pair{r, end + 1}};
  }
  if (buf[end] != ' ') return fail("a frame without its end");
  if (buf.size() < end + 1 + len + 1) return Out{};
  if (buf[end + 1 + len] != '\n') return fail("a frame without its end");
  r.data = std::string(buf.substr(end + 1, len));
  return Out{std::pair{r, end + 2 + len}};
}

Result<ForwardCursor, std::string> parse_cursor(std::string_view text) {
  if (text.empty()) return Unexpected{std::string("empty")};
  if (text.size() > kMaxCursorText)
    return Unexpected{"too long (" + std::to_string(text.size()) + " bytes, at most " +
                      std::to_string(kMaxCursorText) + ")"};
  if (text.back() == '\n') text.remove_suffix(1);
  auto sp = text.find(' ');
  std::string_view seq = text.substr(0, sp);
  if (!all_digits(seq, 18)) return Unexpected{"not a number: '" + printable(seq) + "'"};
  ForwardCursor c;
  c.seq = to_number(seq);
  // A cursor of the version before seals were forwarded has no seal id: every seal is sent (the
  // ones about records sent before go first; they were never sent).
  if (sp != std::string_view::npos) {
    std::string_view id = text.substr(sp + 1);
    if (!all_digits(id, 18)) return Unexpected{"not a seal id: '" + printable(id) + "'"};
    c.seal_id = static_cast<std::int64_t>(to_number(id));
  }
  return c;
}

std::string format_cursor(ForwardCursor c) {
  return std::to_string(c.seq) + " " + std::to_string(c.seal_id) + "\n";
}

bool bearer_ok(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (token.empty() || header.size() != kScheme.size() + token.size() ||
      header.substr(0, kScheme.size()) != kScheme)
    return false;
  return CRYPTO_memcmp(header.data() + kScheme.size(), token.data(), token.size()) == 0;
}

MetricsAnswer metrics_answer(std::string_view method, std::string_view target,
                             std::string_view authorization, std::string_view token,
                             bool have_text) {
  if (!token.empty() && !bearer_ok(authorization, token)) return MetricsAnswer::kUnauthorized;
  if (method != "GET" && method != "HEAD") return MetricsAnswer::kMethodNotAllowed;
  if (target.substr(0, target.find('?')) != "/metrics") return MetricsAnswer::kNotFound;
  return have_text ? MetricsAnswer::kOk : MetricsAnswer::kStarting;
}

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  if (url.substr(0, 7) != "http://") return std::nullopt;
  url.remove_prefix(7);
  auto slash = url.find('/');
  std::string_view hostport = url.substr(0, slash);
  HttpUrl u;
  u.path = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
  while (!u.path.empty() && u.path.back() == '/')
    u.path.pop_back();
  auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    u.port = std::string(hostport.substr(colon + 1));
    hostport = hostport.substr(0, colon);
    if (u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
  }
  if (hostport.empty()) return std::nullopt;
  u.host = std::string(hostport);
  return u;
}

bool valid_manifest_entry(std::string_view line) {
  if (line == "keyset.cose") return true;
  if (line.substr(0, 7) != "status/" || line.size() <= 12 || line.size() > 100) return false;
  if (line.substr(line.size() - 5) != ".cose") return false;
  std::string_view name = line.substr(7, line.size() - 12);
  if (name.empty() || name.front() == '.') return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-')
      return false;
  }
  return true;
}

Result<std::vector<std::string>, std::string> parse_manifest(std::string_view body) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!valid_manifest_entry(line))
      return Unexpected{"manifest: bad entry '" + printable(line) +
                        (line.size() > 60 ? "...'" : "'")};
    // A name listed twice is fetched (and installed) once.
    if (std::find(names.begin(), names.end(), line) != names.end()) continue;
    if (names.size() == kMaxManifestFiles)
      return Unexpected{std::string("manifest: more than 64 files")};
    names.emplace_back(line);
  }
  // The key set first: status lists are checked against it.
  std::stable_partition(names.begin(), names.end(),
                        [](const std::string& n) { return n == "keyset.cose"; });
  return names;
}

std::optional<std::int64_t> parse_http_date(std::string_view t) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": RFC 9110's IMF-fixdate, the only form nginx sends.
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' ||
      t[19] != ':' || t[22] != ':' || t.substr(25) != " GMT")
    return std::nullopt;
  if (std::find(kDays.begin(), kDays.end(), t.substr(0, 3)) == kDays.end()) return std::nullopt;
  auto month = std::find(kMonths.begin(), kMonths.end(), t.substr(8, 3));
  if (month == kMonths.end()) return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) -> std::optional<std::int64_t> {
    if (!all_digits(t.substr(at, n), n)) return std::nullopt;
    return static_cast<std::int64_t>(to_number(t.substr(at, n)));
  };
  auto d = num(5, 2), y = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  if (!d || !y || !hh || !mm || !ss) return std::nullopt;
  std::int64_t m = (month - kMonths.begin()) + 1;
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  static constexpr std::array<int, 12> kLength = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t days_in_month = kLength[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
  if (*y < 1970 || *d < 1 || *d > days_in_month || *hh > 23 || *mm > 59 || *ss > 60)
    return std::nullopt;
  // Days from 1970-01-01 (H. Hinnant's days_from_civil).
  std::int64_t yy = *y - (m <= 2 ? 1 : 0);
  std::int64_t era = yy / 400;
  std::int64_t yoe = yy - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + *hh * 3600 + *mm * 60 + *ss;
}

bool validators_settled(std::string_view last_modified, std::string_view date) {
  auto lm = parse_http_date(last_modified);
  auto d = parse_http_date(date);
  if (!lm || !d) return !lm;  // no Last-Modified: an ETag alone is the server's business
  return *d - *lm >= 2;
}

std::optional<Validators> validators_to_keep(std::string_view etag, std::string_view last_modified,
                                             std::string_view date) {
  auto sendable = [](std::string_view v) {
    return v.size() <= kMaxValidator &&
           std::all_of(v.begin(), v.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
  };
  if ((etag.empty() && last_modified.empty()) || !sendable(etag) || !sendable(last_modified) ||
      !validators_settled(last_modified, date))
    return std::nullopt;
  return Validators{std::string(etag), std::string(last_modified)};
}

}  // namespace kiosk::kioskd
