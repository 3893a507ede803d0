// kioskctl mrz: a passport data page's machine-readable zone in image files (spec/cli.md).
#include <iostream>

#include "app/json.h"
#include "app/mrz/mrz.h"
#include "app/mrz/ocr.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/image_file.h"
#include "firmware/kioskctl/vision.h"

namespace kiosk::ctl {

namespace {

std::string zone_json(const mrz::Td3& z, std::int64_t now) {
  json::Writer w;
  w.begin_object();
  w.key("lines").begin_array().string(z.lines[0]).string(z.lines[1]).end_array();
  w.key("valid").boolean(z.valid());
  w.key("fields").begin_object();
  w.key("document_number").string(z.document_number);
  w.key("nationality").string(z.nationality);
  // A date that is not one (an unknown day printed as fillers) is shown as printed.
  w.key("date_of_birth").string(mrz::birth_date(z.birth, now).value_or(z.birth));
  w.key("sex").string(std::string(1, z.sex));
  w.key("expiry").string(mrz::expiry_date(z.expiry, now).value_or(z.expiry));
  w.key("surname").string(z.surname);
  w.key("given_names").string(z.given_names);
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace

int cmd_mrz(const std::vector<std::string>& words) {
  auto a = parse_args(words, {"now"}, {"json"});
  if (!a) return usage_error(a.error());
  if (a->positional.empty()) return usage_error("mrz needs at least one IMAGE");
  auto now = now_from(*a);
  if (!now) return usage_error(now.error());
  bool as_json = a->has("json");
  int status = 0;
  for (const std::string& path : a->positional) {
    auto image = read_image_file(path);
    if (!image) {
      std::cerr << "kioskctl: " << path << ": " << image.error() << "\n";
      if (as_json) std::cout << "null\n";
      status = 1;
      continue;
    }
    auto vision = load_vision();  // the MRZ reader needs OpenCV: loaded on first use
    if (!vision) {
      std::cerr << "kioskctl: " << path << ": " << vision.error() << "\n";
      if (as_json) std::cout << "null\n";
      status = 1;
      continue;
    }
    auto read = (*vision)->read_mrz(image->view());
    std::optional<mrz::Td3> zone;
    if (read) {
      auto parsed = mrz::parse(read->text);
      if (parsed) zone = std::move(*parsed);
    }
    if (as_json) {
      std::cout << (zone ? zone_json(*zone, *now) : "null") << "\n";
    } else if (zone) {
      std::cout << zone->lines[0] << "\n" << zone->lines[1] << "\n";
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace kiosk::ctl
