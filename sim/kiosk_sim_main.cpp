// kiosk-sim: the issuing authority, the applicant's phone, the paper letter and the chip card in
// one tool, deterministic by seed. Everything it makes is TEST MATERIAL.
//
//   kiosk-sim keys --out DIR [--seed N] [--now EPOCH] [--alg ed25519|sm2]
//   kiosk-sim issue --keys DIR --doc ecard|wpnl|wpcard|chip --variant NAME [--now EPOCH]
//                   [--seed N] [--city NAME] [--force] [--live [--count N] [--interval S]]
//   kiosk-sim issue --list-variants
//   kiosk-sim run SCENARIO [--keys DIR] [--report-json FILE]
//   kiosk-sim feed --keys DIR [--out FILE] [--now EPOCH] [--seed N] [--city NAME] [--gap MS]
//                  [--mix DOC:VARIANT[:CHANNEL],...]
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include "app/chip_file.h"
#include "app/crypto.h"
#include "sim/issuer/issuer.h"
#include "sim/issuer/keys_dir.h"
#include "sim/issuer/records.h"
#include "sim/mrz/passport.h"
#include "sim/scenario/device_channels.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace {

using namespace kiosk;
using namespace kiosk::sim;

constexpr std::string_view kUsage =
    "usage: kiosk-sim keys --out DIR [--seed N] [--now EPOCH] [--alg ed25519|sm2]\n"
    "       kiosk-sim issue --keys DIR --doc ecard|wpnl|wpcard|chip --variant NAME [--now EPOCH]\n"
    "                       [--seed N] [--city NAME] [--force]\n"
    "                       [--live [--count N] [--interval SECONDS]]\n"
    "       kiosk-sim issue --list-variants\n"
    "       kiosk-sim run SCENARIO [--keys DIR] [--report-json FILE]\n"
    "       kiosk-sim feed --keys DIR [--out FILE] [--now EPOCH] [--seed N] [--city NAME]\n"
    "                       [--gap MS] [--mix DOC:VARIANT[:CHANNEL],...]\n"
    "       kiosk-sim passport --name NAME --nat NAT --dob YYYY-MM-DD --ppn NUMBER [--sex M|F]\n"
    "                       [--variant "
    "match|other-number|other-birth|other-name|other-nationality]\n"
    "                       [--out PAGE.png [--px N] [--tilt DEG] [--blur SIGMA] [--noise SIGMA]\n"
    "                        [--light] [--glare] [--seed N]]\n"
    "Everything kiosk-sim makes is TEST MATERIAL: its keys are derived from a public seed.\n";

struct Args {
  std::map<std::string, std::string> opt;
  std::set<std::string> flags;
  std::vector<std::string> pos;
  const std::string* get(const std::string& k) const {
    auto it = opt.find(k);
    return it == opt.end() ? nullptr : &it->second;
  }
};

int usage(const std::string& msg) {
  std::cerr << "kiosk-sim: " << msg << "\n" << kUsage;
  return 2;
}

std::optional<Args> parse(int argc, char** argv, int from, const std::set<std::string>& with_value,
                          const std::set<std::string>& switches, std::string& err) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string w = argv[i];
    if (w.starts_with("--")) {
      std::string k = w.substr(2);
      if (switches.count(k)) {
        a.flags.insert(k);
      } else if (with_value.count(k)) {
        if (i + 1 >= argc) {
          err = "option --" + k + " needs a value";
          return std::nullopt;
        }
        a.opt[k] = argv[++i];
      } else {
        err = "unknown option " + w;
        return std::nullopt;
      }
    } else {
      a.pos.push_back(w);
    }
  }
  return a;
}

std::optional<std::int64_t> parse_i64(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  std::uint64_t v = 0;
  if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --now and --seed, shared by keys and issue.
bool time_and_seed(const Args& a, std::int64_t& now, std::uint64_t& seed, std::string& err) {
  now = system_now();
  seed = 1;
  if (const std::string* s = a.get("now")) {
    auto v = parse_i64(*s);
    if (!v || *v < 0) {
      err = "--now needs epoch seconds, got '" + *s + "'";
      return false;
    }
    now = *v;
  }
  if (const std::string* s = a.get("seed")) {
    auto v = parse_u64(*s);
    if (!v) {
      err = "--seed needs a non-negative integer, got '" + *s + "'";
      return false;
    }
    seed = *v;
  }
  return true;
}

int cmd_keys(int argc, char** argv) {
  std::string err;
  auto a = parse(argc, argv, 2, {"out", "seed", "now", "alg"}, {}, err);
  if (!a) return usage(err);
  const std::string* out = a->get("out");
  if (!out) return usage("keys needs --out DIR");
  if (!a->pos.empty()) return usage("unexpected argument '" + a->pos[0] + "'");
  std::int64_t now;
  std::uint64_t seed;
  if (!time_and_seed(*a, now, seed, err)) return usage(err);
  // --alg sm2: every key (anchor, issuers; holders and chips of what `issue` makes with these
  // keys) is SM2 with SM3 (spec section 9). Ed25519 material is byte-identical to before.
  SigAlg alg = SigAlg::kEd25519;
  if (const std::string* s = a->get("alg")) {
    if (*s == "sm2") {
      alg = SigAlg::kSm2;
    } else if (*s != "ed25519") {
      return usage("--alg must be ed25519 or sm2, got '" + *s + "'");
    }
  }
  TestPki pki = make_test_pki(seed, now, alg);
  auto w = write_keys_dir(pki, *out);
  if (!w) {
    std::cerr << "kiosk-sim: " << w.error() << "\n";
    return 1;
  }
  std::cerr << "kiosk-sim: TEST keys (seed " << seed << ", now " << now << ") written to " << *out
            << ": " << pki.keys.size() << " issuer keys, " << pki.status.size()
            << " status lists\n";
  return 0;
}

int list_variants() {
  std::cout
      << "# kiosk-sim issue variants (TEST MATERIAL).\n"
         "# Each line: doc, variant, then the verdict it must get when verified at the same\n"
         "# --now it was issued for, on a store holding the trust package of `kiosk-sim keys`\n"
         "# made for that --now (same --seed not required), with max_age 90 s, skew 30 s and\n"
         "# the kiosk's jurisdiction = the prefix of the issue city (--city, default shanghai:\n"
         "# 3101; see the city list below): the credential's own city for every variant\n"
         "# except jurisdiction-mismatch, which moves the work location to the next city.\n"
         "# The reasons are listed in the order of the spec's table; '-' means none.\n";
  std::cout << "# cities:";
  for (const City& c : cities())
    std::cout << " " << c.key << "=" << c.loc << "(jurisdiction " << c.prefix << ")";
  std::cout << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-7s %-23s %-7s %-9s %s\n", "doc", "variant", "outcome",
                "document", "reasons  # how it is made");
  std::cout << line;
  for (const VariantInfo& v : variants()) {
    std::snprintf(line, sizeof line, "%-7s %-23s %-7s %-9s ", std::string(name(v.doc)).c_str(),
                  std::string(v.name).c_str(), std::string(name(v.expected.outcome)).c_str(),
                  std::string(name(v.expected.document)).c_str());
    std::cout << line << names(v.expected.reasons) << "  # " << v.what << "\n";
  }
  return 0;
}

int cmd_issue(int argc, char** argv) {
  std::string err;
  auto a =
      parse(argc, argv, 2, {"keys", "doc", "variant", "now", "seed", "city", "count", "interval"},
            {"list-variants", "live", "force"}, err);
  if (!a) return usage(err);
  if (a->flags.count("list-variants")) return list_variants();
  if (!a->pos.empty()) return usage("unexpected argument '" + a->pos[0] + "'");
  const std::string* keys = a->get("keys");
  const std::string* doc = a->get("doc");
  const std::string* variant = a->get("variant");
  if (!keys || !doc || !variant) return usage("issue needs --keys, --doc and --variant");
  auto kind = doc_kind_from_name(*doc);
  if (!kind) return usage("--doc must be ecard, wpnl, wpcard or chip, got '" + *doc + "'");
  IssueRequest req;
  req.doc = *kind;
  req.variant = *variant;
  if (!time_and_seed(*a, req.now, req.seed, err)) return usage(err);
  if (const std::string* c = a->get("city")) req.city = *c;
  req.strict = a->flags.count("force") == 0;
  bool live = a->flags.count("live") > 0;
  std::int64_t count = 0, interval = 60;
  if (const std::string* s = a->get("count")) {
    auto v = parse_i64(*s);
    if (!v || *v < 1) return usage("--count needs a positive integer");
    count = *v;
  }
  if (const std::string* s = a->get("interval")) {
    auto v = parse_i64(*s);
    if (!v || *v < 1) return usage("--interval needs a positive number of seconds");
    interval = *v;
  }
  if (live && *kind != DocKind::kEcard) return usage("--live is for --doc ecard (the phone app)");

  auto pki = load_keys_dir(*keys);
  if (!pki) {
    std::cerr << "kiosk-sim: " << pki.error() << "\n";
    return 1;
  }
  auto issued = issue(*pki, req);
  if (!issued) {
    std::cerr << "kiosk-sim: " << issued.error() << "\n";
    return 1;
  }
  if (issued->chip) {
    std::cout << chip_file_json(*issued->chip) << "\n";
    return 0;
  }
  if (!live) {
    std::cout << issued->qr << "\n";
    return 0;
  }
  // The phone app: a new presentation every `interval` seconds, each drawn at the system clock
  // (--now only sets when the credential was issued), with a fresh nonce.
  Rng nonces = Rng(req.seed).fork("live-nonce");
  for (std::int64_t i = 0; count == 0 || i < count; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::seconds(interval));
    std::cout << present(*issued, system_now(), nonces.bytes(16)) << std::endl;
  }
  return 0;
}

int cmd_run(int argc, char** argv) {
  std::string err;
  auto a = parse(argc, argv, 2, {"keys", "report-json"}, {}, err);
  if (!a) return usage(err);
  if (a->pos.size() != 1) return usage("run needs exactly one SCENARIO file");
  auto sc = load_scenario(a->pos[0]);
  if (!sc) {
    std::cerr << "kiosk-sim: " << sc.error() << "\n";
    return 2;
  }
  RunOptions opts;
  if (const std::string* k = a->get("keys")) opts.keys_dir = *k;
  opts.system_now = system_now();
  // The camera and the scanner go through the drivers' simulated implementations: the QR text
  // rendered and decoded by the scan pipeline, and sent over a pty to the serial driver.
  std::string tty_dir = (std::filesystem::temp_directory_path() / "kiosk-sim-XXXXXX").string();
  if (!mkdtemp(tty_dir.data())) {
    std::cerr << "kiosk-sim: " << tty_dir << ": cannot create\n";
    return 1;
  }
  opts.channels["camera"] = std::make_shared<RenderedCameraChannel>();
  opts.channels["scanner"] = std::make_shared<PtyScannerChannel>(tty_dir);
  auto report = run_scenario(*sc, opts);
  std::error_code rm_ec;
  std::filesystem::remove_all(tty_dir, rm_ec);
  if (!report) {
    std::cerr << "kiosk-sim: " << report.error() << "\n";
    return 1;
  }
  std::cout << format_report(*report);
  if (const std::string* j = a->get("report-json")) {
    std::ofstream out(*j);
    out << report_json(*report);
    if (!out) {
      std::cerr << "kiosk-sim: " << *j << ": cannot write\n";
      return 1;
    }
  }
  return report->passed() ? 0 : 1;
}

// A feed file for kioskd-demo ("DELAY_MS CHANNEL PAYLOAD" lines, docs/kioskd-config.md): one
// presentation of each DOC:VARIANT of the mix, issued with the keys of DIR for --now (the kiosk's
// clock when it plays the feed), `--gap` ms apart, each after a comment with its expected verdict.
// The default mix is the fleet's (toolchain/fleet.sh): every channel, every outcome.
constexpr std::string_view kFleetMix =
    "wpnl:valid:camera,ecard:valid:camera,wpcard:valid:scanner,chip:valid:card,"
    "wpnl:tampered:camera,wpnl:revoked:scanner,wpnl:jurisdiction-mismatch:camera,"
    "ecard:stale:camera,wpcard:bad-base45:scanner";

int cmd_feed(int argc, char** argv) {
  std::string err;
  auto a = parse(argc, argv, 2, {"keys", "out", "now", "seed", "city", "gap", "mix"}, {}, err);
  if (!a) return usage(err);
  if (!a->pos.empty()) return usage("unexpected argument '" + a->pos[0] + "'");
  const std::string* keys = a->get("keys");
  if (!keys) return usage("feed needs --keys DIR");
  std::int64_t now;
  std::uint64_t seed;
  if (!time_and_seed(*a, now, seed, err)) return usage(err);
  std::int64_t gap = 1000;
  if (const std::string* s = a->get("gap")) {
    auto v = parse_i64(*s);
    if (!v || *v < 0 || *v > 86400000) return usage("--gap needs 0..86400000 ms");
    gap = *v;
  }
  std::string mix(kFleetMix);
  if (const std::string* m = a->get("mix")) mix = *m;
  auto pki = load_keys_dir(*keys);
  if (!pki) {
    std::cerr << "kiosk-sim: " << pki.error() << "\n";
    return 1;
  }
  std::string out = "# kiosk-sim feed, TEST MATERIAL (keys " + *keys + ", now " +
                    std::to_string(now) + ", seed " + std::to_string(seed) + ")\n";
  std::size_t n = 0;
  for (std::size_t pos = 0; pos <= mix.size();) {
    auto end = mix.find(',', pos);
    if (end == std::string::npos) end = mix.size();
    std::string item = mix.substr(pos, end - pos);
    pos = end + 1;
    auto c1 = item.find(':');
    auto c2 = c1 == std::string::npos ? c1 : item.find(':', c1 + 1);
    if (c1 == std::string::npos) return usage("--mix item '" + item + "' is not DOC:VARIANT");
    auto kind = doc_kind_from_name(item.substr(0, c1));
    if (!kind) return usage("--mix item '" + item + "': DOC must be ecard, wpnl, wpcard or chip");
    std::string channel = c2 == std::string::npos ? "" : item.substr(c2 + 1);
    if (channel.empty()) {
      channel = *kind == DocKind::kChip ? "card" : *kind == DocKind::kWpcard ? "scanner" : "camera";
    } else if ((*kind == DocKind::kChip) != (channel == "card") ||
               (channel != "camera" && channel != "scanner" && channel != "card")) {
      return usage("--mix item '" + item +
                   "': CHANNEL is camera or scanner for a QR document, card for the chip");
    }
    IssueRequest req;
    req.doc = *kind;
    req.variant = item.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
    req.now = now;
    req.seed = seed + n;  // another holder each time
    if (const std::string* c = a->get("city")) req.city = *c;
    auto issued = issue(*pki, req);
    if (!issued) {
      std::cerr << "kiosk-sim: " << item << ": " << issued.error() << "\n";
      return 1;
    }
    const auto& e = issued->info->expected;
    out += "# " + std::string(name(*kind)) + " " + req.variant + ": " +
           std::string(name(e.outcome)) + " " + std::string(name(e.document)) + " " +
           names(e.reasons) + "\n" + std::to_string(gap) + " " + channel + " " +
           (issued->chip ? chip_file_json(*issued->chip) : issued->qr) + "\n";
    ++n;
  }
  const std::string* path = a->get("out");
  if (!path) {
    std::cout << out;
    return 0;
  }
  std::string tmp = *path + ".tmp";
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  f << out;
  f.close();
  if (!f || std::rename(tmp.c_str(), path->c_str()) != 0) {
    std::cerr << "kiosk-sim: " << *path << ": cannot write\n";
    return 1;
  }
  std::cerr << "kiosk-sim: TEST feed of " << n << " presentations written to " << *path << "\n";
  return 0;
}

// The holder's passport zone (two lines on stdout) and, with --out, a photographed data page.
int cmd_passport(int argc, char** argv) {
  std::string err;
  auto a = parse(
      argc, argv, 2,
      {"name", "nat", "dob", "ppn", "sex", "variant", "out", "px", "tilt", "blur", "noise", "seed"},
      {"light", "glare"}, err);
  if (!a) return usage(err);
  if (!a->pos.empty()) return usage("unexpected argument '" + a->pos[0] + "'");
  const std::string *name = a->get("name"), *nat = a->get("nat"), *dob = a->get("dob"),
                    *ppn = a->get("ppn");
  if (!name || !nat || !dob || !ppn) return usage("passport needs --name, --nat, --dob and --ppn");
  PassportHolder h{*name, *nat, *dob, *ppn, 'F', "2031-06-30"};
  if (const std::string* sex = a->get("sex")) {
    if (*sex != "M" && *sex != "F") return usage("--sex must be M or F");
    h.sex = (*sex)[0];
  }
  auto variant = passport_variant(a->get("variant") ? *a->get("variant") : "match");
  if (!variant) return usage(variant.error());
  auto zone = passport_zone(h, *variant);
  if (!zone) return usage(zone.error());
  std::cout << (*zone)[0] << "\n" << (*zone)[1] << "\n";
  const std::string* out = a->get("out");
  if (!out) return 0;
  PageOptions o;
  try {
    if (auto* v = a->get("px")) o.mrz_px = std::stoi(*v);
    if (auto* v = a->get("tilt")) o.tilt_deg = std::stod(*v);
    if (auto* v = a->get("blur")) o.blur = std::stod(*v);
    if (auto* v = a->get("noise")) o.noise = std::stod(*v);
    if (auto* v = a->get("seed")) o.seed = std::stoull(*v);
  } catch (const std::exception&) {
    return usage("--px, --tilt, --blur, --noise and --seed take numbers");
  }
  if (o.blur < 0 || o.blur > 20 || o.noise < 0 || o.noise > 100 || std::abs(o.tilt_deg) > 45)
    return usage("--blur 0..20, --noise 0..100, --tilt -45..45");
  o.uneven_light = a->flags.count("light") > 0;
  o.glare = a->flags.count("glare") > 0;
  auto page = passport_page(*zone, o);
  if (!page) return usage(page.error());
  if (!cv::imwrite(*out, *page)) {
    std::cerr << "kiosk-sim: " << *out << ": cannot write\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!crypto_init()) {
    std::cerr << "kiosk-sim: libsodium cannot start\n";
    return 1;
  }
  if (argc < 2) return usage("missing command");
  std::string cmd = argv[1];
  if (cmd == "keys") return cmd_keys(argc, argv);
  if (cmd == "issue") return cmd_issue(argc, argv);
  if (cmd == "run") return cmd_run(argc, argv);
  if (cmd == "passport") return cmd_passport(argc, argv);
  if (cmd == "feed") return cmd_feed(argc, argv);
  if (cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  return usage("unknown command '" + cmd + "'");
}
