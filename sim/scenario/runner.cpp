#include "sim/scenario/runner.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/json.h"
#include "keys/anchors.h"
#include "keys/store.h"
#include "sim/issuer/keys_dir.h"
#include "sim/issuer/records.h"

namespace kiosk::sim {
namespace {

namespace fs = std::filesystem;

// A private directory for the trust store, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kiosk-sim-run-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::optional<Bytes> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

std::string verdict_text(Outcome o, Document d, const std::vector<Reason>& rs) {
  return std::string(name(o)) + " " + std::string(name(d)) + " " + names(rs);
}

}  // namespace

bool Report::passed() const {
  for (const StepReport& s : steps) {
    if (!s.pass) return false;
  }
  return !steps.empty();
}

Result<Report, std::string> run_scenario(const Scenario& sc, const RunOptions& opts) {
  Report rep;
  rep.source = sc.source;

  // The trust: a keys directory as written, or a PKI made here for the scenario's start.
  std::optional<TestPki> pki;
  std::vector<std::pair<std::string, Bytes>> files;
  keys::Anchors anchors;
  if (opts.keys_dir) {
    auto loaded = load_keys_dir(*opts.keys_dir);
    if (!loaded) return Unexpected{loaded.error()};
    pki = std::move(*loaded);
    rep.start = sc.start.value_or(pki->now);
    auto a = keys::load_anchors((fs::path(*opts.keys_dir) / "anchors").string());
    if (!a) return Unexpected{a.error()};
    anchors = std::move(*a);
    fs::path trust = fs::path(*opts.keys_dir) / "trust";
    std::vector<fs::path> paths{trust / "keyset.cose"};
    std::vector<fs::path> lists;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(trust / "status", ec)) {
      if (e.path().extension() == ".cose") lists.push_back(e.path());
    }
    std::sort(lists.begin(), lists.end());
    paths.insert(paths.end(), lists.begin(), lists.end());
    for (const fs::path& p : paths) {
      auto b = read_all(p);
      if (!b) return Unexpected{p.string() + ": cannot read"};
      files.emplace_back(p.string(), std::move(*b));
    }
    rep.trust = *opts.keys_dir;
  } else {
    rep.start = sc.start.value_or(opts.system_now);
    pki = make_test_pki(sc.seed, rep.start, sc.alg);
    anchors.keys.push_back(pki->root_key());
    files.emplace_back("keyset", build_keyset(*pki));
    for (const TestStatusList& l : pki->status)
      files.emplace_back("status/" + l.iss, build_status_list(*pki, l));
    rep.trust = "in-memory test PKI (seed " + std::to_string(sc.seed) + ")";
  }

  TempDir dir;
  if (dir.path().empty()) return Unexpected{std::string("cannot create a temporary directory")};
  auto store = keys::TrustStore::open((fs::path(dir.path()) / "trust.db").string());
  if (!store) return Unexpected{"trust store: " + store.error().message};
  for (const auto& [label, bytes] : files) {
    auto r = (*store)->install(bytes, anchors, rep.start);
    if (!r) return Unexpected{"trust store: " + r.error().message};
    if (*r != keys::InstallResult::kInstalled) {
      return Unexpected{label + ": install answered " + std::string(keys::name(*r)) + " at start " +
                        std::to_string(rep.start) + " (keys made for " + std::to_string(pki->now) +
                        ")"};
    }
  }
  rep.trust += ", " + std::to_string(files.size()) + " files INSTALLED";
  auto snap = (*store)->snapshot();
  if (!snap) return Unexpected{"trust store: " + snap.error().message};

  DirectQrChannel camera("camera"), scanner("scanner");
  InProcessCardChannel card;
  auto channel_for = [&](ChannelKind k) -> Channel* {
    auto it = opts.channels.find(std::string(name(k)));
    if (it != opts.channels.end() && it->second) return it->second.get();
    switch (k) {
      case ChannelKind::kCamera:
        return &camera;
      case ChannelKind::kScanner:
        return &scanner;
      case ChannelKind::kCard:
        return &card;
    }
    return &camera;
  };

  for (std::size_t i = 0; i < sc.steps.size(); ++i) {
    const Step& st = sc.steps[i];
    StepReport sr;
    sr.step = st;
    Channel* ch = channel_for(st.channel);
    sr.channel = ch->label();
    const VariantInfo* info = find_variant(st.doc, st.variant);
    if (st.expect.listed && info) {
      sr.expected = info->expected;
    } else {
      sr.expected = {st.expect.outcome, st.expect.document, st.expect.reasons};
    }
    IssueRequest req;
    req.doc = st.doc;
    req.variant = st.variant;
    req.now = rep.start + st.at;
    req.seed = st.seed.value_or(sc.seed + i);
    req.city = st.city;
    req.strict = st.expect.listed;  // a written-out verdict may test stale trust on purpose
    auto issued = issue(*pki, req);
    if (!issued) {
      sr.error = issued.error();
      rep.steps.push_back(std::move(sr));
      continue;
    }
    VerifySettings settings;
    settings.jurisdiction = sc.jurisdiction.value_or(issued->jurisdiction);
    settings.max_age = sc.max_age;
    settings.skew = sc.skew;
    KioskView view{*snap, settings, req.now};
    auto t0 = std::chrono::steady_clock::now();
    auto v = ch->deliver(*issued, view);
    auto t1 = std::chrono::steady_clock::now();
    sr.ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    if (!v) {
      sr.error = v.error();
    } else {
      sr.got = std::move(*v);
      sr.pass = sr.got->outcome == sr.expected.outcome &&
                sr.got->document == sr.expected.document && sr.got->reasons == sr.expected.reasons;
    }
    rep.steps.push_back(std::move(sr));
  }
  return rep;
}

std::string format_report(const Report& r) {
  std::ostringstream o;
  o << "# kiosk-sim field-test report (TEST MATERIAL): " << r.source << "\n";
  o << "# start " << r.start << ", trust: " << r.trust << "\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-4s %-5s %-7s %-18s %-32s %-8s\n", "step", "line", "at",
                "channel", "doc/variant", "ms");
  o << buf;
  int passed = 0;
  double total = 0, worst = 0;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const StepReport& s = r.steps[i];
    std::string dv = std::string(name(s.step.doc)) + "/" + s.step.variant;
    std::snprintf(buf, sizeof buf, "%-4zu %-5d +%-6lld %-18s %-32s %-8.3f %s\n", i + 1, s.step.line,
                  static_cast<long long>(s.step.at), s.channel.c_str(), dv.c_str(), s.ms,
                  s.pass ? "PASS" : "FAIL");
    o << buf;
    o << "       expected: "
      << verdict_text(s.expected.outcome, s.expected.document, s.expected.reasons) << "\n";
    if (s.got) {
      o << "       got:      " << verdict_text(s.got->outcome, s.got->document, s.got->reasons)
        << "\n";
    } else {
      o << "       error:    " << s.error << "\n";
    }
    passed += s.pass;
    total += s.ms;
    worst = std::max(worst, s.ms);
  }
  std::snprintf(buf, sizeof buf,
                "# %d of %zu steps passed; time to verdict: mean %.3f ms, max %.3f ms\n", passed,
                r.steps.size(), r.steps.empty() ? 0.0 : total / static_cast<double>(r.steps.size()),
                worst);
  o << buf << (r.passed() ? "RESULT: PASS\n" : "RESULT: FAIL\n");
  return o.str();
}

std::string report_json(const Report& r) {
  json::Writer w;
  w.begin_object().key("scenario").string(r.source).key("start").number(r.start);
  w.key("trust").string(r.trust).key("passed").boolean(r.passed());
  w.key("steps").begin_array();
  for (const StepReport& s : r.steps) {
    w.begin_object().key("line").number(s.step.line).key("at").number(s.step.at);
    w.key("channel").string(s.channel).key("doc").string(name(s.step.doc));
    w.key("variant").string(s.step.variant).key("city").string(s.step.city);
    w.key("expected").begin_object().key("outcome").string(name(s.expected.outcome));
    w.key("document").string(name(s.expected.document)).key("reasons").begin_array();
    for (Reason x : s.expected.reasons)
      w.string(name(x));
    w.end_array().end_object();
    w.key("got");
    if (s.got) {
      w.begin_object().key("outcome").string(name(s.got->outcome));
      w.key("document").string(name(s.got->document)).key("reasons").begin_array();
      for (Reason x : s.got->reasons)
        w.string(name(x));
      w.end_array().end_object();
    } else {
      w.null();
    }
    if (!s.error.empty()) w.key("error").string(s.error);
    w.key("ms_x1000").number(static_cast<std::int64_t>(s.ms * 1000));
    w.key("pass").boolean(s.pass).end_object();
  }
  w.end_array().end_object();
  return w.take() + "\n";
}

}  // namespace kiosk::sim
