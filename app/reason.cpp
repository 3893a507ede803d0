#include "app/reason.h"

#include <array>

namespace kiosk {
namespace {

struct ReasonInfo {
  std::string_view name;
  Outcome outcome;
  std::string_view en;
  std::string_view zh;
};

constexpr std::array<ReasonInfo, kReasonCount> kReasons{{
    {"MALFORMED", Outcome::kReject, "The code could not be read as a work-permit credential.",
     "无法识别为工作许可凭证（格式错误）。"},
    {"UNSUPPORTED", Outcome::kReject,
     "The credential uses a version or algorithm this kiosk does not support.",
     "凭证的版本或算法不受本终端支持。"},
    {"WRONG_CARRIER", Outcome::kReject,
     "This document was presented through a carrier it may not use (for example a copied e-card).",
     "该证件的载体不符合规定（例如复制的电子社保卡）。"},
    {"UNKNOWN_KEY", Outcome::kReject, "Signed by a key that is not in the trusted key set.",
     "签发密钥不在受信任的密钥列表中。"},
    {"BAD_SIGNATURE", Outcome::kReject,
     "The issuer's signature does not verify: the content was altered or forged.",
     "签发机关签名验证失败：内容被篡改或伪造。"},
    {"KEY_REVOKED", Outcome::kReject, "The signing key has been revoked as compromised.",
     "签发密钥已被吊销（已泄露）。"},
    {"KEY_NOT_VALID_AT_ISSUE", Outcome::kReject,
     "The credential was issued outside the signing key's validity period.",
     "凭证签发时间不在签发密钥的有效期内。"},
    {"KEY_SCOPE", Outcome::kReject, "The signing key may not sign this document, region or issuer.",
     "签发密钥无权签发该类证件、地区或签发机关的凭证。"},
    {"HOLDER_BINDING_FAILED", Outcome::kReject,
     "The phone or chip could not prove it belongs to the holder (copy or clone).",
     "手机或芯片无法证明属于持证人（复制件或克隆卡）。"},
    {"PRESENTATION_EXPIRED", Outcome::kReject,
     "The QR code is too old: a screenshot or a photo. Ask for the live code.",
     "二维码已过期（截图或照片），请出示实时二维码。"},
    {"PRESENTATION_NOT_YET_VALID", Outcome::kReject,
     "The QR code is dated in the future: the phone's clock is wrong.",
     "二维码时间晚于当前时间：手机时钟不正确。"},
    {"CREDENTIAL_EXPIRED", Outcome::kReject, "The work permit credential has expired.",
     "工作许可凭证已过期。"},
    {"CREDENTIAL_NOT_YET_VALID", Outcome::kReject, "The work permit credential is not yet valid.",
     "工作许可凭证尚未生效。"},
    {"CREDENTIAL_REVOKED", Outcome::kReject, "The issuer has revoked this credential.",
     "签发机关已注销该凭证。"},
    {"KEYSET_MISSING", Outcome::kReview,
     "No trusted key set is installed: nothing can be verified. Install the trust update.",
     "未安装受信任密钥列表，无法验证。请安装信任更新。"},
    {"KEYSET_EXPIRED", Outcome::kReview,
     "The trusted key set has expired: install the current trust update.",
     "受信任密钥列表已过期，请安装最新信任更新。"},
    {"STATUS_UNKNOWN", Outcome::kReview,
     "Revocation status cannot be checked: no current status list for this issuer.",
     "无法核查注销状态：缺少该签发机关的有效状态列表。"},
    {"JURISDICTION_MISMATCH", Outcome::kReview,
     "The work location is outside this office's jurisdiction.",
     "工作地点不属于本出入境管理部门管辖范围。"},
    {"CLOCK_UNTRUSTED", Outcome::kReview,
     "The kiosk clock is earlier than trusted data: check the time.",
     "终端时钟早于可信数据时间，请核对时间。"},
}};

}  // namespace

std::string_view name(Reason r) {
  return kReasons[static_cast<std::size_t>(r)].name;
}

std::optional<Reason> reason_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i].name == s) return static_cast<Reason>(i);
  }
  return std::nullopt;
}

Outcome outcome_of(Reason r) {
  return kReasons[static_cast<std::size_t>(r)].outcome;
}

std::string_view text(Reason r, Language lang) {
  const auto& info = kReasons[static_cast<std::size_t>(r)];
  return lang == Language::kZh ? info.zh : info.en;
}

std::string_view name(Outcome o) {
  switch (o) {
    case Outcome::kAccept:
      return "ACCEPT";
    case Outcome::kReview:
      return "REVIEW";
    case Outcome::kReject:
      return "REJECT";
  }
  return "REJECT";
}

std::string_view name(Document d) {
  switch (d) {
    case Document::kESsc:
      return "E_SSC";
    case Document::kWpnl:
      return "WPNL";
    case Document::kWpCard:
      return "WP_CARD";
    case Document::kSscChip:
      return "SSC_CHIP";
    case Document::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string_view text(Document d, Language lang) {
  bool zh = lang == Language::kZh;
  switch (d) {
    case Document::kESsc:
      return zh ? "电子社保卡（含工作许可）"
                : "Electronic social security card (e-card) with work permit";
    case Document::kWpnl:
      return zh ? "外国人工作许可通知" : "Work Permit Notification Letter";
    case Document::kWpCard:
      return zh ? "外国人工作许可证（旧版卡）" : "Work permit card (issued before 2024-12-01)";
    case Document::kSscChip:
      return zh ? "社会保障卡芯片（含工作许可）" : "Social security card chip with work permit";
    case Document::kUnknown:
      break;
  }
  return zh ? "未知证件" : "Unknown document";
}

std::string_view text(Outcome o, Language lang) {
  bool zh = lang == Language::kZh;
  switch (o) {
    case Outcome::kAccept:
      return zh ? "通过" : "ACCEPT";
    case Outcome::kReview:
      return zh ? "人工核查" : "REVIEW";
    case Outcome::kReject:
      return zh ? "拒绝" : "REJECT";
  }
  return "";
}

std::string names(const std::vector<Reason>& reasons) {
  if (reasons.empty()) return "-";
  std::string s;
  for (Reason r : reasons) {
    if (!s.empty()) s += ',';
    s += name(r);
  }
  return s;
}

}  // namespace kiosk
