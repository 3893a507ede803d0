// Scenarios: parser errors name the line; the demo scenario passes; a wrong expectation fails;
// a channel plugged into the seam is used.
#include <doctest/doctest.h>

#include <set>

#include "sim/issuer/test_pki.h"
#include "sim/rng.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

using namespace kiosk;
using namespace kiosk::sim;

namespace {

// The error for `text`, which must not parse.
std::string error_of(const std::string& text) {
  auto r = parse_scenario(text, "t.scenario");
  REQUIRE_FALSE(r.ok());
  return r.error();
}

const std::string kDemo = std::string(KIOSK_TEST_DATA) + "/../../sim/scenarios/demo.scenario";

}  // namespace

TEST_CASE("a scenario that names what does not exist fails at its line") {
  struct Case {
    std::string text;
    std::string line;  // "t.scenario:N:"
    std::string word;  // must appear in the message
  };
  const std::string ok = "+0 camera wpnl valid ACCEPT WPNL\n";
  for (const Case& c : std::vector<Case>{
           {ok + "+5 camera passport valid ACCEPT WPNL\n", "t.scenario:2:", "passport"},
           {ok + "# note\n\n+5 camera wpnl expird REJECT WPNL\n", "t.scenario:4:", "expird"},
           {ok + "+5 fax wpnl valid ACCEPT WPNL\n", "t.scenario:2:", "fax"},
           {ok + "soon camera wpnl valid ACCEPT WPNL\n", "t.scenario:2:", "soon"},
           {ok + "+5x camera wpnl valid ACCEPT WPNL\n", "t.scenario:2:", "+5x"},
           {"+60 camera wpnl valid ACCEPT WPNL\n+30 camera wpnl valid ACCEPT WPNL\n",
            "t.scenario:2:", "back"},
           {ok + "+5 card wpnl valid ACCEPT WPNL\n", "t.scenario:2:", "card"},
           {ok + "+5 camera chip valid ACCEPT SSC_CHIP\n", "t.scenario:2:", "chip"},
           {ok + "+5 camera wpnl valid MAYBE WPNL\n", "t.scenario:2:", "MAYBE"},
           {ok + "+5 camera wpnl valid REJECT LETTER\n", "t.scenario:2:", "LETTER"},
           {ok + "+5 camera wpnl valid REJECT WPNL TOO_OLD\n", "t.scenario:2:", "TOO_OLD"},
           {ok + "+5 camera wpnl valid\n", "t.scenario:2:", "step"},
           {ok + "+5 camera wpnl valid city=gotham listed\n", "t.scenario:2:", "gotham"},
           {ok + "seed 3\n", "t.scenario:2:", "before the first step"},
           {"start yesterday\n" + ok, "t.scenario:1:", "yesterday"},
           {"city atlantis\n" + ok, "t.scenario:1:", "atlantis"},
           {"jurisdiction 31a\n" + ok, "t.scenario:1:", "31a"},
           {"+0 scanner ecard stale listed extra\n", "t.scenario:1:", "listed"},
       }) {
    CAPTURE(c.text);
    std::string e = error_of(c.text);
    CAPTURE(e);
    CHECK(e.starts_with(c.line));
    CHECK(e.find(c.word) != std::string::npos);
  }
  CHECK(error_of("# nothing\n") == "t.scenario: no steps");
}

TEST_CASE("a scenario parses settings, options and expectations") {
  auto sc = parse_scenario(
      "seed 9\nstart 1796000000\ncity beijing\njurisdiction 1101,3101\nmax_age 60\nskew 10\n"
      "+0 camera ecard valid ACCEPT E_SSC\n"
      "+2m scanner wpnl expired city=shanghai seed=4 REJECT WPNL CREDENTIAL_EXPIRED\n"
      "+1h card chip key-scope-doc listed # comment\n"
      "+1d camera wpnl jurisdiction-mismatch REJECT WPNL KEY_SCOPE,JURISDICTION_MISMATCH\n",
      "x");
  REQUIRE(sc.ok());
  CHECK(sc->seed == 9);
  CHECK(sc->start == 1796000000);
  CHECK(sc->jurisdiction == std::vector<std::string>{"1101", "3101"});
  CHECK(sc->max_age == 60);
  CHECK(sc->skew == 10);
  REQUIRE(sc->steps.size() == 4);
  CHECK(sc->steps[0].city == "beijing");
  CHECK(sc->steps[1].at == 120);
  CHECK(sc->steps[1].city == "shanghai");
  CHECK(sc->steps[1].seed == 4u);
  CHECK(sc->steps[1].expect.reasons == std::vector<Reason>{Reason::kCredentialExpired});
  CHECK(sc->steps[2].at == 3600);
  CHECK(sc->steps[2].channel == ChannelKind::kCard);
  CHECK(sc->steps[2].expect.listed);
  CHECK(sc->steps[3].at == 86400);
  CHECK(sc->steps[3].line == 10);
  CHECK(sc->steps[3].expect.reasons.size() == 2);
}

TEST_CASE("the demo scenario passes, step by step") {
  auto sc = load_scenario(kDemo);
  REQUIRE_MESSAGE(sc.ok(), (sc.ok() ? "" : sc.error()));
  RunOptions opts;
  opts.system_now = 1796000000;
  auto rep = run_scenario(*sc, opts);
  REQUIRE_MESSAGE(rep.ok(), (rep.ok() ? "" : rep.error()));
  std::string text = format_report(*rep);
  CAPTURE(text);
  CHECK(rep->passed());
  CHECK(rep->steps.size() == sc->steps.size());
  // It covers every document and every channel.
  std::set<DocKind> docs;
  std::set<ChannelKind> chans;
  for (const Step& s : sc->steps) {
    docs.insert(s.doc);
    chans.insert(s.channel);
  }
  CHECK(docs.size() == 4);
  CHECK(chans.size() == 3);
  CHECK(text.find("RESULT: PASS") != std::string::npos);
  CHECK(report_json(*rep).find("\"passed\": true") != std::string::npos);
}

TEST_CASE("a wrong expectation fails the run and says what came instead") {
  auto sc = parse_scenario(
      "start 1796000000\n+0 camera wpnl valid ACCEPT WPNL\n"
      "+10 scanner wpnl expired ACCEPT WPNL\n",
      "w");
  REQUIRE(sc.ok());
  auto rep = run_scenario(*sc, {});
  REQUIRE(rep.ok());
  CHECK_FALSE(rep->passed());
  CHECK(rep->steps[0].pass);
  CHECK_FALSE(rep->steps[1].pass);
  std::string text = format_report(*rep);
  CHECK(text.find("REJECT WPNL CREDENTIAL_EXPIRED") != std::string::npos);
  CHECK(text.find("RESULT: FAIL") != std::string::npos);
}

namespace {

// A stand-in for the rendered-camera path: counts what it was given, then uses the direct path.
class CountingCamera final : public Channel {
 public:
  int calls = 0;
  std::string label() const override { return "camera(test)"; }
  Result<Verdict, std::string> deliver(const Issued& issued, const KioskView& k) override {
    ++calls;
    if (issued.info->name == std::string_view("expired")) {
      return Unexpected{std::string("no code decoded")};
    }
    return verify_qr(issued.qr, k.trust, k.settings, k.now);
  }
};

}  // namespace

TEST_CASE("a channel plugged into the seam carries the camera steps") {
  auto sc = parse_scenario(
      "start 1796000000\n+0 camera wpnl valid ACCEPT WPNL\n"
      "+1 scanner wpnl valid ACCEPT WPNL\n"
      "+2 camera wpcard expired listed\n",
      "seam");
  REQUIRE(sc.ok());
  auto cam = std::make_shared<CountingCamera>();
  RunOptions opts;
  opts.channels["camera"] = cam;
  auto rep = run_scenario(*sc, opts);
  REQUIRE(rep.ok());
  CHECK(cam->calls == 2);
  CHECK(rep->steps[0].channel == "camera(test)");
  CHECK(rep->steps[1].channel == "scanner(direct)");
  CHECK(rep->steps[0].pass);
  CHECK_FALSE(rep->steps[2].pass);
  CHECK(rep->steps[2].error == "no code decoded");
}

TEST_CASE("hostile scenario text gives a message, never a crash") {
  Rng rng(12);
  const std::vector<std::string> pieces = {"+0",
                                           "+99999999999999999999",
                                           "-5",
                                           "camera",
                                           "card",
                                           "chip",
                                           "wpnl",
                                           "valid",
                                           "listed",
                                           "ACCEPT",
                                           "WPNL",
                                           "seed",
                                           "start",
                                           "city=",
                                           "seed=",
                                           "=",
                                           "#",
                                           "\t",
                                           "\xff\xfe",
                                           "REJECT",
                                           "UNKNOWN",
                                           "MALFORMED,",
                                           ",",
                                           "jurisdiction",
                                           "1d",
                                           "+1y",
                                           "18446744073709551616"};
  for (int n = 0; n < 2000; ++n) {
    std::string text;
    auto lines = 1 + rng.below(4);
    for (std::uint64_t l = 0; l < lines; ++l) {
      auto words = rng.below(8);
      for (std::uint64_t w = 0; w < words; ++w)
        text += pieces[rng.index(pieces.size())] + " ";
      text += "\n";
    }
    auto r = parse_scenario(text, "fuzz");
    if (!r.ok()) CHECK(r.error().starts_with("fuzz"));
  }
  // One enormous line.
  auto big = parse_scenario(std::string(200000, 'x') + "\n", "big");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().starts_with("big:1:"));
}

// Issue 13: the same morning with an all-SM2 PKI (sim/scenarios/demo-sm2.scenario, `alg sm2`):
// anchor, issuer keys, status lists, phones and chips all sign with SM2, and every step passes.
TEST_CASE("the all-SM2 demo scenario passes, step by step") {
  auto sc = load_scenario(std::string(KIOSK_TEST_DATA) + "/../../sim/scenarios/demo-sm2.scenario");
  REQUIRE_MESSAGE(sc.ok(), (sc.ok() ? "" : sc.error()));
  CHECK(sc->alg == SigAlg::kSm2);
  RunOptions opts;
  opts.system_now = 1796000000;
  auto rep = run_scenario(*sc, opts);
  REQUIRE_MESSAGE(rep.ok(), (rep.ok() ? "" : rep.error()));
  std::string text = format_report(*rep);
  CAPTURE(text);
  CHECK(rep->passed());
  CHECK(rep->steps.size() == sc->steps.size());
  // The material really is SM2: the in-memory PKI's anchor is a 65-byte point.
  CHECK(make_test_pki(sc->seed, 1796000000, sc->alg).root_key().raw().size() == 65);
}
