// The chip input through a REAL pcscd (started by the test in a private configuration, with the
// vpcd reader driver) and the virtual card on vpcd's TCP port: the PC/SC driver, the protocol,
// the verifier and `kioskctl card` as a subprocess. Every wait is bounded; every pcscd and card
// started here is stopped here.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include <signal.h>
#include <thread>

#include "app/chip/chip_protocol.h"
#include "app/crypto.h"
#include "app/verifier.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "sim/vcard/pcscd_sandbox.h"
#include "sim/vcard/vector_card.h"
#include "sim/vcard/vpcd_card.h"
#include "tests/chip/subprocess.h"
#include "tests/chip/vector_trust.h"

using namespace kiosk;
using namespace std::chrono_literals;
using drivers::CardReaderError;
using drivers::PcscCardReader;

namespace {

// Generous bounds: the suite runs on 2 busy cores. They cap a failure, they do not pace a pass.
constexpr auto kWait = 20s;

// `entries` vpcd entries: two readers each.
std::unique_ptr<sim::PcscdSandbox> sandbox(int entries = 1) {
  auto s = sim::PcscdSandbox::start(entries);
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
  return std::move(*s);
}

sim::VcardConfig valid_card() {
  std::string why;
  auto c = sim::vector_card(test::kVectors, "card-1", &why);
  REQUIRE_MESSAGE(c.has_value(), why);
  return *c;
}

drivers::PcscConfig quick_config() {
  drivers::PcscConfig c;
  c.transmit_timeout = 3s;  // for the silent card; every other exchange answers in milliseconds
  return c;
}

struct Db {
  std::string path;
  TrustSnapshot trust;
  Db() {
    path = (std::filesystem::temp_directory_path() /
            ("kiosk-pcscd-chip-" + std::to_string(::getpid()) + ".db"))
               .string();
    std::filesystem::remove(path);
    trust = test::vector_trust(path);
  }
  ~Db() { std::filesystem::remove(path); }
};

const Db& db() {
  static const Db d;
  return d;
}

Verdict verdict(const ChipInput& in) {
  VerifySettings s;
  s.jurisdiction = {"3101"};
  return verify_chip(in, db().trust, s, test::kVerifyNow);
}

// Waits for a card, connects and runs the protocol: what the kiosk does when a card arrives.
Result<chip::ChipRead, chip::ChipFailure> read_card(PcscCardReader& r, std::string_view only = {}) {
  auto found = r.wait_for_card(only, kWait);
  REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().detail));
  auto ch = r.connect(*found);
  REQUIRE_MESSAGE(ch.ok(), (ch.ok() ? "" : ch.error().detail));
  auto read = chip::read_chip(**ch);
  (*ch)->disconnect();
  return read;
}

// Waits until no reader holds a card (after a card was stopped), bounded.
void wait_empty(PcscCardReader& r) {
  if (!sim::wait_no_card(r, std::chrono::duration_cast<std::chrono::milliseconds>(kWait), 50ms))
    FAIL("a reader still reports a card");
}

std::string kioskctl() {
  return std::string(KIOSK_BUILD_DIR) + "/firmware/kioskctl";
}

test::Run kioskctl_card(std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {kioskctl(),       "card",  "--db",
                                   db().path,        "--now", std::to_string(test::kVerifyNow),
                                   "--jurisdiction", "3101"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return test::run_program(argv, 60s);
}

}  // namespace

TEST_CASE("a genuine card in a real pcscd: ACCEPT") {
  REQUIRE(crypto_init());
  auto pcscd = sandbox();
  sim::VpcdCard card(valid_card(), pcscd->port(0));
  card.start();
  PcscCardReader reader(quick_config());
  auto read = read_card(reader);
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
  CHECK(read->input.ef == valid_card().ef);
  Verdict v = verdict(read->input);
  CHECK(v.outcome == Outcome::kAccept);
  CHECK(v.document == Document::kSscChip);
  CHECK(reader.state() == drivers::DeviceState::kReady);
  CHECK(card.power_ups() >= 1);

  // The card stays: no removal within a short wait. Then it leaves: removal seen.
  auto found = reader.wait_for_card("", kWait);
  REQUIRE(found.ok());
  auto stays = reader.wait_for_removal(*found, 600ms);
  REQUIRE(stays.ok());
  CHECK_FALSE(*stays);
  card.set_inserted(false);
  auto left = reader.wait_for_removal(*found, kWait);
  REQUIRE(left.ok());
  CHECK(*left);
  auto none = reader.wait_for_card("", 500ms);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().reason == CardReaderError::kNoCard);
}

TEST_CASE("kioskctl card: ACCEPT for the genuine card, HOLDER_BINDING_FAILED for a clone") {
  auto pcscd = sandbox();
  SUBCASE("genuine") {
    sim::VpcdCard card(valid_card(), pcscd->port(0));
    card.start();
    auto r = kioskctl_card({"--wait", "20"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"outcome\": \"ACCEPT\"") != std::string::npos);
    CHECK(r.out.find("\"document\": \"SSC_CHIP\"") != std::string::npos);
    CHECK(r.err.find("reader: Virtual PCD") != std::string::npos);
  }
  SUBCASE("clone: the credential on a chip with another key") {
    auto cfg = valid_card();
    cfg.holder_seed = *sim::vector_seed(test::kVectors, "holder-1");
    sim::VpcdCard card(cfg, pcscd->port(0));
    card.start();
    auto r = kioskctl_card({"--wait", "20"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"outcome\": \"REJECT\"") != std::string::npos);
    CHECK(r.out.find("\"reasons\": [\"HOLDER_BINDING_FAILED\"]") != std::string::npos);
  }
  SUBCASE("not a One-Card SSC: MALFORMED, and NOT_A_WP_CARD on stderr") {
    auto cfg = valid_card();
    cfg.not_wp = true;
    sim::VpcdCard card(cfg, pcscd->port(0));
    card.start();
    auto r = kioskctl_card({"--wait", "20"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"reasons\": [\"MALFORMED\"]") != std::string::npos);
    CHECK(r.err.find("NOT_A_WP_CARD") != std::string::npos);
  }
  SUBCASE("no card in time: exit 1 with a reason") {
    auto r = kioskctl_card({"--wait", "1"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("no card") != std::string::npos);
  }
}

TEST_CASE("misbehaving cards through pcscd: a clear reason each") {
  auto pcscd = sandbox();
  PcscCardReader reader(quick_config());
  auto base = valid_card();
  struct Case {
    const char* name;
    void (*set)(sim::VcardConfig&);
    bool accept;                 // still a good read (the protocol copes)
    chip::ChipError expected{};  // else this reason
  };
  const Case cases[] = {
      {"61xx chain", [](sim::VcardConfig& c) { c.chain_piece = 40; }, true},
      {"6Cxx wrong Le", [](sim::VcardConfig& c) { c.wrong_le_chunk = 100; }, true},
      {"not a WP card", [](sim::VcardConfig& c) { c.not_wp = true; }, false,
       chip::ChipError::kNotAWpCard},
      {"endless 61xx", [](sim::VcardConfig& c) { c.endless_61xx = true; }, false,
       chip::ChipError::kTooManyExchanges},
      {"6Cxx loop", [](sim::VcardConfig& c) { c.wrong_le_loop = true; }, false,
       chip::ChipError::kTooManyExchanges},
      {"oversized answer (300 bytes)",
       [](sim::VcardConfig& c) {
         c.oversize_after = 1;
         c.oversize_data = 300;
       },
       false, chip::ChipError::kAnswerTooLong},
      {"more data than Le",
       [](sim::VcardConfig& c) {
         c.oversize_after = 1;
         c.oversize_data = 240;
       },
       false, chip::ChipError::kAnswerTooLong},
      {"file length above 4096", [](sim::VcardConfig& c) { c.length_override = 5000; }, false,
       chip::ChipError::kFileTooLarge},
      {"pulled mid-read", [](sim::VcardConfig& c) { c.pull_after = 2; }, false,
       chip::ChipError::kCardRemoved},
  };
  for (const Case& k : cases) {
    CAPTURE(k.name);
    auto cfg = base;
    k.set(cfg);
    {
      sim::VpcdCard card(cfg, pcscd->port(0));
      card.start();
      auto read = read_card(reader);
      if (k.accept) {
        REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
        CHECK(verdict(read->input).outcome == Outcome::kAccept);
      } else {
        REQUIRE_FALSE(read.ok());
        CHECK(read.error().reason == k.expected);
        CHECK_FALSE(read.error().detail.empty());
      }
    }
    wait_empty(reader);
  }
  SUBCASE("garbage answers") {
    auto cfg = base;
    cfg.garbage_after = 1;
    sim::VpcdCard card(cfg, pcscd->port(0));
    card.start();
    auto read = read_card(reader);
    REQUIRE_FALSE(read.ok());
    CHECK(chip::is_card_fault(read.error().reason));
  }
}

TEST_CASE("a silent card: the read times out, and the driver recovers for the next card") {
  auto pcscd = sandbox();
  PcscCardReader reader(quick_config());
  {
    auto cfg = valid_card();
    cfg.silent_after = 2;
    sim::VpcdCard card(cfg, pcscd->port(0));
    card.start();
    auto read = read_card(reader);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().reason == chip::ChipError::kTimeout);
  }  // the silent card leaves: pcscd's stuck exchange ends
  wait_empty(reader);
  sim::VpcdCard card(valid_card(), pcscd->port(0));
  card.start();
  auto read = read_card(reader);
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
  CHECK(verdict(read->input).outcome == Outcome::kAccept);
}

TEST_CASE("a card pulled mid-read and put back reads on the second try") {
  auto pcscd = sandbox();
  PcscCardReader reader(quick_config());
  auto cfg = valid_card();
  cfg.pull_after = 2;
  // Out for 1.5 s: pcscd polls vpcd every 400 ms, and a card back before the poll was never
  // seen gone (the driver then reports the empty answer as a link failure instead).
  sim::VpcdCard card(cfg, pcscd->port(0), 1500ms);
  card.start();
  auto first = read_card(reader);
  REQUIRE_FALSE(first.ok());
  INFO(chip::name(first.error().reason), ": ", first.error().detail);
  CHECK_FALSE(chip::is_card_fault(first.error().reason));
  // The card comes back (a new vpcd connection); the same driver reads it.
  auto until = std::chrono::steady_clock::now() + kWait;
  while (card.insertions() < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  REQUIRE(card.insertions() >= 2);
  auto second = read_card(reader);
  REQUIRE_MESSAGE(second.ok(), (second.ok() ? "" : second.error().detail));
  CHECK(verdict(second->input).outcome == Outcome::kAccept);
}

TEST_CASE("pcscd killed and restarted: the driver says why, then recovers by itself") {
  auto pcscd = sandbox();
  sim::VpcdCard card(valid_card(), pcscd->port(0));
  card.start();
  PcscCardReader reader(quick_config());
  REQUIRE(read_card(reader).ok());

  SUBCASE("between reads") {
    pcscd->stop(/*hard=*/true);
    auto none = reader.wait_for_card("", 1s);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().reason == CardReaderError::kNoService);
    CHECK(reader.state() == drivers::DeviceState::kStarting);
    auto listed = reader.readers();
    REQUIRE_FALSE(listed.ok());
    CHECK(listed.error().reason == CardReaderError::kNoService);
    auto again = pcscd->restart();
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
    auto read = read_card(reader);
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
    CHECK(verdict(read->input).outcome == Outcome::kAccept);
  }
  SUBCASE("during a wait for a card") {
    card.set_inserted(false);
    wait_empty(reader);
    auto waiting = std::async(std::launch::async, [&] { return reader.wait_for_card("", kWait); });
    pcscd->stop(/*hard=*/true);
    auto again = pcscd->restart();
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
    card.set_inserted(true);
    REQUIRE(waiting.wait_for(kWait + 10s) == std::future_status::ready);
    auto found = waiting.get();
    REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().detail));
    auto ch = reader.connect(*found);
    REQUIRE(ch.ok());
    auto read = chip::read_chip(**ch);
    REQUIRE(read.ok());
    CHECK(verdict(read->input).outcome == Outcome::kAccept);
  }
  SUBCASE("with a channel open: the channel fails, the next read works") {
    auto found = reader.wait_for_card("", kWait);
    REQUIRE(found.ok());
    auto ch = reader.connect(*found);
    REQUIRE(ch.ok());
    pcscd->stop(/*hard=*/true);
    auto read = chip::read_chip(**ch);
    REQUIRE_FALSE(read.ok());
    CHECK_FALSE(chip::is_card_fault(read.error().reason));
    (*ch)->disconnect();
    auto again = pcscd->restart();
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
    auto read2 = read_card(reader);
    REQUIRE_MESSAGE(read2.ok(), (read2.ok() ? "" : read2.error().detail));
  }
}

TEST_CASE("no pcscd at all, or no reader: a reason, not a hang") {
  SUBCASE("no reader configured") {
    auto pcscd = sandbox(0);
    PcscCardReader reader(quick_config());
    auto l = reader.readers();
    REQUIRE(l.ok());
    CHECK(l->empty());
    CHECK(reader.state() == drivers::DeviceState::kAbsent);
    auto w = reader.wait_for_card("", 1s);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().reason == CardReaderError::kNoReader);
    auto r = kioskctl_card({"--wait", "1"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no card reader") != std::string::npos);
  }
  SUBCASE("pcscd not running") {
    auto pcscd = sandbox(1);
    pcscd->stop();
    PcscCardReader reader(quick_config());
    auto w = reader.wait_for_card("", 1s);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().reason == CardReaderError::kNoService);
    auto r = kioskctl_card({"--wait", "1"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no PC/SC service") != std::string::npos);
  }
}

TEST_CASE("readers coming and several readers") {
  SUBCASE("a reader appears during the wait (pcscd restarted with one)") {
    auto pcscd = sandbox(0);
    PcscCardReader reader(quick_config());
    auto waiting = std::async(std::launch::async, [&] { return reader.wait_for_card("", kWait); });
    auto again = pcscd->restart_with(1);
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
    sim::VpcdCard card(valid_card(), pcscd->port(0));
    card.start();
    REQUIRE(waiting.wait_for(kWait + 10s) == std::future_status::ready);
    auto found = waiting.get();
    REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().detail));
    auto read = read_card(reader, *found);
    REQUIRE(read.ok());
    CHECK(verdict(read->input).outcome == Outcome::kAccept);
  }
  SUBCASE("the reader goes away with a channel open (pcscd restarted without it)") {
    auto pcscd = sandbox(1);
    sim::VpcdCard card(valid_card(), pcscd->port(0));
    card.start();
    PcscCardReader reader(quick_config());
    auto found = reader.wait_for_card("", kWait);
    REQUIRE(found.ok());
    auto ch = reader.connect(*found);
    REQUIRE(ch.ok());
    auto again = pcscd->restart_with(0);
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
    auto read = chip::read_chip(**ch);
    REQUIRE_FALSE(read.ok());
    CHECK_FALSE(chip::is_card_fault(read.error().reason));
    auto none = reader.wait_for_card("", 1s);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().reason == CardReaderError::kNoReader);
  }
  SUBCASE("two readers, the card in the second; --reader picks one") {
    auto pcscd = sandbox(1);
    PcscCardReader reader(quick_config());
    auto l = reader.readers();
    REQUIRE(l.ok());
    REQUIRE(l->size() == 2);
    sim::VpcdCard card(valid_card(), pcscd->port(1));
    card.start();
    auto found = reader.wait_for_card("", kWait);
    REQUIRE(found.ok());
    // Which name pcscd gave that reader: the one that now holds the card.
    auto now = reader.readers();
    REQUIRE(now.ok());
    std::string empty_one;
    int holding = 0;
    for (auto& s : *now) {
      if (!s.card_present) empty_one = s.name;
      holding += s.card_present;
    }
    CHECK(holding == 1);
    REQUIRE_FALSE(empty_one.empty());
    CHECK(*found != empty_one);
    auto none = reader.wait_for_card(empty_one, 1s);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().reason == CardReaderError::kNoCard);
    auto r = kioskctl_card({"--wait", "20", "--reader", *found});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"outcome\": \"ACCEPT\"") != std::string::npos);
    CHECK(r.err.find(*found) != std::string::npos);
    auto r2 = kioskctl_card({"--wait", "1", "--reader", empty_one});
    CHECK(r2.exit_code == 1);
    auto r3 = kioskctl_card({"--wait", "1", "--reader", "No Such Reader"});
    CHECK(r3.exit_code == 1);
    CHECK(r3.err.find("not attached") != std::string::npos);
  }
}

TEST_CASE("a frozen pcscd (SIGSTOP): every call returns within its bound, then recovers") {
  auto pcscd = sandbox();
  sim::VpcdCard card(valid_card(), pcscd->port(0));
  card.start();
  drivers::PcscConfig cfg = quick_config();
  cfg.call_timeout = 1s;
  PcscCardReader reader(cfg);
  REQUIRE(read_card(reader).ok());
  REQUIRE(::kill(pcscd->pid(), SIGSTOP) == 0);
  struct Resume {  // pcscd runs again whatever happens below
    pid_t pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{pcscd->pid()};
  // kill() returns before every thread of pcscd has stopped: on a loaded machine one may still
  // answer a call (a connect succeeded so in the ASan suite once). Go on once the kernel says
  // "stopped" (state T in /proc/PID/stat).
  auto state = [pid = pcscd->pid()] {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
  };
  auto stop_by = std::chrono::steady_clock::now() + 5s;
  while (state() != 'T' && std::chrono::steady_clock::now() < stop_by)
    std::this_thread::sleep_for(10ms);
  REQUIRE(state() == 'T');
  // pcsc-lite may answer the reader list from its client-side cache while the daemon is stopped;
  // a call that needs the daemon must come back within its bound.
  auto listed = reader.readers();
  if (!listed.ok()) {
    CHECK(listed.error().reason == CardReaderError::kTimeout);
    CHECK(reader.state() == drivers::DeviceState::kFailed);
  }
  auto waited = reader.wait_for_card("", 1s);
  if (waited.ok()) {
    // The card's state too may come from the client's cache (seen once in the ctest suite on a
    // loaded machine); connecting to the card needs the daemon, and must come back in its bound.
    auto t0 = std::chrono::steady_clock::now();
    auto ch = reader.connect(*waited);
    CAPTURE(state());
    REQUIRE_FALSE(ch.ok());
    CHECK(ch.error().reason == CardReaderError::kTimeout);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  } else {
    CHECK(waited.error().reason == CardReaderError::kTimeout);
  }
  // Calls stuck in pcscd cost a bounded number of threads, not one per call.
  auto threads = [] {
    std::size_t n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task"))
      ++n;
    return n;
  };
  std::size_t before = threads();
  for (int i = 0; i < 8; ++i) {
    auto again = reader.readers();
    if (!again.ok()) CHECK(again.error().reason == CardReaderError::kTimeout);
  }
  CHECK(threads() <= before + 1);
  ::kill(pcscd->pid(), SIGCONT);
  auto read = read_card(reader);
  REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
  CHECK(verdict(read->input).outcome == Outcome::kAccept);
  CHECK(reader.state() == drivers::DeviceState::kReady);
}

TEST_CASE("kioskctl card: usage errors exit 2") {
  auto no_db = test::run_program({kioskctl(), "card", "--wait", "1"}, 60s);
  CHECK(no_db.exit_code == 2);
  auto bad_wait = test::run_program({kioskctl(), "card", "--db", db().path, "--wait", "soon"}, 60s);
  CHECK(bad_wait.exit_code == 2);
  auto unknown = test::run_program({kioskctl(), "card", "--db", db().path, "--bogus", "1"}, 60s);
  CHECK(unknown.exit_code == 2);
}
