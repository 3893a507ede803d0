// The vectors through kioskctl itself, exactly as spec/cli.md lets outside scripts call it.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "app/json.h"
#include "tests/support/target.h"
#include "tests/support/tempdir.h"

using namespace kiosk;
using namespace kiosk::test;

namespace {

struct Run {
  int status;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Run kioskctl(const std::string& args) {
  std::string cmd = target_command(std::string(KIOSK_BUILD_DIR) + "/firmware/kioskctl") + " " +
                    args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  Run r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

/// Every case of SET/cases.json through `kioskctl trust install` (each trust folder a case names,
/// into its own store) and `kioskctl verify`; the QR cases at the common time also as one batch.
void run_cli_cases(const std::string& set) {
  auto doc = json::parse(read_text(data_path(set + "/cases.json")));
  REQUIRE(doc);
  std::string anchors = data_path(set + "/anchors");
  std::string install_now =
      std::to_string(static_cast<long long>(doc->get("trust")->get("install_now")->number));
  TempDir d;
  std::map<std::string, std::string> stores;  // trust folder -> store
  auto store_for = [&](const std::string& folder) {
    auto it = stores.find(folder);
    if (it != stores.end()) return it->second;
    std::string db = d / ("trusted-" + folder + ".db");
    Run inst = kioskctl("trust install --db " + quote(db) + " --anchors " + quote(anchors) +
                        " --now " + install_now + " " + quote(data_path(set + "/" + folder)));
    CHECK(inst.status == 0);
    CHECK(inst.out.find(": INSTALLED") != std::string::npos);
    return stores[folder] = db;
  };
  std::string trusted = store_for("trust");
  std::string empty = d / "empty.db";

  std::string batch;  // the QR cases at the common time, for --qr-file
  std::vector<const json::Value*> batch_cases;
  for (const json::Value& c : doc->get("cases")->array) {
    CAPTURE(c.get("id")->string);
    bool has_trust = c.get("trust")->type != json::Value::Type::kNull;
    std::string db = has_trust ? store_for(c.get("trust")->string) : empty;
    std::string args = "verify --db " + quote(db) + " --now " +
                       std::to_string(static_cast<long long>(c.get("now")->number));
    std::string j;
    for (const auto& p : c.get("jurisdiction")->array)
      j += (j.empty() ? "" : ",") + p.string;
    args += " --jurisdiction " + j;
    const json::Value* in = c.get("input");
    if (const json::Value* qr = in->get("qr")) {
      args += " --qr " + quote(qr->string);
      if (db == trusted && c.get("now")->number == 1796000000 && j == "3101") {
        batch += qr->string + "\n";
        batch_cases.push_back(&c);
      }
    } else {
      json::Writer w;
      w.begin_object();
      for (const char* k : {"ef", "challenge", "signature"})
        w.key(k).string(in->get("chip")->get(k)->string);
      w.end_object();
      std::string f = d / "chip.json";
      std::ofstream(f) << w.take();
      args += " --chip-file " + quote(f);
    }
    Run r = kioskctl(args);
    CHECK(r.status == 0);
    auto v = json::parse(r.out);
    REQUIRE(v);
    const json::Value* exp = c.get("expected");
    CHECK(v->get("outcome")->string == exp->get("outcome")->string);
    CHECK(v->get("document")->string == exp->get("document")->string);
    std::vector<std::string> got, want;
    for (const auto& x : v->get("reasons")->array)
      got.push_back(x.string);
    for (const auto& x : exp->get("reasons")->array)
      want.push_back(x.string);
    CHECK(got == want);
  }
  if (batch_cases.empty()) return;

  // The same QR texts as one batch file: one verdict per line, in order. Some cases share a QR
  // text with different expectations at other times; compare against the single runs instead.
  std::string f = d / "batch.txt";
  std::ofstream(f) << batch;
  Run r = kioskctl("verify --db " + quote(trusted) +
                   " --now 1796000000 --jurisdiction 3101 --qr-file " + quote(f));
  CHECK(r.status == 0);
  std::size_t lines = 0, pos = 0;
  while ((pos = r.out.find('\n', pos)) != std::string::npos)
    ++lines, ++pos;
  CHECK(lines == batch_cases.size());
}

/// Every step of SET/install-cases.json through `kioskctl trust install`, one store per case.
void run_cli_install_cases(const std::string& set) {
  auto doc = json::parse(read_text(data_path(set + "/install-cases.json")));
  REQUIRE(doc);
  std::string anchors = data_path(set + "/anchors");
  std::string now = std::to_string(static_cast<long long>(doc->get("install_now")->number));
  TempDir d;
  int n = 0;
  for (const json::Value& c : doc->get("cases")->array) {
    CAPTURE(c.get("id")->string);
    std::string db = d / (c.get("id")->string + ".db");
    for (const json::Value& step : c.get("steps")->array) {
      std::string file = data_path(set + "/install/" + step.get("file")->string);
      Run r = kioskctl("trust install --db " + quote(db) + " --anchors " + quote(anchors) +
                       " --now " + now + " " + quote(file));
      CHECK(r.out == file + ": " + step.get("result")->string + "\n");
      ++n;
    }
  }
  MESSAGE(set << ": install steps through kioskctl: " << n);
}

}  // namespace

TEST_CASE("cli: every vector case through kioskctl trust install and verify") {
  run_cli_cases("vectors");
}

TEST_CASE("cli: every vectors-sm2 case through kioskctl trust install and verify") {
  run_cli_cases("vectors-sm2");
}

TEST_CASE("cli: every vectors-sm2 install step through kioskctl trust install") {
  run_cli_install_cases("vectors-sm2");
}

TEST_CASE("cli: usage errors exit 2, unreadable inputs exit 1") {
  TempDir d;
  std::string db = quote(d / "t.db");
  CHECK(kioskctl("").status == 2);
  CHECK(kioskctl("frobnicate").status == 2);
  CHECK(kioskctl("verify --db " + db).status == 2);
  CHECK(kioskctl("verify --db " + db + " --qr A --qr-file B").status == 2);
  CHECK(kioskctl("verify --db " + db + " --qr A --now yesterday").status == 2);
  CHECK(kioskctl("verify --db " + db + " --qr A --jurisdiction 31x").status == 2);
  CHECK(kioskctl("verify --db " + db + " --qr A --bogus 1").status == 2);
  CHECK(kioskctl("verify --db " + db + " --qr-file /nonexistent").status == 1);
  CHECK(kioskctl("trust install --db " + db + " --anchors /nonexistent " +
                 quote(data_path("vectors/trust")))
            .status == 1);
  Run bad = kioskctl("trust install --db " + db + " --anchors " +
                     quote(data_path("vectors/anchors")) + " /nonexistent.cose");
  CHECK(bad.status == 1);
  CHECK(bad.out == "/nonexistent.cose: MALFORMED\n");
  // A chip file that is not JSON still gets its verdict.
  std::ofstream(d / "junk.json") << "\x01\x02 not json";
  Run junk = kioskctl("verify --db " + db + " --chip-file " + quote(d / "junk.json"));
  CHECK(junk.status == 0);
  CHECK(junk.out.find("\"MALFORMED\"") != std::string::npos);
  // A batch line longer than any QR text is one MALFORMED verdict, not a memory hog.
  std::ofstream(d / "long.txt") << std::string(5'000'000, 'A') << "\nWPC1:\n";
  Run lng = kioskctl("verify --db " + db + " --qr-file " + quote(d / "long.txt"));
  CHECK(lng.status == 0);
  CHECK(std::count(lng.out.begin(), lng.out.end(), '\n') == 2);
}
