// Every case of tests/data/vectors (a copy of ../shared/vectors): cases.json through the verifier
// on a real SQLite trust store, and install-cases.json through the store's install rules.
#include <doctest/doctest.h>

#include "app/chip_file.h"
#include "app/json.h"
#include "app/verifier.h"
#include "keys/store.h"
#include "tests/support/tempdir.h"

using namespace kiosk;
using namespace kiosk::test;

namespace {

Bytes read_bytes(const std::string& p) {
  std::string s = read_text(p);
  return Bytes(s.begin(), s.end());
}

json::Value load(const std::string& rel) {
  auto v = json::parse(read_text(data_path(rel)));
  REQUIRE(v);
  return *v;
}

keys::Anchors anchors(const std::string& set) {
  auto a = keys::load_anchors(data_path(set + "/anchors"));
  REQUIRE(a);
  return *a;
}

std::int64_t num(const json::Value* v) {
  REQUIRE(v);
  REQUIRE(v->is_number());
  return static_cast<std::int64_t>(v->number);
}

/// Every case of SET/cases.json (SET: "vectors" or "vectors-sm2"); at least `min_cases`.
void run_cases(const std::string& set, std::size_t min_cases) {
  json::Value doc = load(set + "/cases.json");
  const json::Value* trust = doc.get("trust");
  REQUIRE(trust);
  std::int64_t install_now = num(trust->get("install_now"));
  const json::Value* cases = doc.get("cases");
  REQUIRE(cases);
  REQUIRE(cases->array.size() >= min_cases);
  keys::Anchors a = anchors(set);
  int run = 0;
  for (const json::Value& c : cases->array) {
    const std::string id = c.get("id")->string;
    CAPTURE(id);
    TempDir dir;
    auto store = keys::TrustStore::open(dir / "trust.db");
    REQUIRE(store);
    if (c.get("trust")->type != json::Value::Type::kNull) {
      // "trust" or "trust-future" (spec 1.1): the folder to install before the case.
      std::string trust_dir = data_path(set + "/" + c.get("trust")->string);
      std::vector<std::string> files = {trust_dir + "/keyset.cose"};
      for (const auto& e : std::filesystem::directory_iterator(trust_dir + "/status"))
        files.push_back(e.path());
      std::sort(files.begin() + 1, files.end());
      for (const auto& f : files) {
        auto r = (*store)->install(read_bytes(f), a, install_now);
        REQUIRE(r);
        REQUIRE(*r == keys::InstallResult::kInstalled);
      }
    }
    auto snap = (*store)->snapshot();
    REQUIRE(snap);
    VerifySettings settings;
    for (const auto& p : c.get("jurisdiction")->array)
      settings.jurisdiction.push_back(p.string);
    std::int64_t now = num(c.get("now"));
    const json::Value* input = c.get("input");
    Verdict v;
    if (const json::Value* qr = input->get("qr")) {
      v = verify_qr(qr->string, *snap, settings, now);
    } else {
      json::Writer w;
      const json::Value* chip = input->get("chip");
      REQUIRE(chip);
      w.begin_object();
      for (const char* k : {"ef", "challenge", "signature"})
        w.key(k).string(chip->get(k)->string);
      w.end_object();
      auto in = parse_chip_file(w.take());
      REQUIRE(in);
      v = verify_chip(*in, *snap, settings, now);
    }
    const json::Value* exp = c.get("expected");
    CHECK(name(v.outcome) == exp->get("outcome")->string);
    CHECK(name(v.document) == exp->get("document")->string);
    std::vector<std::string> want, got;
    for (const auto& r : exp->get("reasons")->array)
      want.push_back(r.string);
    for (Reason r : v.reasons)
      got.emplace_back(name(r));
    CHECK(got == want);
    // The holder record is shown exactly when the issuer signature verified (document known).
    CHECK(v.holder.has_value() == (v.document != Document::kUnknown));
    ++run;
  }
  MESSAGE(set << " cases run: " << run);
}

/// Every step of SET/install-cases.json.
void run_install_cases(const std::string& set) {
  json::Value doc = load(set + "/install-cases.json");
  std::int64_t now = num(doc.get("install_now"));
  keys::Anchors a = anchors(set);
  int steps = 0;
  for (const json::Value& c : doc.get("cases")->array) {
    CAPTURE(c.get("id")->string);
    TempDir dir;
    auto store = keys::TrustStore::open(dir / "trust.db");
    REQUIRE(store);
    for (const json::Value& step : c.get("steps")->array) {
      std::string file = step.get("file")->string;
      CAPTURE(file);
      auto r = (*store)->install(read_bytes(data_path(set + "/install/" + file)), a, now);
      REQUIRE(r);
      CHECK(keys::name(*r) == step.get("result")->string);
      ++steps;
    }
  }
  MESSAGE(set << " install steps run: " << steps);
}

}  // namespace

TEST_CASE("vectors: cases.json") {
  run_cases("vectors", 52);
}

TEST_CASE("vectors: install-cases.json") {
  run_install_cases("vectors");
}

TEST_CASE("vectors-sm2: cases.json (spec section 9)") {
  run_cases("vectors-sm2", 20);
}

TEST_CASE("vectors-sm2: install-cases.json (spec section 9)") {
  run_install_cases("vectors-sm2");
}
