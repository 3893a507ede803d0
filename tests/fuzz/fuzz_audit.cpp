// The audit parsers an auditor feeds with files from elsewhere: held seal and checkpoint lines (a
// syslog file), the verification key, record bodies, and whole exports through the verifier (with
// a key, so the seal checks and the key walk run too, bounded by the time given).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "firmware/audit/export.h"
#include "firmware/audit/record.h"
#include "firmware/audit/seal.h"
#include "firmware/audit/verify.h"

using namespace kiosk;
using namespace kiosk::audit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto l = parse_seal_line(text)) {
    // What parses re-reads the same: the body is kept byte for byte, never re-encoded.
    auto again = parse_seal_line(format_seal_line(l->body, l->mac));
    if (!again || again->body != l->body || again->mac != l->mac) __builtin_trap();
  }
  if (auto s = parse_seal_body(text)) {
    if (!parse_seal_body(seal_body(*s))) __builtin_trap();
  }
  if (auto k = parse_verify_key(text)) {
    auto again = parse_verify_key(format_verify_key(*k));
    if (!again || again->k0 != k->k0 || again->t0 != k->t0) __builtin_trap();
  }
  if (auto r = parse_body(text)) {
    if (!parse_body(body(*r))) __builtin_trap();
  }
  std::size_t malformed = 0;
  VerifyOptions opt;
  opt.held = parse_held_lines(text, &malformed);
  opt.key = AuditorKey{1796000000, 10, SealKey{}};
  opt.now = 1796000000 + 10 * 1000;
  (void)check_export(text, std::nullopt, opt);
  // The verifier itself (an export's signature stops the fuzzer before it): seal lines as seal
  // rows, other lines as record bodies.
  Verifier v(opt);
  std::vector<StoredRecord> records;
  std::size_t pos = 0;
  std::int64_t id = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (auto l = parse_seal_line(line)) {
      StoredSeal row;
      row.id = ++id;
      row.kind = std::string(name(l->seal.kind));
      row.first = l->seal.first;
      row.last = l->seal.last;
      row.seq = l->seal.seq;
      row.body = l->body;
      row.mac = l->mac;
      v.feed_seal(row);
    } else {
      StoredRecord r;
      r.seq = records.size() + 1;
      r.body = std::string(line);
      r.hash = record_hash(r.body);
      records.push_back(std::move(r));
    }
  }
  for (const auto& r : records)
    v.feed_record(r);
  (void)v.finish();
  return 0;
}
