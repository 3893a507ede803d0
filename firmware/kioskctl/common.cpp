#include "firmware/kioskctl/common.h"

#include <iostream>

#include "keys/store.h"

namespace kiosk::ctl {

Result<VerifyContext, int> open_verify_context(const Args& a) {
  VerifyContext ctx;
  const std::string* db = a.get("db");
  if (!db) return Unexpected{usage_error("--db FILE is required")};
  auto now = now_from(a);
  if (!now) return Unexpected{usage_error(now.error())};
  ctx.now = *now;
  if (const std::string* j = a.get("jurisdiction")) {
    auto p = parse_jurisdiction(*j);
    if (!p) return Unexpected{usage_error(p.error())};
    ctx.settings.jurisdiction = std::move(*p);
  }
  for (auto [opt, field] :
       {std::pair{"max-age", &ctx.settings.max_age}, std::pair{"skew", &ctx.settings.skew}}) {
    if (const std::string* s = a.get(opt)) {
      auto v = parse_int(*s);
      if (!v || *v < 0 || *v > 86400)
        return Unexpected{usage_error(std::string("--") + opt + " takes 0 to 86400 seconds")};
      *field = *v;
    }
  }
  auto store = open_store(*db);
  if (!store) return Unexpected{1};
  auto snap = read_snapshot(*store);
  if (!snap) return Unexpected{1};
  ctx.trust = std::move(*snap);
  return ctx;
}

std::unique_ptr<keys::TrustStore> open_store(const std::string& db) {
  std::string notice;
  auto store = keys::TrustStore::open(db, &notice);
  if (!notice.empty()) std::cerr << "kioskctl: " << notice << "\n";
  if (!store) {
    std::cerr << "kioskctl: " << store.error().message << "\n";
    return nullptr;
  }
  return std::move(*store);
}

std::optional<TrustSnapshot> read_snapshot(keys::TrustStore& store) {
  auto snap = store.snapshot();
  if (!snap) {
    std::cerr << "kioskctl: " << snap.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*snap);
}

}  // namespace kiosk::ctl
