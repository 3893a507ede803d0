#include "app/verdict_json.h"

#include <algorithm>

namespace kiosk {
namespace {

void write_instant(json::Writer& w, std::uint64_t t, const HolderJsonStyle& style) {
  auto clamped = static_cast<std::int64_t>(std::min<std::uint64_t>(t, INT64_MAX));
  if (style.instant) {
    w.string(style.instant(clamped));
  } else {
    w.number(clamped);
  }
}

}  // namespace

void write_holder(json::Writer& w, const HolderRecord& h, const HolderJsonStyle& style) {
  w.begin_object();
  w.key("name").string(h.name);
  w.key("nationality").string(h.nat);
  w.key("date_of_birth").string(h.dob);
  w.key("passport_number").string(h.ppn);
  w.key("work_permit_number").string(h.wpn);
  if (h.ssn) w.key("social_security_number").string(*h.ssn);
  if (h.cat) w.key("category").string(std::string(1, *h.cat));
  w.key("employer_uscc").string(h.uscc);
  if (h.empn || style.empty_employer_name) w.key("employer_name").string(h.empn.value_or(""));
  w.key("work_location").string(h.loc);
  w.key("issuer").string(h.iss);
  write_instant(w.key("valid_from"), h.nbf, style);
  write_instant(w.key("valid_until"), h.exp, style);
  if (style.issued_at) write_instant(w.key("issued_at"), h.iat, style);
  w.end_object();
}

void write_messages(json::Writer& w, const std::vector<Reason>& reasons) {
  w.begin_array();
  for (Reason r : reasons) {
    w.begin_object();
    w.key("code").string(name(r));
    w.key("en").string(text(r, Language::kEn));
    w.key("zh").string(text(r, Language::kZh));
    w.end_object();
  }
  w.end_array();
}

}  // namespace kiosk
