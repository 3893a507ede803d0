// The officer's decision in one look (issue 17): the purpose line, places by name, the passport
// cross-check, freshness, the session that ends on another holder, and the replay memories.
#include <doctest/doctest.h>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/json.h"
#include "app/mrz/mrz.h"
#include "app/purpose.h"
#include "firmware/kioskd/replay_memory.h"
#include "firmware/kioskd/session.h"
#include "firmware/kioskd/view_model.h"
#include "tests/support/sample_holder.h"

using namespace kiosk;
using namespace kiosk::kioskd;

namespace {

SessionEntry verified(Document d, Outcome o, HolderRecord h, Bytes cti) {
  SessionEntry e;
  e.key = "k" + h.ppn + std::to_string(static_cast<int>(d));
  e.verdict.document = d;
  e.verdict.outcome = o;
  e.verdict.holder = std::move(h);
  e.verdict.issuer_kid = Kid{};
  e.verdict.cti = std::move(cti);
  return e;
}

mrz::Td3 zone_of(const HolderRecord& h, std::string ppn) {
  mrz::Td3Fields f{.issuing_state = "D",
                   .surname = "ZHANG",
                   .given_names = "WEI",
                   .document_number = std::move(ppn),
                   .nationality = "D",
                   .birth = "900517",
                   .sex = 'M',
                   .expiry = "300101",
                   .optional_data = ""};
  (void)h;
  auto l = mrz::compose(f);
  auto z = mrz::parse(l[0] + "\n" + l[1]);
  REQUIRE(z.ok());
  return *z;
}

}  // namespace

TEST_CASE("purpose line: what the residence-permit procedure names, never green on REJECT") {
  auto rp = CounterService::kResidencePermit;
  for (Document d : {Document::kESsc, Document::kSscChip, Document::kWpnl}) {
    PurposeLine p = purpose_line(rp, Outcome::kAccept, d);
    CHECK(p.tone == Tone::kOk);
    CHECK(p.en.find("residence-permit procedure names") != std::string::npos);
    CHECK(p.zh.find("居留许可") != std::string::npos);
  }
  PurposeLine legacy = purpose_line(rp, Outcome::kAccept, Document::kWpCard);
  CHECK(legacy.tone == Tone::kWarn);
  CHECK(legacy.en.find("not a document the residence-permit procedure names") != std::string::npos);
  CHECK(legacy.en.find("your decision") != std::string::npos);
  CHECK(purpose_line(CounterService::kWorkPermitCheck, Outcome::kAccept, Document::kWpCard).tone ==
        Tone::kOk);
  for (CounterService s : {rp, CounterService::kWorkPermitCheck}) {
    for (Document d : {Document::kESsc, Document::kWpnl, Document::kWpCard, Document::kSscChip,
                       Document::kUnknown}) {
      CHECK(purpose_line(s, Outcome::kReject, d).tone == Tone::kBad);
      CHECK(purpose_line(s, Outcome::kReview, d).tone == Tone::kWarn);
    }
  }
  // An unidentified document is never described as a document of some kind.
  PurposeLine unknown = purpose_line(rp, Outcome::kReject, Document::kUnknown);
  CHECK(unknown.en.find("Unknown document: do not rely on anything shown") == 0);
  CHECK(unknown.zh.find("不可依据") != std::string::npos);
  CHECK(purpose_line(rp, Outcome::kReview, Document::kUnknown).en == unknown.en);
  CHECK(counter_service_from_name("residence-permit") == rp);
  CHECK_FALSE(counter_service_from_name("rp").has_value());
}

TEST_CASE("session: a document of another holder ends it; an unverified one names nobody") {
  Session s;
  HolderRecord a = test::sample_holder();
  HolderRecord b = a;
  b.ppn = "X9999999";
  s.add(verified(Document::kWpnl, Outcome::kAccept, a, {1}));
  CHECK_FALSE(s.other_holder(verified(Document::kESsc, Outcome::kAccept, a, {2}).verdict));
  CHECK(s.other_holder(verified(Document::kESsc, Outcome::kAccept, b, {3}).verdict));
  Verdict unverified;
  unverified.holder = b;  // no issuer_kid: nothing from it is a fact
  CHECK_FALSE(s.other_holder(unverified));
  s.set_passport(zone_of(a, a.ppn));
  CHECK(s.passport());
  s.clear();
  CHECK_FALSE(s.passport());
}

TEST_CASE("officer message: purpose, names, freshness and the cross-check per document") {
  Config c;
  c.freshness_limit_hours = 48;
  Session s;
  HolderRecord h = test::sample_holder();
  h.iss = "CN-310000";
  SessionEntry ok = verified(Document::kESsc, Outcome::kAccept, h, {1});
  ok.keyset_iat = 1000;
  ok.status_iat = 1000 + 3600;
  s.add(ok);
  SessionEntry rej = verified(Document::kWpnl, Outcome::kReject, h, {2});
  rej.verdict.reasons = {Reason::kCredentialRevoked};
  rej.keyset_iat = 1000;
  s.add(rej);
  s.set_passport(zone_of(h, h.ppn));
  TrustSnapshot t;
  auto places = Places::parse("code,name\n31,上海市\n", "code,name,p\n3101,市辖区,31\n",
                              "code,name,c,p\n310104,徐汇区,3101,31\n");
  REQUIRE(places.ok());
  KioskView v;
  v.config = &c;
  v.session = &s;
  v.trust = &t;
  v.places = &*places;
  v.now = 1000 + 49 * 3600;
  v.next_update = v.now + 600;
  std::string o = officer_json(v);
  auto parsed = json::parse(o);
  REQUIRE(parsed);
  CHECK(o.find("\"purpose\": {\"tone\": \"ok\"") != std::string::npos);
  CHECK(o.find("\"purpose\": {\"tone\": \"bad\"") != std::string::npos);
  CHECK(o.find("上海市徐汇区") != std::string::npos);
  CHECK(o.find("上海市外国人工作管理部门") != std::string::npos);
  CHECK(o.find("\"stale\": true") != std::string::npos);  // the key set is 49 h old
  CHECK(o.find("\"overall\": \"match\", \"tone\": \"ok\"") != std::string::npos);
  // The same matching passport beside a REJECT is never green.
  CHECK(o.find("\"overall\": \"match\", \"tone\": \"bad\"") != std::string::npos);
  CHECK(o.find("Residence permit application") != std::string::npos);

  // A forged code that named no document: no holder, no names, no passport check, the plain line.
  SessionEntry forged = verified(Document::kUnknown, Outcome::kReject, h, {3});
  forged.verdict.issuer_kid.reset();
  forged.verdict.reasons = {Reason::kBadSignature};
  Session s2;
  s2.add(forged);
  s2.set_passport(zone_of(h, h.ppn));
  KioskView v2 = v;
  v2.session = &s2;
  auto f2 = json::parse(officer_json(v2));
  REQUIRE(f2);
  const json::Value& fe = f2->get("session")->get("entries")->array.at(0);
  CHECK(fe.get("holder")->type == json::Value::Type::kNull);
  CHECK(fe.get("names")->type == json::Value::Type::kNull);
  CHECK(fe.get("cross_check")->type == json::Value::Type::kNull);
  CHECK(fe.get("purpose")->get("en")->string.find("Unknown document") == 0);

  s.set_passport(zone_of(h, "ZZ0000000"));
  o = officer_json(v);
  CHECK(o.find("\"overall\": \"mismatch\"") != std::string::npos);
  CHECK(o.find("\"passport_number\": \"mismatch\"") != std::string::npos);

  Freshness f = freshness(ok, 1000 + 3600 * 2, 48 * 3600);
  CHECK_FALSE(f.stale);
  CHECK(f.keyset_age == 7200);
  CHECK(f.status_age == 3600);
  SessionEntry none;
  CHECK_FALSE(freshness(none, 5, 1).keyset_age.has_value());
}

TEST_CASE("replay: the same e-card presentation in another session within the window") {
  PresentationMemory m(120);
  CHECK_FALSE(m.seen_elsewhere("WPP1:abc", 1, 1000));
  CHECK_FALSE(m.seen_elsewhere("WPP1:abc", 1, 1010));  // the same session: a repeat, not a replay
  CHECK(m.seen_elsewhere("WPP1:abc", 2, 1050));
  CHECK_FALSE(m.seen_elsewhere("WPP1:other", 2, 1050));
  CHECK_FALSE(m.seen_elsewhere("WPP1:abc", 3, 1000 + 121));  // forgotten after the window
  for (int i = 0; i < 5000; ++i)
    (void)m.seen_elsewhere("x" + std::to_string(i), 4, 2000);
  CHECK(m.size() <= PresentationMemory::kMaxEntries);
}

TEST_CASE("replay: a letter's credential id in two sessions of one day, kept in the audit file") {
  REQUIRE(sodium_init() >= 0);
  auto dir = std::filesystem::temp_directory_path() /
             ("screen-replay-" + std::to_string(randombytes_random()));
  std::filesystem::create_directories(dir);
  std::array<std::uint8_t, 32> key{};
  key[0] = 7;
  std::string path = (dir / "audit.db").string();
  // The memory is in RAM; what it learns is stored through the table (as the audit writer does).
  auto seen = [](CredentialDayMemory& m, CredentialDayTable& t, const Bytes& cti,
                 std::string_view session, std::int64_t day) {
    std::optional<DayRow> fresh;
    bool s = m.seen_elsewhere(cti, session, day, &fresh);
    if (fresh) REQUIRE(t.store(*fresh).ok());
    return s;
  };
  {
    auto t = CredentialDayTable::open(path);
    REQUIRE(t.ok());
    auto rows = (*t)->load();
    REQUIRE(rows.ok());
    CHECK(rows->empty());
    CredentialDayMemory m(key, std::move(*rows));
    CHECK(seen(m, **t, Bytes{1, 2, 3}, "boot:1", 100) == false);
    CHECK(seen(m, **t, Bytes{1, 2, 3}, "boot:1", 100) == false);
    CHECK(seen(m, **t, Bytes{1, 2, 3}, "boot:2", 100) == true);  // another session, same day
    CHECK(seen(m, **t, Bytes{9}, "boot:1", 100) == false);
    CHECK(m.size() == 2);
  }
  {
    // After a restart: still remembered for the day; a new day forgets.
    auto t = CredentialDayTable::open(path);
    REQUIRE(t.ok());
    auto rows = (*t)->load();
    REQUIRE(rows.ok());
    CHECK(rows->size() == 2);
    CredentialDayMemory m(key, std::move(*rows));
    CHECK(seen(m, **t, Bytes{1, 2, 3}, "boot2:1", 100) == true);
    CHECK(seen(m, **t, Bytes{1, 2, 3}, "boot2:5", 101) == false);
    CHECK(m.size() == 1);  // day 100 forgotten
    CHECK(seen(m, **t, Bytes{}, "boot2:6", 101) == false);
    auto kept = (*t)->load();
    REQUIRE(kept.ok());
    REQUIRE(kept->size() == 1);  // the store of day 101 dropped day 100's rows
    CHECK(kept->front().day == 101);
  }
  // No personal data: only keyed hashes are stored.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  CHECK(bytes.find(std::string("\x01\x02\x03", 3)) == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("applicant message: the camera's coaching while nothing is read, and nothing personal") {
  Config c;
  Session s;
  TrustSnapshot t;
  KioskView v;
  v.config = &c;
  v.session = &s;
  v.trust = &t;
  v.advice = Advice::kBrighter;
  CHECK(self_json(v).find("\"coach\": \"brighter\"") != std::string::npos);
  s.add(verified(Document::kWpnl, Outcome::kAccept, test::sample_holder(), {1}));
  std::string done = self_json(v);
  CHECK(done.find("\"coach\": \"none\"") != std::string::npos);  // read: no more coaching
  CHECK(done.find("C01X00T47") == std::string::npos);
  CHECK(done.find("\"cue\": \"accept\"") != std::string::npos);
  SessionEntry revoked = verified(Document::kWpnl, Outcome::kReject, test::sample_holder(), {2});
  revoked.id = 9;
  revoked.verdict.reasons = {Reason::kCredentialRevoked};
  s.add(revoked);
  CHECK(self_json(v).find("\"cue\": \"counter\"") != std::string::npos);
  SessionEntry stale = verified(Document::kESsc, Outcome::kReject, test::sample_holder(), {3});
  stale.id = 10;
  stale.verdict.reasons = {Reason::kPresentationExpired};
  s.add(stale);
  CHECK(self_json(v).find("\"cue\": \"another\"") != std::string::npos);
  CHECK(self_json(v).find("\"verdict\": 10") != std::string::npos);
}
