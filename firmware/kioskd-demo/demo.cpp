#include "firmware/kioskd-demo/demo.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/chip_file.h"
#include "app/json.h"
#include "firmware/kioskd-demo/feed_source.h"

namespace kiosk::kioskd {

namespace fs = std::filesystem;

namespace {

/// The vector time at which the valid credentials verify.
constexpr std::int64_t kDemoNow = 1796000000;

struct Step {
  const char* case_id;
  Channel channel;
  std::int64_t delay_ms;
};

// A WPNL read over several frames then the e-card in the same session (shown side by side), then
// one presentation per session: the other valid documents, then the common failures.
constexpr Step kSteps[] = {
    {"wpnl-valid", Channel::kCamera, 1500},   {"wpnl-valid", Channel::kCamera, 120},
    {"wpnl-valid", Channel::kCamera, 120},    {"ecard-valid", Channel::kScanner, 1500},
    {"wpcard-valid", Channel::kCamera, 7000}, {"chip-valid", Channel::kCard, 7000},
    {"ecard-stale", Channel::kScanner, 7000}, {"wpnl-tampered", Channel::kCamera, 7000},
    {"wpnl-revoked", Channel::kCamera, 7000}, {"wpnl-other-city", Channel::kCamera, 7000},
    {"chip-clone", Channel::kCard, 7000},     {"bad-base45", Channel::kScanner, 7000},
};

}  // namespace

std::string default_vectors_dir() {
  for (const char* d : {KIOSKD_VECTORS_INSTALLED, KIOSKD_VECTORS_SOURCE}) {
    if (fs::exists(std::string(d) + "/cases.json")) return d;
  }
  return KIOSKD_VECTORS_SOURCE;
}

Result<DemoSetup, std::string> prepare_demo(const Config& base, const std::string& keys_dir,
                                            const std::string& data_dir) {
  DemoSetup d;
  d.config = base;
  std::string vectors = default_vectors_dir();
  std::string keys = keys_dir.empty() ? vectors : keys_dir;
  d.package_dir = fs::is_directory(keys + "/trust") ? keys + "/trust" : keys;
  d.config.anchors_dir = keys + "/anchors";
  if (!fs::exists(d.package_dir + "/keyset.cose"))
    return Unexpected{d.package_dir + ": no keyset.cose (--keys DIR needs trust/ and anchors/)"};
  if (!fs::is_directory(d.config.anchors_dir))
    return Unexpected{d.config.anchors_dir + ": no anchors directory"};

  if (data_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "kioskd-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return Unexpected{tmpl + ": cannot create a demo directory"};
    d.config.data_dir = tmpl;
  } else {
    d.config.data_dir = data_dir;
  }
  std::error_code ec;
  fs::create_directories(d.config.data_dir, ec);

  std::ifstream in(vectors + "/cases.json", std::ios::binary);
  if (!in) return Unexpected{vectors + "/cases.json: cannot open (the demo feed is built from it)"};
  std::ostringstream ss;
  ss << in.rdbuf();
  json::ParseError perr{};
  auto doc = json::parse(ss.str(), &perr);
  const json::Value* cases = doc ? doc->get("cases") : nullptr;
  if (!cases || !cases->is_array())
    return Unexpected{vectors + "/cases.json: not the vectors' case list"};

  std::string feed = "# kioskd --demo feed, built from " + vectors + "/cases.json\n";
  for (const Step& s : kSteps) {
    const json::Value* input = nullptr;
    for (const auto& c : cases->array) {
      const json::Value* id = c.get("id");
      if (id && id->is_string() && id->string == s.case_id) input = c.get("input");
    }
    if (!input) return Unexpected{std::string("cases.json: no case '") + s.case_id + "'"};
    FeedItem item;
    item.delay_ms = s.delay_ms;
    item.channel = s.channel;
    if (const json::Value* qr = input->get("qr"); qr && qr->is_string()) {
      item.payload = qr->string;
    } else if (const json::Value* chip = input->get("chip"); chip && chip->is_object()) {
      auto get = [&](const char* k) -> std::string {
        const json::Value* v = chip->get(k);
        return v && v->is_string() ? v->string : "";
      };
      auto ef = from_hex(get("ef"));
      auto ch = from_hex(get("challenge"));
      auto sig = from_hex(get("signature"));
      if (!ef || !ch || !sig)
        return Unexpected{std::string("cases.json: bad chip in ") + s.case_id};
      item.payload = ChipInput{*ef, *ch, *sig};
    } else {
      return Unexpected{std::string("cases.json: no input in ") + s.case_id};
    }
    feed += "# " + std::string(s.case_id) + "\n" + feed_line(item) + "\n";
  }
  std::string feed_path = d.config.data_dir + "/demo.feed";
  std::ofstream out(feed_path, std::ios::binary | std::ios::trunc);
  out << feed;
  out.close();
  if (!out) return Unexpected{feed_path + ": cannot write the demo feed"};

  d.config.kiosk_id = base.kiosk_id == "kiosk" ? "DEMO-01" : base.kiosk_id;
  if (d.config.jurisdiction.empty()) d.config.jurisdiction = {"3101"};
  d.config.clock = ClockSource::kFixed;
  d.config.clock_fixed = kDemoNow;
  d.config.session_timeout = 6;
  d.config.devices.feed = feed_path;
  d.config.devices.feed_loop = true;
  return d;
}

}  // namespace kiosk::kioskd
