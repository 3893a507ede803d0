#include "app/places.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

namespace kiosk {
namespace {

constexpr std::size_t kMaxTable = 1u << 20;

// The provinces' common English names (GB/T 2260's first two digits).
constexpr std::array<std::pair<std::string_view, std::string_view>, 31> kProvinceEn{{
    {"11", "Beijing"},        {"12", "Tianjin"},   {"13", "Hebei"},     {"14", "Shanxi"},
    {"15", "Inner Mongolia"}, {"21", "Liaoning"},  {"22", "Jilin"},     {"23", "Heilongjiang"},
    {"31", "Shanghai"},       {"32", "Jiangsu"},   {"33", "Zhejiang"},  {"34", "Anhui"},
    {"35", "Fujian"},         {"36", "Jiangxi"},   {"37", "Shandong"},  {"41", "Henan"},
    {"42", "Hubei"},          {"43", "Hunan"},     {"44", "Guangdong"}, {"45", "Guangxi"},
    {"46", "Hainan"},         {"50", "Chongqing"}, {"51", "Sichuan"},   {"52", "Guizhou"},
    {"53", "Yunnan"},         {"54", "Tibet"},     {"61", "Shaanxi"},   {"62", "Gansu"},
    {"63", "Qinghai"},        {"64", "Ningxia"},   {"65", "Xinjiang"},
}};

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One CSV row: fields split on commas; a field in double quotes may hold commas ("" is a quote).
std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

Result<bool, std::string> read_table(std::string_view file, std::string_view text,
                                     std::size_t code_len,
                                     std::map<std::string, std::string, std::less<>>& names) {
  if (text.size() > kMaxTable) return Unexpected{std::string(file) + ": larger than 1 MiB"};
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line_no == 1 || line.empty() || line == "\r") continue;  // the header
    auto f = fields(line);
    if (f.size() < 2 || f[0].size() != code_len || !digits(f[0]) || f[1].empty())
      return Unexpected{std::string(file) + ":" + std::to_string(line_no) + ": not a " +
                        std::to_string(code_len) + "-digit code with a name"};
    names[f[0]] = f[1];
  }
  return true;
}

// "市辖区" (the districts of a municipality) and "县" (its counties) name no place of their own.
bool placeholder(std::string_view city) {
  return city == "市辖区" || city == "县" || city == "省直辖县级行政区划" ||
         city == "自治区直辖县级行政区划";
}

}  // namespace

Result<Places, std::string> Places::parse(std::string_view provinces, std::string_view cities,
                                          std::string_view areas) {
  Places p;
  for (auto [file, text, len] :
       {std::tuple{"provinces.csv", provinces, 2u}, std::tuple{"cities.csv", cities, 4u},
        std::tuple{"areas.csv", areas, 6u}}) {
    auto r = read_table(file, text, len, p.names_);
    if (!r) return Unexpected{r.error()};
  }
  return p;
}

std::optional<std::string> Places::place(std::string_view code, Language lang) const {
  if (!digits(code) || code.size() > 6 || code.size() % 2 != 0) return std::nullopt;
  std::string c(code);
  // 310000 is the province, 440300 the city: trailing pairs of zeros stand for "all of it".
  while (c.size() > 2 && c.compare(c.size() - 2, 2, "00") == 0)
    c.resize(c.size() - 2);
  auto find = [&](std::string_view k) -> const std::string* {
    auto it = names_.find(k);
    return it == names_.end() ? nullptr : &it->second;
  };
  const std::string* prov = find(c.substr(0, 2));
  if (!prov) return std::nullopt;
  std::string out = *prov;
  if (c.size() >= 4) {
    const std::string* city = find(c.substr(0, 4));
    if (!city) return std::nullopt;
    if (!placeholder(*city)) out += *city;
  }
  if (c.size() == 6) {
    const std::string* area = find(c);
    if (!area) return std::nullopt;
    out += *area;
  }
  if (lang == Language::kEn) {
    for (const auto& [k, en] : kProvinceEn)
      if (k == c.substr(0, 2)) out += " (" + std::string(en) + ")";
  }
  return out;
}

std::string Places::place_or_code(std::string_view code, Language lang) const {
  auto p = place(code, lang);
  return p ? *p : std::string(code);
}

std::string Places::issuer(std::string_view iss, Language lang) const {
  if (iss == "CN-MOHRSS")
    return lang == Language::kZh ? "人力资源和社会保障部（国家）"
                                 : "Ministry of Human Resources and Social Security (national)";
  if (iss.size() != 9 || iss.substr(0, 3) != "CN-") return std::string(iss);
  auto p = place(iss.substr(3), lang);
  if (!p) return std::string(iss);
  if (lang == Language::kZh) return *p + "外国人工作管理部门";
  return "Foreign work permit authority, " + *p;
}

}  // namespace kiosk
