#include "app/mrz/cross_check.h"

#include <algorithm>
#include <string>
#include <vector>

#include "app/mrz/transliterate.h"

namespace kiosk::mrz {
namespace {

constexpr std::size_t kMaxCandidates = 256;

bool alnum_upper(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Every way of writing the components, words[first, last), joined by '<', each appended to `out`.
void spellings(const std::vector<Component>& words, std::size_t first, std::size_t last,
               std::vector<std::string>& out) {
  out = {""};
  for (std::size_t i = first; i < last; ++i) {
    std::vector<std::string> next;
    for (const auto& prefix : out) {
      for (const auto& w : words[i]) {
        if (next.size() >= kMaxCandidates) break;
        next.push_back(prefix + (i == first ? "" : "<") + w);
      }
    }
    out = std::move(next);
  }
}

std::string fit(std::string s) {
  s.resize(kTd3NameField, '<');
  return s;
}

}  // namespace

std::string_view name(FieldMatch m) {
  switch (m) {
    case FieldMatch::kMatch:
      return "match";
    case FieldMatch::kMismatch:
      return "mismatch";
    case FieldMatch::kNotComparable:
      return "not_comparable";
  }
  return "?";
}

std::string_view name(Overall o) {
  switch (o) {
    case Overall::kMatch:
      return "match";
    case Overall::kMismatch:
      return "mismatch";
    case Overall::kNotComparable:
      return "not_comparable";
    case Overall::kReadAgain:
      return "read_again";
  }
  return "?";
}

std::string_view text(Overall o, Language lang) {
  bool en = lang == Language::kEn;
  switch (o) {
    case Overall::kMatch:
      return en ? "Passport matches the work permit" : "护照与工作许可信息一致";
    case Overall::kMismatch:
      return en ? "Passport does NOT match the work permit" : "护照与工作许可信息不一致";
    case Overall::kNotComparable:
      return en ? "Passport not fully comparable: check by eye" : "护照无法完全比对：请人工核对";
    case Overall::kReadAgain:
      return en ? "Passport zone misread: read it again" : "护照机读区读取有误：请重新读取";
  }
  return "?";
}

FieldMatch match_passport_number(const Td3& zone, std::string_view ppn) {
  std::string p;
  for (char c : ppn) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!alnum_upper(c)) return FieldMatch::kNotComparable;
    p += c;
  }
  // TD3 holds nine characters; a longer number cannot be compared from the zone alone.
  if (p.empty() || p.size() > 9 || zone.document_number.empty()) return FieldMatch::kNotComparable;
  return p == zone.document_number ? FieldMatch::kMatch : FieldMatch::kMismatch;
}

FieldMatch match_birth(const Td3& zone, std::string_view dob) {
  // The zone has no century: the record's is as good as any, so compare YY, MM and DD.
  if (dob.size() != 10 || zone.birth.size() != 6) return FieldMatch::kNotComparable;
  const std::string& b = zone.birth;
  if (!std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return FieldMatch::kNotComparable;  // an unknown day or month is printed as fillers
  std::string want{dob.substr(2, 2)};
  want.append(dob.substr(5, 2)).append(dob.substr(8, 2));
  return want == b ? FieldMatch::kMatch : FieldMatch::kMismatch;
}

FieldMatch match_nationality(const Td3& zone, std::string_view nat) {
  // Germany writes D<< (ICAO 9303 part 3); every other state its alpha-3 code.
  std::string z = zone.nationality == "D" ? "DEU" : zone.nationality;
  if (z.size() != 3 || nat.size() != 3) return FieldMatch::kNotComparable;
  return z == nat ? FieldMatch::kMatch : FieldMatch::kMismatch;
}

FieldMatch match_name(const Td3& zone, std::string_view holder_name) {
  auto words = mrz_components(holder_name);
  if (!words || words->empty() || zone.surname.empty()) return FieldMatch::kNotComparable;
  const std::string& field = zone.name_field;
  // The record holds the name in one string, in the order the passport's visual zone gives it:
  // the surname may be its last words (Zoë Roy) or its first (ROY Zoë). Try each split, with
  // every spelling, written and truncated as the MRZ writes it.
  std::size_t n = words->size();
  std::vector<std::string> surnames, givens;
  for (std::size_t k = 1; k <= n; ++k) {
    for (bool surname_first : {false, true}) {
      std::size_t s0 = surname_first ? 0 : n - k, s1 = s0 + k;
      spellings(*words, s0, s1, surnames);
      if (surname_first) {
        spellings(*words, s1, n, givens);
      } else {
        spellings(*words, 0, s0, givens);
      }
      for (const auto& s : surnames)
        for (const auto& g : givens)
          if (fit(g.empty() ? s : s + "<<" + g) == field) return FieldMatch::kMatch;
    }
  }
  // A full field may have been truncated by an issuer's own rule (initials, dropped names):
  // the officer compares it by eye rather than being told of a mismatch that may not be one.
  // A field that ends in a letter, or in a single separator after one, may be cut.
  if (field[kTd3NameField - 1] != '<' || field[kTd3NameField - 2] != '<')
    return FieldMatch::kNotComparable;
  return FieldMatch::kMismatch;
}

CrossCheck cross_check(const Td3& zone, const HolderRecord* holder) {
  CrossCheck c;
  if (!zone.valid()) {
    c.overall = Overall::kReadAgain;
    return c;
  }
  if (!holder) return c;
  c.passport_number = match_passport_number(zone, holder->ppn);
  c.date_of_birth = match_birth(zone, holder->dob);
  c.nationality = match_nationality(zone, holder->nat);
  c.name = match_name(zone, holder->name);
  FieldMatch all[] = {c.passport_number, c.date_of_birth, c.nationality, c.name};
  if (std::any_of(std::begin(all), std::end(all),
                  [](FieldMatch m) { return m == FieldMatch::kMismatch; }))
    c.overall = Overall::kMismatch;
  else if (std::all_of(std::begin(all), std::end(all),
                       [](FieldMatch m) { return m == FieldMatch::kMatch; }))
    c.overall = Overall::kMatch;
  else
    c.overall = Overall::kNotComparable;
  return c;
}

std::string_view screen_tone(Outcome verdict, Overall cross) {
  if (verdict == Outcome::kReject || cross == Overall::kMismatch) return "bad";
  if (verdict == Outcome::kAccept && cross == Overall::kMatch) return "ok";
  return "warn";
}

}  // namespace kiosk::mrz
