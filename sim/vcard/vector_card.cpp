#include "sim/vcard/vector_card.h"

#include <fstream>
#include <sstream>

#include "app/json.h"

namespace kiosk::sim {

namespace {

std::optional<json::Value> read_json(const std::string& path, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (why) *why = path + ": cannot open";
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  json::ParseError err;
  auto v = json::parse(s.str(), &err);
  if (!v && why) *why = path + ": " + err.what;
  return v;
}

}  // namespace

std::optional<Seed> vector_seed(const std::string& dir, const std::string& key, std::string* why) {
  auto keys = read_json(dir + "/test-keys.json", why);
  if (!keys) return std::nullopt;
  const json::Value* k = keys->get("keys");
  const json::Value* entry = k ? k->get(key) : nullptr;
  const json::Value* seed = entry ? entry->get("seed") : nullptr;
  auto bytes = seed && seed->is_string() ? from_hex(seed->string) : std::nullopt;
  auto arr = bytes ? to_array<crypto_sign_SEEDBYTES>(*bytes) : std::nullopt;
  if (!arr && why) *why = "test-keys.json: no 32-byte seed for '" + key + "'";
  return arr;
}

std::optional<VcardConfig> vector_card(const std::string& dir, const std::string& key,
                                       std::string* why) {
  auto seed = vector_seed(dir, key, why);
  if (!seed) return std::nullopt;
  auto cases = read_json(dir + "/cases.json", why);
  if (!cases) return std::nullopt;
  const json::Value* list = cases->get("cases");
  if (list && list->is_array()) {
    for (const json::Value& c : list->array) {
      const json::Value* id = c.get("id");
      if (!id || !id->is_string() || id->string != "chip-valid") continue;
      const json::Value* in = c.get("input");
      const json::Value* chip = in ? in->get("chip") : nullptr;
      const json::Value* ef = chip ? chip->get("ef") : nullptr;
      auto bytes = ef && ef->is_string() ? from_hex(ef->string) : std::nullopt;
      if (!bytes) break;
      VcardConfig cfg;
      cfg.ef = std::move(*bytes);
      cfg.holder_seed = *seed;
      return cfg;
    }
  }
  if (why) *why = "cases.json: no case \"chip-valid\" with a chip EF";
  return std::nullopt;
}

}  // namespace kiosk::sim
