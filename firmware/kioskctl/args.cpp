#include "firmware/kioskctl/args.h"

#include <charconv>
#include <chrono>
#include <iostream>

namespace kiosk::ctl {

Result<Args, std::string> parse_args(const std::vector<std::string>& words,
                                     const std::set<std::string>& with_value,
                                     const std::set<std::string>& switches) {
  Args a;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 2 && w.starts_with("--")) {
      std::string name = w.substr(2);
      std::string value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (with_value.count(name)) {
        if (!inline_value) {
          if (i + 1 >= words.size()) return Unexpected{"--" + name + " needs a value"};
          value = words[++i];
        }
        if (a.options.count(name)) return Unexpected{"--" + name + " given twice"};
        a.options[name] = value;
      } else if (switches.count(name) && !inline_value) {
        a.flags.insert(name);
      } else {
        return Unexpected{"unknown option --" + name};
      }
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Result<std::int64_t, std::string> now_from(const Args& a) {
  if (const std::string* n = a.get("now")) {
    auto v = parse_int(*n);
    if (!v || *v < 0) return Unexpected{"--now takes epoch seconds, got '" + *n + "'"};
    return *v;
  }
  return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
}

Result<std::vector<std::string>, std::string> parse_jurisdiction(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = s.find(',', start);
    std::string p = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool digits = !p.empty() && p.size() <= 6;
    for (char c : p)
      digits = digits && c >= '0' && c <= '9';
    if (!digits)
      return Unexpected{"--jurisdiction takes GB/T 2260 prefixes like 3101,4403; got '" + p + "'"};
    out.push_back(p);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int usage_error(const std::string& message) {
  std::cerr
      << "kioskctl: " << message << "\n"
      << "usage: kioskctl trust install --db FILE --anchors DIR [--now EPOCH] PATH...\n"
      << "       kioskctl trust show --db FILE\n"
      << "       kioskctl verify --db FILE [--now EPOCH] [--jurisdiction P,...] "
         "(--qr TEXT | --qr-file FILE | --chip-file FILE)\n"
      << "       kioskctl scan [--json] IMAGE...\n"
      << "       kioskctl card --db FILE [--now EPOCH] [--jurisdiction P,...] [--reader NAME] "
         "[--wait SECONDS]\n";
  return 2;
}

}  // namespace kiosk::ctl
