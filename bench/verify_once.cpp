// verify_once: the cost of one verification (an e-card by default, or any QR or chip case), for
// bench/budget.sh.
//
// Installs the vectors' trust package (anchors, key set, status lists) into a scratch SQLite store
// at the vectors' install time, takes the snapshot, then verifies the QR or chip input of the case
// (default "ecard-valid") --repeat times (default 1) at the case's `now` and jurisdiction. Only the
// verifications are inside the callgrind collection window (CALLGRIND_TOGGLE_COLLECT, with
// valgrind --collect-atstart=no), so callgrind counts them and not the setup. Under qemu, where
// valgrind cannot run, budget.sh counts the instructions of --repeat 0 and --repeat N and takes
// the difference. Exit status 0 only when every verification gave the case's expected outcome.
//
//   verify_once [--vectors DIR] [--repeat N] [--case ID]
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "app/chip_file.h"
#include "app/crypto.h"
#include "app/json.h"
#include "app/verifier.h"
#include "keys/anchors.h"
#include "keys/store.h"

namespace fs = std::filesystem;

namespace {

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int fail(const std::string& why) {
  std::cerr << "verify_once: " << why << "\n";
  return 1;
}

// Installs keyset.cose and status/*.cose of `dir` into `store`; false when one is not accepted.
bool install_package(kiosk::keys::TrustStore& store, const fs::path& dir,
                     const kiosk::keys::Anchors& anchors, std::int64_t now) {
  std::vector<fs::path> files{dir / "keyset.cose"};
  std::vector<fs::path> lists;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "status", ec)) {
    if (e.path().extension() == ".cose") lists.push_back(e.path());
  }
  std::sort(lists.begin(), lists.end());
  files.insert(files.end(), lists.begin(), lists.end());
  for (const fs::path& f : files) {
    auto text = slurp(f);
    if (!text) return false;
    kiosk::Bytes bytes(text->begin(), text->end());
    auto r = store.install(bytes, anchors, now);
    if (!r || !kiosk::keys::accepted(*r)) {
      std::cerr << "verify_once: " << f.string() << ": "
                << (r ? std::string(kiosk::keys::name(*r)) : r.error().message) << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path vectors = KIOSK_VECTORS_DIR;
  std::string case_id = "ecard-valid";
  long repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--vectors" && i + 1 < argc) {
      vectors = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::strtol(argv[++i], nullptr, 10);
    } else if (a == "--case" && i + 1 < argc) {
      case_id = argv[++i];
    } else {
      std::cerr << "usage: verify_once [--vectors DIR] [--repeat N] [--case ID]\n";
      return 2;
    }
  }
  if (repeat < 0) return fail("--repeat must be 0 or more");
  if (!kiosk::crypto_init()) return fail("libsodium failed to initialise");

  auto cases_text = slurp(vectors / "cases.json");
  if (!cases_text) return fail("cannot read " + (vectors / "cases.json").string());
  auto doc = kiosk::json::parse(*cases_text);
  if (!doc) return fail("cases.json is not JSON");
  const kiosk::json::Value* trust = doc->get("trust");
  const kiosk::json::Value* cases = doc->get("cases");
  if (!trust || !cases || !cases->is_array()) return fail("cases.json lacks trust or cases");
  const kiosk::json::Value* the_case = nullptr;
  for (const auto& c : cases->array) {
    const auto* id = c.get("id");
    if (id && id->is_string() && id->string == case_id) the_case = &c;
  }
  if (!the_case) return fail("no case " + case_id);
  const auto* input = the_case->get("input");
  const auto* qr = input ? input->get("qr") : nullptr;
  const auto* chip = input ? input->get("chip") : nullptr;
  const auto* now = the_case->get("now");
  const auto* install_now = trust->get("install_now");
  const auto* anchors_dir = trust->get("anchors");
  const auto* trust_dir = the_case->get("trust");
  const auto* expected =
      the_case->get("expected") ? the_case->get("expected")->get("outcome") : nullptr;
  // A chip case's input is parsed here, outside the counted window, as kioskd's card source
  // hands the verifier a ChipInput it has read from the card.
  std::optional<kiosk::ChipInput> chip_input;
  if (chip && chip->is_object()) {
    kiosk::json::Writer w;
    w.begin_object();
    for (const char* k : {"ef", "challenge", "signature"}) {
      const auto* f = chip->get(k);
      if (!f || !f->is_string()) return fail("case " + case_id + ": chip." + k + " is missing");
      w.key(k).string(f->string);
    }
    w.end_object();
    auto parsed = kiosk::parse_chip_file(w.take());
    if (!parsed) return fail("case " + case_id + ": the chip input does not parse");
    chip_input = std::move(*parsed);
  }
  if ((!chip_input && (!qr || !qr->is_string())) || !now || !now->is_number() || !install_now ||
      !install_now->is_number() || !anchors_dir || !anchors_dir->is_string() || !trust_dir ||
      !trust_dir->is_string() || !expected || !expected->is_string()) {
    return fail("case " + case_id +
                " is not a QR or chip case with now, trust and expected outcome");
  }
  kiosk::VerifySettings settings;
  if (const auto* j = the_case->get("jurisdiction"); j && j->is_array()) {
    for (const auto& p : j->array)
      settings.jurisdiction.push_back(p.string);
  }

  auto anchors = kiosk::keys::load_anchors((vectors / anchors_dir->string).string());
  if (!anchors) return fail(anchors.error());
  fs::path scratch = fs::temp_directory_path() /
                     ("verify_once-" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(scratch);
  int status = 0;
  {
    auto store = kiosk::keys::TrustStore::open((scratch / "trust.db").string());
    if (!store) {
      status = fail(store.error().message);
    } else if (!install_package(**store, vectors / trust_dir->string, *anchors,
                                static_cast<std::int64_t>(install_now->number))) {
      status = fail("trust package not installed");
    } else if (auto snap = (*store)->snapshot(); !snap) {
      status = fail(snap.error().message);
    } else {
      const auto at = static_cast<std::int64_t>(now->number);
      long as_expected = 0;
      const auto t0 = std::chrono::steady_clock::now();
      CALLGRIND_TOGGLE_COLLECT;
      for (long i = 0; i < repeat; ++i) {
        kiosk::Verdict v = chip_input ? kiosk::verify_chip(*chip_input, *snap, settings, at)
                                      : kiosk::verify_qr(qr->string, *snap, settings, at);
        as_expected += kiosk::name(v.outcome) == expected->string ? 1 : 0;
      }
      CALLGRIND_TOGGLE_COLLECT;
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      if (as_expected != repeat) {
        status = fail("expected " + expected->string + " every time, got it " +
                      std::to_string(as_expected) + " of " + std::to_string(repeat) + " times");
      } else {
        std::cout << "verify_once: " << case_id << " verified " << repeat
                  << " time(s): " << expected->string;
        if (repeat > 0) std::cout << ", " << ns / 1000 / repeat << " us each (wall clock)";
        std::cout << "\n";
      }
    }
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return status;
}
