// kioskctl scan
#include <cmath>
#include <iostream>

#include "app/json.h"
#include "app/scan/scanner.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/image_file.h"
#include "firmware/kioskctl/vision.h"

namespace kiosk::ctl {

namespace {

std::string error_json(const std::string& file, const std::string& why) {
  json::Writer w;
  w.begin_object().key("file").string(file).key("error").string(why).end_object();
  return w.take();
}

std::string codes_json(const std::string& file, const std::vector<scan::Code>& codes) {
  json::Writer w;
  w.begin_object().key("file").string(file).key("texts").begin_array();
  for (const auto& c : codes)
    w.string(c.text);
  w.end_array().key("codes").begin_array();
  for (const auto& c : codes) {
    w.begin_object().key("text").string(c.text).key("stage").string(scan::stage_name(c.stage));
    // Corners in whole frame pixels: top-left, top-right, bottom-right, bottom-left.
    w.key("corners").begin_array();
    for (const auto& p : c.corners)
      w.begin_array().number(std::lround(p.x)).number(std::lround(p.y)).end_array();
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace

int cmd_scan(const std::vector<std::string>& words) {
  auto a = parse_args(words, {}, {"json"});
  if (!a) return usage_error(a.error());
  if (a->positional.empty()) return usage_error("scan needs at least one IMAGE");
  bool as_json = a->has("json");
  int status = 0;
  for (const std::string& path : a->positional) {
    auto image = read_image_file(path);
    std::string why;
    std::vector<scan::Code> codes;
    if (image) {
      auto report = scan_image(image->view());
      if (report)
        codes = std::move(report->codes);
      else
        why = report.error();
    } else {
      why = image.error();
    }
    if (!why.empty()) {
      std::cerr << "kioskctl: " << path << ": " << why << "\n";
      if (as_json) std::cout << error_json(path, why) << "\n";
      status = 1;
      continue;
    }
    if (as_json) {
      std::cout << codes_json(path, codes) << "\n";
    } else {
      for (const auto& c : codes)
        std::cout << c.text << "\n";
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace kiosk::ctl
