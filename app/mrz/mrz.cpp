#include "app/mrz/mrz.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace kiosk::mrz {
namespace {

bool mrz_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

bool all_mrz(std::string_view s) {
  return std::all_of(s.begin(), s.end(), mrz_char);
}

std::string drop_fillers(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '<')
    out.pop_back();
  std::replace(out.begin(), out.end(), '<', ' ');
  return out;
}

std::string fillers_to_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '<') {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

bool digit_holds(std::string_view field, char printed, bool filler_allowed = false) {
  auto d = check_digit(field);
  // ICAO 9303 part 4: an optional-data field of fillers may carry '<' as its check digit.
  if (printed == '<')
    return filler_allowed &&
           std::all_of(field.begin(), field.end(), [](char c) { return c == '<'; });
  return d && *d == printed;
}

// Splits on line breaks and spaces; empty pieces are dropped.
std::vector<std::string_view> pieces(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < 8) {
    while (i < text.size() &&
           (text[i] == '\n' || text[i] == '\r' || text[i] == ' ' || text[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != '\n' && text[j] != '\r' && text[j] != ' ' &&
           text[j] != '\t')
      ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// Days since 1970-01-01 to the civil year (H. Hinnant's algorithm, year part only).
int civil_year(std::int64_t epoch) {
  std::int64_t z = (epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400) + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

struct Ymd {
  int yy, mm, dd;
};

std::optional<Ymd> yymmdd(std::string_view s) {
  if (s.size() != 6 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto two = [&](std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  Ymd d{two(0), two(2), two(4)};
  if (d.mm < 1 || d.mm > 12 || d.dd < 1 || d.dd > 31) return std::nullopt;
  return d;
}

std::string format(int year, const Ymd& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, d.mm, d.dd);
  return buf;
}

}  // namespace

std::string_view name(MrzError e) {
  switch (e) {
    case MrzError::kNotMrz:
      return "NOT_MRZ";
    case MrzError::kTd1Card:
      return "TD1_CARD";
    case MrzError::kTd2Card:
      return "TD2_CARD";
    case MrzError::kNotPassport:
      return "NOT_PASSPORT";
  }
  return "?";
}

bool Td3::valid() const {
  return std::all_of(checks.begin(), checks.end(), [](bool b) { return b; });
}

std::optional<char> check_digit(std::string_view field) {
  static constexpr int kWeights[3] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    int v = 0;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
    } else if (c != '<') {
      return std::nullopt;
    }
    sum = (sum + v * kWeights[i % 3]) % 10;
  }
  return static_cast<char>('0' + sum);
}

Result<Td3, MrzError> parse(std::string_view text) {
  if (text.size() > 512) return Unexpected{MrzError::kNotMrz};
  auto p = pieces(text);
  std::string l1, l2;
  if (p.size() == 2 && p[0].size() == kTd3Line && p[1].size() == kTd3Line) {
    l1 = p[0];
    l2 = p[1];
  } else if (p.size() == 1 && p[0].size() == 2 * kTd3Line) {
    l1 = p[0].substr(0, kTd3Line);
    l2 = p[0].substr(kTd3Line);
  } else if (p.size() == 3 && p[0].size() == 30 && p[1].size() == 30 && p[2].size() == 30 &&
             all_mrz(p[0]) && all_mrz(p[1]) && all_mrz(p[2])) {
    return Unexpected{MrzError::kTd1Card};
  } else if (p.size() == 2 && p[0].size() == 36 && p[1].size() == 36 && all_mrz(p[0]) &&
             all_mrz(p[1])) {
    return Unexpected{MrzError::kTd2Card};
  } else {
    return Unexpected{MrzError::kNotMrz};
  }
  if (!all_mrz(l1) || !all_mrz(l2)) return Unexpected{MrzError::kNotMrz};
  if (l1[0] != 'P') return Unexpected{MrzError::kNotPassport};

  Td3 m;
  m.lines = {l1, l2};
  std::string_view a = m.lines[0], b = m.lines[1];
  m.document_code = drop_fillers(a.substr(0, 2));
  m.issuing_state = a.substr(2, 3);
  m.name_field = a.substr(5, kTd3NameField);
  std::string_view name_field = m.name_field;
  std::size_t split = name_field.find("<<");
  m.surname = fillers_to_spaces(name_field.substr(0, split));
  if (split != std::string_view::npos)
    m.given_names = fillers_to_spaces(name_field.substr(split + 2));
  m.document_number = drop_fillers(b.substr(0, 9));
  m.nationality = drop_fillers(b.substr(10, 3));
  m.birth = b.substr(13, 6);
  m.sex = b[20];
  m.expiry = b.substr(21, 6);
  m.optional_data = drop_fillers(b.substr(28, 14));
  m.checks[static_cast<int>(Check::kDocumentNumber)] = digit_holds(b.substr(0, 9), b[9]);
  m.checks[static_cast<int>(Check::kBirth)] = digit_holds(b.substr(13, 6), b[19]);
  m.checks[static_cast<int>(Check::kExpiry)] = digit_holds(b.substr(21, 6), b[27]);
  m.checks[static_cast<int>(Check::kOptional)] = digit_holds(b.substr(28, 14), b[42], true);
  std::string composite;
  composite.append(b.substr(0, 10)).append(b.substr(13, 7)).append(b.substr(21, 22));
  m.checks[static_cast<int>(Check::kComposite)] = digit_holds(composite, b[43]);
  // A sex outside M, F, '<' is not a TD3 zone read right.
  if (m.sex != 'M' && m.sex != 'F' && m.sex != '<')
    m.checks[static_cast<int>(Check::kComposite)] = false;
  return m;
}

std::array<std::string, 2> compose(const Td3Fields& f) {
  auto field = [](std::string s, std::size_t width) {
    std::replace(s.begin(), s.end(), ' ', '<');
    s.resize(width, '<');
    return s;
  };
  std::string l1 = "P<" + field(f.issuing_state, 3);
  std::string name = field(f.surname, kTd3NameField);
  if (!f.given_names.empty())
    name = field(field(f.surname, f.surname.size()) + "<<" + f.given_names, kTd3NameField);
  l1 += name;
  std::string doc = field(f.document_number, 9);
  std::string birth = field(f.birth, 6), expiry = field(f.expiry, 6),
              opt = field(f.optional_data, 14);
  std::string l2 = doc + check_digit(doc).value_or('<') + field(f.nationality, 3) + birth +
                   check_digit(birth).value_or('<') + std::string(1, f.sex) + expiry +
                   check_digit(expiry).value_or('<') + opt + check_digit(opt).value_or('<');
  std::string composite;
  composite.append(l2.substr(0, 10)).append(l2.substr(13, 7)).append(l2.substr(21, 22));
  l2 += check_digit(composite).value_or('<');
  return {l1, l2};
}

std::optional<std::string> birth_date(std::string_view s, std::int64_t now) {
  auto d = yymmdd(s);
  if (!d) return std::nullopt;
  int year_now = civil_year(now);
  int year = (year_now / 100) * 100 + d->yy;
  if (year > year_now) year -= 100;
  // The same year as today but a later day is still the future: at most a day's doubt, and a
  // birth date is compared with the credential's full date anyway.
  return format(year, *d);
}

std::optional<std::string> expiry_date(std::string_view s, std::int64_t now) {
  auto d = yymmdd(s);
  if (!d) return std::nullopt;
  int year_now = civil_year(now);
  int year = (year_now / 100) * 100 + d->yy;
  if (year > year_now + 50) year -= 100;
  if (year < year_now - 50) year += 100;
  return format(year, *d);
}

}  // namespace kiosk::mrz
