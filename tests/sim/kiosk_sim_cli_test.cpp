// The command-line contract: `kiosk-sim keys` output installs with `kioskctl trust install`
// (INSTALLED for every file); `kiosk-sim issue` prints what `kioskctl verify` judges as listed.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "app/chip_file.h"
#include "app/json.h"
#include "keys/anchors.h"
#include "tests/sim/sim_test_util.h"
#include "tests/support/target.h"

namespace {

// Through qemu-user in a cross build (tests/support/target.h).
const std::string kSim =
    kiosk::test::target_command(std::string(KIOSK_BUILD_DIR) + "/sim/kiosk-sim");
const std::string kCtl =
    kiosk::test::target_command(std::string(KIOSK_BUILD_DIR) + "/firmware/kioskctl");

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& cmd) {
  Run r;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

namespace {

struct IssueCase {
  const char* doc;
  const char* variant;
  const char* outcome;
  const char* reasons;
};

/// Issues each case with `kiosk-sim issue --keys d/k` and verifies it with `kioskctl verify` on
/// the store d/DB: the outcome and the reasons must be the case's.
void check_issued(kiosk::sim::test::TempDir& d, const std::string& db,
                  std::initializer_list<IssueCase> cases) {
  for (const IssueCase& c : cases) {
    std::string label = std::string(c.doc) + "/" + c.variant;
    CAPTURE(label);
    Run is = run(kSim + " issue --keys " + (d / "k") + " --doc " + c.doc + " --variant " +
                 c.variant + " --now 1796000100 --seed 3");
    REQUIRE(is.status == 0);
    std::string input;
    if (std::string(c.doc) == "chip") {
      CHECK(kiosk::parse_chip_file(is.out).has_value());
      std::ofstream(d / "chip.json") << is.out;
      input = "--chip-file " + (d / "chip.json");
    } else {
      std::ofstream(d / "qr.txt") << is.out;
      input = "--qr-file " + (d / "qr.txt");
    }
    Run v =
        run(kCtl + " verify --db " + (d / db) + " --now 1796000100 --jurisdiction 3101 " + input);
    REQUIRE(v.status == 0);
    auto j = kiosk::json::parse(lines(v.out).at(0));
    REQUIRE(j);
    CHECK(j->get("outcome")->string == c.outcome);
    std::string rs;
    for (const auto& r : j->get("reasons")->array)
      rs += (rs.empty() ? "" : ",") + r.string;
    CHECK(rs == c.reasons);
  }
}

}  // namespace

TEST_CASE("kiosk-sim keys writes test material that kioskctl installs") {
  kiosk::sim::test::TempDir d;
  Run k = run(kSim + " keys --out " + (d / "k") + " --seed 5 --now 1796000000");
  REQUIRE(k.status == 0);
  // Anchors: 64 hex characters and a newline each.
  auto anchors = kiosk::keys::load_anchors(d / "k/anchors");
  REQUIRE(anchors.ok());
  std::string pub = slurp(d / "k/anchors/test-root.pub");
  CHECK(pub.size() == 65);
  CHECK(pub.back() == '\n');
  CHECK(slurp(d / "k/README.txt").find("TEST MATERIAL") != std::string::npos);
  CHECK(slurp(d / "k/test-keys.json").find("TEST ONLY") != std::string::npos);

  Run i = run(kCtl + " trust install --db " + (d / "t.db") + " --anchors " + (d / "k/anchors") +
              " --now 1796000000 " + (d / "k/trust"));
  CHECK(i.status == 0);
  auto ls = lines(i.out);
  CHECK(ls.size() == 8);  // keyset and seven status lists
  for (const std::string& l : ls) {
    CAPTURE(l);
    CHECK(l.ends_with(": INSTALLED"));
  }
  // Installing again: every file UNCHANGED.
  Run again = run(kCtl + " trust install --db " + (d / "t.db") + " --anchors " + (d / "k/anchors") +
                  " --now 1796000000 " + (d / "k/trust"));
  CHECK(again.status == 0);
  for (const std::string& l : lines(again.out))
    CHECK(l.ends_with(": UNCHANGED"));

  // Keys made again into the same directory (another seed, later): the store takes the new
  // bundle (higher seq) and lists; a stray old list is not left behind.
  std::ofstream(d / "k/trust/status/CN-999999.cose") << "stale";
  Run k2 = run(kSim + " keys --out " + (d / "k") + " --seed 6 --now 1796000100");
  REQUIRE(k2.status == 0);
  Run i2 = run(kCtl + " trust install --db " + (d / "t2.db") + " --anchors " + (d / "k/anchors") +
               " --now 1796000100 " + (d / "k/trust"));
  CHECK(i2.status == 0);
  CHECK(lines(i2.out).size() == 8);

  // A few variants through both command lines.
  check_issued(d, "t2.db",
               {{"ecard", "valid", "ACCEPT", ""},
                {"wpnl", "revoked", "REJECT", "CREDENTIAL_REVOKED"},
                {"wpcard", "key-scope-iss", "REJECT", "KEY_SCOPE"},
                {"chip", "clone", "REJECT", "HOLDER_BINDING_FAILED"},
                {"chip", "valid", "ACCEPT", ""}});
}

TEST_CASE("kiosk-sim issue: listing, usage errors and live frames") {
  Run l = run(kSim + " issue --list-variants");
  CHECK(l.status == 0);
  CHECK(l.out.find("jurisdiction") != std::string::npos);
  CHECK(l.out.find("chip    clone") != std::string::npos);
  CHECK(run(kSim + " issue --doc passport --variant valid --keys /nonexistent").status == 2);
  CHECK(run(kSim + " frobnicate").status == 2);
  CHECK(run(kSim + " issue --keys /nonexistent --doc wpnl --variant valid").status == 1);

  kiosk::sim::test::TempDir d;
  REQUIRE(run(kSim + " keys --out " + (d / "k")).status == 0);  // system clock
  Run live = run(kSim + " issue --keys " + (d / "k") +
                 " --doc ecard --variant valid --live --count 2 --interval 1");
  CHECK(live.status == 0);
  auto frames = lines(live.out);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].starts_with("WPP1:"));
  CHECK(frames[0] != frames[1]);  // a new nonce (and time) per frame
}

// Issue 13: `kiosk-sim keys --alg sm2` makes an all-SM2 PKI (a 130-hex anchor, SM2 entries), which
// kioskctl installs; documents issued with those keys verify through kioskctl, chip and e-card
// included (SM2 holder keys and chip answers).
TEST_CASE("kiosk-sim keys --alg sm2: an all-SM2 PKI through kioskctl") {
  kiosk::sim::test::TempDir d;
  REQUIRE(run(kSim + " keys --out " + (d / "k") + " --seed 5 --now 1796000000 --alg sm2").status ==
          0);
  CHECK(slurp(d / "k/anchors/test-root.pub").size() == 131);
  CHECK(run(kSim + " keys --out " + (d / "x") + " --alg rsa").status == 2);
  Run i = run(kCtl + " trust install --db " + (d / "t.db") + " --anchors " + (d / "k/anchors") +
              " --now 1796000000 " + (d / "k/trust"));
  CHECK(i.status == 0);
  CHECK(lines(i.out).size() == 8);
  check_issued(d, "t.db",
               {{"ecard", "valid", "ACCEPT", ""},
                {"wpnl", "valid", "ACCEPT", ""},
                {"wpcard", "valid", "ACCEPT", ""},
                {"chip", "valid", "ACCEPT", ""},
                {"chip", "clone", "REJECT", "HOLDER_BINDING_FAILED"},
                {"ecard", "other-holder", "REJECT", "HOLDER_BINDING_FAILED"},
                {"wpnl", "bad-signature", "REJECT", "BAD_SIGNATURE"},
                {"ecard", "key-revoked", "REJECT", "KEY_REVOKED"}});
}

// The fleet's feed (toolchain/fleet.sh): each presentation verifies through kioskctl as the
// comment before it says (outcome, document, reasons), chip included; kioskd-demo plays the file.
TEST_CASE("kiosk-sim feed: a feed file whose every line gets the verdict its comment names") {
  kiosk::sim::test::TempDir d;
  REQUIRE(run(kSim + " keys --out " + (d / "k") + " --seed 16 --now 1796000000").status == 0);
  REQUIRE(run(kCtl + " trust install --db " + (d / "t.db") + " --anchors " + (d / "k/anchors") +
              " --now 1796000000 " + (d / "k/trust"))
              .status == 0);
  Run f = run(kSim + " feed --keys " + (d / "k") + " --now 1796000000 --seed 16 --gap 250 --out " +
              (d / "f.feed"));
  REQUIRE(f.status == 0);
  auto ls = lines(slurp(d / "f.feed"));
  std::size_t items = 0;
  std::set<std::string> outcomes, channels;
  for (std::size_t i = 0; i < ls.size(); ++i) {
    if (ls[i].rfind("# ", 0) != 0 || ls[i].find(": ") == std::string::npos) continue;
    REQUIRE(i + 1 < ls.size());
    std::string want = ls[i].substr(ls[i].find(": ") + 2);  // OUTCOME DOCUMENT REASONS
    const std::string& line = ls[i + 1];
    CAPTURE(ls[i]);
    REQUIRE(line.rfind("250 ", 0) == 0);
    auto sp = line.find(' ', 4);
    std::string channel = line.substr(4, sp - 4), payload = line.substr(sp + 1);
    channels.insert(channel);
    std::ofstream(d / "in.txt") << payload;
    std::string input = (channel == "card" ? "--chip-file " : "--qr-file ") + (d / "in.txt");
    Run v = run(kCtl + " verify --db " + (d / "t.db") + " --now 1796000000 --jurisdiction 3101 " +
                input);
    REQUIRE(v.status == 0);
    auto j = kiosk::json::parse(lines(v.out).at(0));
    REQUIRE(j);
    std::string rs;
    for (const auto& r : j->get("reasons")->array)
      rs += (rs.empty() ? "" : ",") + r.string;
    CHECK(j->get("outcome")->string + " " + j->get("document")->string + " " +
              (rs.empty() ? "-" : rs) ==
          want);
    outcomes.insert(j->get("outcome")->string);
    ++items;
  }
  CHECK(items == 9);
  CHECK(outcomes == std::set<std::string>{"ACCEPT", "REJECT", "REVIEW"});
  CHECK(channels == std::set<std::string>{"camera", "scanner", "card"});
  // Another mix, on stdout; usage errors.
  Run one = run(kSim + " feed --keys " + (d / "k") + " --now 1796000000 --mix wpnl:valid:scanner");
  CHECK(one.status == 0);
  CHECK(lines(one.out).size() == 3);
  CHECK(lines(one.out).at(2).rfind("1000 scanner WPC1:", 0) == 0);
  CHECK(run(kSim + " feed --keys " + (d / "k") + " --mix chip:valid:camera").status == 2);
  CHECK(run(kSim + " feed --keys " + (d / "k") + " --mix wpnl").status == 2);
  CHECK(run(kSim + " feed --keys " + (d / "k") + " --mix passport:valid").status == 2);
  CHECK(run(kSim + " feed --keys " + (d / "k") + " --gap -1").status == 2);
  CHECK(run(kSim + " feed --keys " + (d / "k") + " --mix wpnl:no-such-variant").status == 1);
  CHECK(run(kSim + " feed --keys " + (d / "none")).status == 1);
  CHECK(run(kSim + " feed").status == 2);
}
