#include "app/chip_file.h"

#include "app/json.h"

namespace kiosk {

std::optional<ChipInput> parse_chip_file(std::string_view text, std::string* why) {
  auto fail = [&](std::string m) -> std::optional<ChipInput> {
    if (why) *why = std::move(m);
    return std::nullopt;
  };
  // Three hex strings of at most 4098 + 64 + 64 bytes fit well in 64 KiB of JSON.
  if (text.size() > 64 * 1024) return fail("chip file larger than 64 KiB");
  json::ParseError err;
  auto v = json::parse(text, &err);
  if (!v) return fail("not JSON: " + err.what + " at byte " + std::to_string(err.offset));
  if (!v->is_object()) return fail("not a JSON object");
  ChipInput chip;
  for (auto [key, out] : {std::pair{"ef", &chip.ef}, std::pair{"challenge", &chip.challenge},
                          std::pair{"signature", &chip.signature}}) {
    const json::Value* f = v->get(key);
    if (!f || !f->is_string()) return fail(std::string("\"") + key + "\" missing or not a string");
    auto bytes = from_hex(f->string);
    if (!bytes) return fail(std::string("\"") + key + "\" is not hex");
    *out = std::move(*bytes);
  }
  return chip;
}

std::string chip_file_json(const ChipInput& chip) {
  json::Writer w;
  w.begin_object();
  w.key("ef").string(to_hex(chip.ef));
  w.key("challenge").string(to_hex(chip.challenge));
  w.key("signature").string(to_hex(chip.signature));
  w.end_object();
  return w.take();
}

}  // namespace kiosk
