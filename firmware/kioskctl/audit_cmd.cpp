// kioskctl audit verify | export | check-export | pubkey | purge
#include <fstream>
#include <iostream>
#include <sstream>

#include "firmware/audit/audit_log.h"
#include "firmware/audit/export.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

namespace kiosk::ctl {
namespace {

constexpr const char* kUsage =
    "usage: kioskctl audit verify --data DIR\n"
    "       kioskctl audit export --data DIR [--out FILE] [--now EPOCH]\n"
    "       kioskctl audit check-export FILE [--pubkey HEX]\n"
    "       kioskctl audit pubkey --data DIR\n"
    "       kioskctl audit purge --data DIR --before EPOCH [--now EPOCH]\n";

int audit_usage(const std::string& message) {
  std::cerr << "kioskctl: " << message << "\n" << kUsage;
  return 2;
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

int verify(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit verify needs --data DIR");
  auto log = audit::AuditLog::open_read_only(log_path(*data));
  if (!log) {
    std::cerr << "kioskctl: " << log.error().message << "\n";
    return 1;
  }
  auto report = (*log)->check();
  if (!report) {
    std::cerr << "kioskctl: " << report.error().message << "\n";
    return 1;
  }
  print_report(*report);
  return report->intact() ? 0 : 1;
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
  auto text = audit::export_signed(**log, **secrets, kiosk, *now);
  if (!text) {
    std::cerr << "kioskctl: " << text.error() << "\n";
    return 1;
  }
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
  std::optional<PublicKey> expected;
  if (const std::string* hex = a.get("pubkey")) {
    auto b = from_hex(*hex);
    expected = b ? to_array<32>(*b) : std::nullopt;
    if (!expected) return audit_usage("--pubkey needs 64 hex characters");
  }
  std::ifstream f(a.positional[0], std::ios::binary);
  if (!f) {
    std::cerr << "kioskctl: " << a.positional[0] << ": cannot open\n";
    return 1;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  auto check = audit::check_export(ss.str(), expected);
  if (!check) {
    std::cout << a.positional[0] << ": " << check.error() << "\n";
    return 1;
  }
  std::cout << "signature: valid (key " << to_hex(check->key) << ", kiosk " << check->kiosk
            << ")\n";
  print_report(check->chain);
  return check->chain.intact() ? 0 : 1;
}

int pubkey(const Args& a) {
  const std::string* data = a.get("data");
  if (!data) return audit_usage("audit pubkey needs --data DIR");
  auto pub = audit::load_sign_public(*data);
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
  auto a = parse_args(rest, {"data", "out", "now", "pubkey", "before"}, {});
  if (!a) return audit_usage(a.error());
  if (sub == "verify") return verify(*a);
  if (sub == "export") return do_export(*a);
  if (sub == "check-export") return check_export(*a);
  if (sub == "pubkey") return pubkey(*a);
  if (sub == "purge") return purge(*a);
  return audit_usage("unknown audit subcommand '" + sub + "'");
}

}  // namespace kiosk::ctl
