// kioskctl audit init | verify | export | check-export | seals | pubkey | purge
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "firmware/audit/audit_log.h"
#include "firmware/audit/export.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/audit/seal_key_file.h"
#include "firmware/audit/verify.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

namespace kiosk::ctl {
namespace {

constexpr const char* kUsage =
    "usage: kioskctl audit init --data DIR [--epoch SECONDS] [--now EPOCH]\n"
    "       kioskctl audit verify --data DIR [--key KEY|--key-file FILE] [--held FILE]\n"
    "                             [--now EPOCH]\n"
    "       kioskctl audit export --data DIR [--out FILE] [--now EPOCH] [--sign-alg ed25519|sm2]\n"
    "       kioskctl audit check-export FILE [--pubkey HEX] [--key KEY|--key-file FILE]\n"
    "                             [--held FILE] [--now EPOCH]\n"
    "       kioskctl audit seals --data DIR [--after ID]\n"
    "       kioskctl audit pubkey --data DIR [--sign-alg ed25519|sm2]\n"
    "       kioskctl audit purge --data DIR --before EPOCH [--now EPOCH]\n"
    "KEY is the verification key `audit init` printed (kaudit1-...); --held names a file of the\n"
    "seal and checkpoint lines that left the kiosk (its syslog, the officer screen, exports).\n";

int audit_usage(const std::string& message) {
  std::cerr << "kioskctl: " << message << "\n" << kUsage;
  return 2;
}

/// --sign-alg: the export signature's algorithm (Ed25519 unless given).
std::optional<SigAlg> sign_alg(const Args& a) {
  const std::string* s = a.get("sign-alg");
  if (!s || *s == "ed25519") return SigAlg::kEd25519;
  if (*s == "sm2") return SigAlg::kSm2;
  return std::nullopt;
}

std::string log_path(const std::string& dir) {
  return dir + "/audit.db";
}

void print_report(const audit::ChainReport& c) {
  std::cout << "records: " << c.records << " (verdicts " << c.verdicts << ", segments "
            << c.segments << ", purges " << c.purges << ")\n";
  if (c.records) std::cout << "seq: " << c.first_seq << " to " << c.last_seq << "\n";
  std::cout << "last hash: " << c.last_hash << "\n";
  for (const auto& b : c.breaks) {
    std::cout << "BROKEN at record " << b.seq << ": " << b.reason
              << (b.acknowledged ? " (recorded by a segment record)" : " (NOT recorded)") << "\n";
  }
  std::cout << "chain: " << (c.intact() ? "intact" : "broken") << "\n";
}

/// The auditor's material from the options: the key and the held lines; a usage message on error.
Result<audit::VerifyOptions, std::string> verify_options(const Args& a) {
  audit::VerifyOptions o;
  std::string key_text;
  if (const std::string* k = a.get("key")) key_text = *k;
  if (const std::string* kf = a.get("key-file")) {
    std::ifstream f(*kf);
    if (!f) return Unexpected{*kf + ": cannot read"};
    std::getline(f, key_text);
  }
  if (!key_text.empty()) {
    o.key = audit::parse_verify_key(key_text);
    if (!o.key)
      return Unexpected{std::string("--key needs the verification key (kaudit1-T0-L-HEX)")};
  }
  if (const std::string* h = a.get("held")) {
    std::ifstream f(*h, std::ios::binary);
    if (!f) return Unexpected{*h + ": cannot read"};
    std::stringstream ss;
    ss << f.rdbuf();
    std::size_t malformed = 0;
    o.held = audit::parse_held_lines(ss.str(), &malformed);
    if (malformed)
      std::cout << "FINDING: " << malformed << " line(s) of " << *h
                << " look like seal lines but do not parse\n";
  }
  if (o.key) {
    auto now = now_from(a);
    if (!now) return Unexpected{now.error()};
    o.now = *now;
  }
  return o;
}

/// Prints the report; returns the exit status (0 only when nothing was found).
int print_verify(const audit::VerifyReport& r, bool keyed) {
  print_report(r.chain);
  std::cout << "seals: " << r.seals << ", checkpoints: " << r.checkpoints;
  if (r.sealed_through)
    std::cout << ", sealed through epoch " << *r.sealed_through << " (record " << r.sealed_seq
              << ", time " << r.last_seal_time << (r.stopped ? ", kioskd stopped" : "") << ")";
  std::cout << "\n";
  if (r.held) std::cout << "held lines checked: " << r.held << "\n";
  for (const auto& n : r.notes)
    std::cout << "note: " << n << "\n";
  if (!keyed)
    std::cout << "note: seals NOT authenticated (give --key, the auditor's verification key): "
                 "root on the kiosk can forge all of this\n";
  for (const auto& f : r.findings)
    std::cout << "FINDING: " << f << "\n";
  std::cout << "verdict: "
            << (r.ok() ? "intact"
                       : "TAMPERED or damaged (" + std::to_string(r.findings.size()) + " finding" +
                             (r.findings.size() == 1 ? "" : "s") + ")")
            << "\n";
  return r.ok() ? 0 : 1;
}

int verify(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit verify needs --data DIR");
  auto opt = verify_options(a);
  if (!opt) return audit_usage(opt.error());
  std::string db = log_path(*data);
  std::error_code ec;
  if (std::filesystem::exists(db, ec) && std::filesystem::file_size(db, ec) == 0) {
    std::cout << "FINDING: " << db << " is empty (0 bytes): every record is gone\n"
              << "verdict: TAMPERED or damaged (1 finding)\n";
    return 1;
  }
  // The kiosk's sealing key position (not the secret) says how far the log must be sealed.
  if (auto key_file = audit::SealKeyFile::open(*data + "/audit-seal.key"))
    opt->key_next = (*key_file)->next();
  auto log = audit::AuditLog::open_read_only(db);
  if (!log) {
    std::cerr << "kioskctl: " << log.error().message << "\n";
    std::cout << "FINDING: " << log.error().message << "\n"
              << "verdict: TAMPERED or damaged (1 finding)\n";
    return 1;
  }
  bool keyed = opt->key.has_value();
  auto report = audit::verify_log(**log, std::move(*opt));
  if (!report) {
    std::cerr << "kioskctl: " << report.error().message << "\n";
    return 1;
  }
  return print_verify(*report, keyed);
}

int init(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit init needs --data DIR");
  auto now = now_from(a);
  if (!now) return audit_usage(now.error());
  std::int64_t epoch = 60;
  if (const std::string* e = a.get("epoch")) {
    auto v = parse_int(*e);
    if (!v || *v < 1 || *v > 86400) return audit_usage("--epoch needs 1 to 86400 seconds");
    epoch = *v;
  }
  std::error_code ec;
  std::filesystem::create_directories(*data, ec);
  ::chmod(data->c_str(), 0700);
  audit::AuditorKey vk;
  auto made = audit::SealKeyFile::create(*data + "/audit-seal.key", *now, epoch, &vk);
  if (!made) {
    std::cerr << "kioskctl: " << made.error()
              << (std::filesystem::exists(*data + "/audit-seal.key")
                      ? " (the log is sealed already; its verification key was shown once)"
                      : "")
              << "\n";
    return 1;
  }
  std::cout << audit::format_verify_key(vk) << "\n";
  sodium_memzero(vk.k0.data(), vk.k0.size());
  std::cerr << "kioskctl: the line above is the audit log's VERIFICATION KEY, shown once and kept\n"
               "kioskctl: nowhere on this kiosk: give it to the auditor (it verifies every seal;\n"
               "kioskctl: whoever holds it can also forge them, so keep it off the kiosk).\n";
  return 0;
}

int seals(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit seals needs --data DIR");
  std::int64_t after = 0;
  if (const std::string* s = a.get("after")) {
    auto v = parse_int(*s);
    if (!v || *v < 0) return audit_usage("--after needs a row id");
    after = *v;
  }
  auto log = audit::AuditLog::open_read_only(log_path(*data));
  if (!log) {
    std::cerr << "kioskctl: " << log.error().message << "\n";
    return 1;
  }
  auto rows = (*log)->seals_after(after, 0);
  if (!rows) {
    std::cerr << "kioskctl: " << rows.error().message << "\n";
    return 1;
  }
  for (const auto& r : *rows)
    std::cout << r.line() << "\n";
  return 0;
}

int do_export(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit export needs --data DIR");
  auto now = now_from(a);
  if (!now) return audit_usage(now.error());
  auto log = audit::AuditLog::open_read_only(log_path(*data));
  if (!log) {
    std::cerr << "kioskctl: " << log.error().message << "\n";
    return 1;
  }
  // Exporting never creates keys: a data directory without them was never used by a kiosk.
  auto pub = audit::load_sign_public(*data);
  if (!pub) {
    std::cerr << "kioskctl: " << pub.error() << "\n";
    return 1;
  }
  auto secrets = audit::load_or_create_secrets(*data);
  if (!secrets) {
    std::cerr << "kioskctl: " << secrets.error() << "\n";
    return 1;
  }
  std::string kiosk;
  auto r = (*log)->for_each(0, [&](const audit::StoredRecord& rec) {
    if (auto b = audit::parse_body(rec.body)) kiosk = b->kiosk;
  });
  (void)r;
  auto alg = sign_alg(a);
  if (!alg) return audit_usage("--sign-alg is ed25519 or sm2");
  auto text = audit::export_signed(**log, **secrets, kiosk, *now, *alg);
  if (!text) {
    std::cerr << "kioskctl: " << text.error() << "\n";
    return 1;
  }
  auto last = (*log)->seals_after(0, 0);
  if (last && !last->empty())
    std::cerr << "kioskctl: last seal line (note it off the kiosk): " << last->back().line()
              << "\n";
  if (const std::string* out = a.get("out")) {
    std::ofstream f(*out, std::ios::binary | std::ios::trunc);
    f << *text;
    f.flush();
    if (!f) {
      std::cerr << "kioskctl: " << *out << ": cannot write\n";
      return 1;
    }
    std::cerr << "kioskctl: exported to " << *out << "\n";
  } else {
    std::cout << *text;
  }
  return 0;
}

int check_export(const Args& a) {
  if (a.positional.size() != 1) return audit_usage("audit check-export needs one FILE");
  std::optional<Bytes> expected;
  if (const std::string* hex = a.get("pubkey")) {
    expected = from_hex(*hex);
    if (!expected || (expected->size() != 32 && expected->size() != 65))
      return audit_usage("--pubkey needs 64 (Ed25519) or 130 (SM2) hex characters");
  }
  std::ifstream f(a.positional[0], std::ios::binary);
  if (!f) {
    std::cerr << "kioskctl: " << a.positional[0] << ": cannot open\n";
    return 1;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  auto opt = verify_options(a);
  if (!opt) return audit_usage(opt.error());
  bool keyed = opt->key.has_value();
  auto check = audit::check_export(ss.str(), expected, std::move(*opt));
  if (!check) {
    std::cout << a.positional[0] << ": " << check.error() << "\n";
    return 1;
  }
  std::cout << "signature: valid (" << sign::name(check->alg) << " key " << to_hex(check->key)
            << ", kiosk " << check->kiosk << ")\n";
  return print_verify(check->report, keyed);
}

int pubkey(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit pubkey needs --data DIR");
  auto alg = sign_alg(a);
  if (!alg) return audit_usage("--sign-alg is ed25519 or sm2");
  auto pub = audit::load_sign_public(*data, *alg);
  if (!pub) {
    std::cerr << "kioskctl: " << pub.error() << "\n";
    return 1;
  }
  std::cout << to_hex(*pub) << "\n";
  return 0;
}

int purge(const Args& a) {
  const std::string* data = a.get("data");
  const std::string* before = a.get("before");
  if (!data || !before) return audit_usage("audit purge needs --data DIR and --before EPOCH");
  auto cutoff = parse_int(*before);
  if (!cutoff) return audit_usage("--before needs epoch seconds");
  auto now = now_from(a);
  if (!now) return audit_usage(now.error());
  audit::OpenReport rep;
  auto log = audit::AuditLog::open(log_path(*data), "kioskctl", *now, &rep);
  for (const auto& n : rep.notices)
    std::cerr << "kioskctl: " << n << "\n";
  if (!rep.new_verify_key.empty())
    std::cout << "verification key (shown once, keep it off the kiosk): " << rep.new_verify_key
              << "\n";
  if (!log) {
    std::cerr << "kioskctl: " << log.error().message << "\n";
    return 1;
  }
  auto n = (*log)->purge_before(*cutoff, *now);
  if (!n) {
    std::cerr << "kioskctl: " << n.error().message << "\n";
    return 1;
  }
  std::cout << "purged: " << *n << "\n";
  return 0;
}

}  // namespace

int cmd_audit(const std::vector<std::string>& words) {
  if (words.empty()) return audit_usage("audit needs a subcommand");
  std::string sub = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  auto a = parse_args(rest,
                      {"data", "out", "now", "pubkey", "before", "key", "key-file", "held", "epoch",
                       "after", "sign-alg"},
                      {});
  if (!a) return audit_usage(a.error());
  if (sub == "init") return init(*a);
  if (sub == "seals") return seals(*a);
  if (sub == "verify") return verify(*a);
  if (sub == "export") return do_export(*a);
  if (sub == "check-export") return check_export(*a);
  if (sub == "pubkey") return pubkey(*a);
  if (sub == "purge") return purge(*a);
  return audit_usage("unknown audit subcommand '" + sub + "'");
}

}  // namespace kiosk::ctl
