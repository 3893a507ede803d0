#include "app/purpose.h"

namespace kiosk {

std::string_view name(CounterService s) {
  return s == CounterService::kResidencePermit ? "residence-permit" : "work-permit-check";
}

std::optional<CounterService> counter_service_from_name(std::string_view s) {
  if (s == "residence-permit") return CounterService::kResidencePermit;
  if (s == "work-permit-check") return CounterService::kWorkPermitCheck;
  return std::nullopt;
}

std::string_view text(CounterService s, Language lang) {
  bool en = lang == Language::kEn;
  if (s == CounterService::kResidencePermit)
    return en ? "Residence permit application" : "居留许可申请";
  return en ? "Work permit check" : "工作许可核验";
}

std::string_view name(Tone t) {
  switch (t) {
    case Tone::kOk:
      return "ok";
    case Tone::kWarn:
      return "warn";
    case Tone::kBad:
      return "bad";
  }
  return "bad";
}

PurposeLine purpose_line(CounterService service, Outcome outcome, Document document) {
  // A code that names no known document, or whose document could not be read or verified, is
  // not a document: nothing shown from it may be taken as fact, whatever its outcome.
  if (document == Document::kUnknown)
    return {outcome == Outcome::kReview ? Tone::kWarn : Tone::kBad, std::string(kUnknownEn),
            std::string(kUnknownZh)};
  std::string doc_en(text(document, Language::kEn)), doc_zh(text(document, Language::kZh));
  if (outcome == Outcome::kReject)
    return {Tone::kBad, "Rejected: do not rely on this " + doc_en + " (reasons below)",
            "不予认可：不能依据此" + doc_zh + "（原因见下）"};
  if (outcome == Outcome::kReview)
    return {Tone::kWarn,
            "Needs your review: " + doc_en + " verified with reservations (reasons below)",
            "需人工审核：" + doc_zh + "核验有保留（原因见下）"};
  if (document == Document::kWpCard) {
    if (service == CounterService::kResidencePermit)
      return {Tone::kWarn,
              "Valid work permit (legacy WP card), but not a document the residence-permit "
              "procedure names (e-card or notification letter): your decision",
              "工作许可有效（旧版工作许可证），但不是居留许可申请所列证件（电子社保卡或工作许可"
              "通知）：请民警决定"};
    return {Tone::kOk,
            "Valid work permit (legacy WP card, valid until its next extension or amendment)",
            "工作许可有效（旧版工作许可证，有效至下次延期或变更）"};
  }
  if (service == CounterService::kResidencePermit)
    return {Tone::kOk, doc_en + " verified: a document the residence-permit procedure names",
            doc_zh + "已核验：属于居留许可申请所列证件"};
  return {Tone::kOk, "Valid work permit: " + doc_en + " verified",
          "工作许可有效：" + doc_zh + "已核验"};
}

}  // namespace kiosk
