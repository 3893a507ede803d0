#include "firmware/kioskd/view_model.h"

#include "app/json.h"
#include "app/mrz/cross_check.h"
#include "app/purpose.h"
#include "app/verdict_json.h"
#include "firmware/kioskd/clock.h"

namespace kiosk::kioskd {
namespace {

std::int64_t clamp(std::uint64_t v) {
  return v > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(v);
}

std::string iso_date(std::int64_t epoch) {
  return iso_time(epoch).substr(0, 10);
}

// The officer reads dates, not instants, and sees every field of the record, empty or not.
constexpr HolderJsonStyle kOfficerHolder{
    .instant = &iso_date, .issued_at = false, .empty_employer_name = true};

void both(json::Writer& w, std::string_view key, std::string_view en, std::string_view zh) {
  w.key(key).begin_object().key("en").string(en).key("zh").string(zh).end_object();
}

void write_names(json::Writer& w, const Places* places, const HolderRecord& h) {
  for (Language l : {Language::kEn, Language::kZh}) {
    w.key(l == Language::kEn ? "en" : "zh").begin_object();
    w.key("work_location").string(places ? places->place_or_code(h.loc, l) : h.loc);
    w.key("issuer").string(places ? places->issuer(h.iss, l) : h.iss);
    w.end_object();
  }
}

void write_cross_check(json::Writer& w, const SessionEntry& e, const mrz::Td3& zone) {
  const Verdict& v = e.verdict;
  const HolderRecord* h =
      v.holder && v.issuer_kid && v.document != Document::kUnknown ? &*v.holder : nullptr;
  mrz::CrossCheck c = mrz::cross_check(zone, h);
  w.begin_object();
  w.key("overall").string(mrz::name(c.overall));
  w.key("tone").string(mrz::screen_tone(v.outcome, c.overall));
  both(w, "text", mrz::text(c.overall, Language::kEn), mrz::text(c.overall, Language::kZh));
  w.key("fields").begin_object();
  w.key("passport_number").string(mrz::name(c.passport_number));
  w.key("date_of_birth").string(mrz::name(c.date_of_birth));
  w.key("nationality").string(mrz::name(c.nationality));
  w.key("name").string(mrz::name(c.name));
  w.end_object();
  w.end_object();
}

void write_entry(json::Writer& w, const SessionEntry& e, const KioskView& view) {
  const Verdict& v = e.verdict;
  const Config& c = *view.config;
  w.begin_object();
  w.key("id").number(static_cast<std::int64_t>(e.id));
  w.key("channel").string(name(e.channel));
  w.key("time").number(e.time);
  w.key("time_iso").string(iso_time(e.time));
  w.key("reads").number(e.reads);
  w.key("outcome").string(name(v.outcome));
  w.key("document").string(name(v.document));
  both(w, "outcome_text", text(v.outcome, Language::kEn), text(v.outcome, Language::kZh));
  both(w, "document_text", text(v.document, Language::kEn), text(v.document, Language::kZh));
  PurposeLine p = purpose_line(c.service, v.outcome, v.document);
  w.key("purpose").begin_object().key("tone").string(name(p.tone));
  w.key("en").string(p.en).key("zh").string(p.zh).end_object();
  w.key("replay").string(e.replay);
  const SessionEntry::Timing& t = e.timing;
  w.key("timing").begin_object();
  w.key("captured_us").number(t.captured).key("read_start_us").number(t.read_start);
  w.key("read_us").number(t.read).key("received_us").number(t.received);
  w.key("verified_us").number(t.verified).key("committed_us").number(t.committed);
  w.key("published_us").number(t.published);
  w.end_object();
  Freshness f = freshness(e, view.now, c.freshness_limit_hours * 3600);
  w.key("freshness").begin_object();
  w.key("keyset_age_s");
  f.keyset_age ? w.number(*f.keyset_age) : w.null();
  w.key("status_age_s");
  f.status_age ? w.number(*f.status_age) : w.null();
  w.key("stale").boolean(f.stale);
  w.key("limit_h").number(c.freshness_limit_hours);
  w.key("next_update_iso");
  view.next_update ? w.string(iso_time(*view.next_update)) : w.null();
  w.end_object();
  w.key("cross_check");
  // An unidentified document has nothing to compare with the passport: no check is shown for it.
  if (view.session->passport() && v.document != Document::kUnknown) {
    write_cross_check(w, e, *view.session->passport());
  } else {
    w.null();
  }
  w.key("reasons");
  write_messages(w, v.reasons);
  w.key("holder");
  // Nothing from an unverified payload is shown as fact (spec section 8, step 3).
  if (v.holder && v.document != Document::kUnknown && v.issuer_kid) {
    write_holder(w, *v.holder, kOfficerHolder);
  } else {
    w.null();
  }
  w.key("audit_seq");
  if (e.audit_seq) {
    w.number(static_cast<std::int64_t>(*e.audit_seq));
  } else {
    w.null();
  }
  w.key("audit_error").string(e.audit_error);
  // Places and issuers by name, beside the record (which stays as the credential says).
  w.key("names");
  if (v.holder && v.document != Document::kUnknown && v.issuer_kid) {
    w.begin_object();
    write_names(w, view.places, *v.holder);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

}  // namespace

Freshness freshness(const SessionEntry& e, std::int64_t now, std::int64_t limit_s) {
  Freshness f;
  if (e.keyset_iat > 0) f.keyset_age = now - e.keyset_iat;
  if (e.status_iat > 0) f.status_age = now - e.status_iat;
  f.stale = (f.keyset_age && *f.keyset_age > limit_s) || (f.status_age && *f.status_age > limit_s);
  return f;
}

std::string trust_warning(const TrustSnapshot& t, std::int64_t now, std::int64_t warn_days) {
  if (!t.keyset) return "missing";
  std::int64_t exp = clamp(t.keyset->exp);
  if (exp <= now) return "expired";
  if (exp - now <= warn_days * 86400) return "expiring";
  return "none";
}

ApplicantNext applicant_next(const Verdict& v) {
  if (v.outcome == Outcome::kAccept) return ApplicantNext::kGoToCounter;
  bool unreadable_or_stale = !v.reasons.empty();
  for (Reason r : v.reasons) {
    if (r != Reason::kMalformed && r != Reason::kPresentationExpired &&
        r != Reason::kPresentationNotYetValid)
      unreadable_or_stale = false;
  }
  return unreadable_or_stale ? ApplicantNext::kPresentAnother : ApplicantNext::kGoToCounter;
}

std::string officer_json(const KioskView& v) {
  const Config& c = *v.config;
  json::Writer w;
  w.begin_object();
  w.key("type").string("officer");
  w.key("kiosk").string(c.kiosk_id);
  w.key("mode").string(c.mode == Mode::kCounter ? "counter" : "self-service");
  w.key("now").number(v.now);
  w.key("now_iso").string(iso_time(v.now));
  w.key("session").begin_object();
  w.key("number").number(static_cast<std::int64_t>(v.session->number()));
  w.key("active").boolean(v.session->active());
  w.key("focus").number(static_cast<std::int64_t>(v.session->focus()));
  w.key("entries").begin_array();
  for (const auto& e : v.session->entries())
    write_entry(w, e, v);
  w.end_array();
  w.key("passport");
  if (const auto& z = v.session->passport()) {
    w.begin_object();
    w.key("valid").boolean(z->valid());
    w.key("document_number").string(z->document_number);
    w.key("surname").string(z->surname);
    w.key("given_names").string(z->given_names);
    w.key("nationality").string(z->nationality);
    w.key("birth").string(z->birth);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  w.key("service").begin_object();
  w.key("name").string(name(c.service));
  w.key("en")
      .string(text(c.service, Language::kEn))
      .key("zh")
      .string(text(c.service, Language::kZh));
  w.end_object();

  const TrustSnapshot& t = *v.trust;
  w.key("trust").begin_object();
  w.key("installed").boolean(t.keyset.has_value());
  if (t.keyset) {
    w.key("seq").number(clamp(t.keyset->seq));
    w.key("iat").number(clamp(t.keyset->iat));
    w.key("exp").number(clamp(t.keyset->exp));
    w.key("iat_iso").string(iso_time(clamp(t.keyset->iat)));
    w.key("exp_iso").string(iso_time(clamp(t.keyset->exp)));
    w.key("age_s").number(v.now - clamp(t.keyset->iat));
    w.key("expires_in_s").number(clamp(t.keyset->exp) - v.now);
    w.key("keys").number(static_cast<std::int64_t>(t.keyset->keys.size()));
  }
  w.key("warning").string(trust_warning(t, v.now, c.expiry_warning_days));
  w.key("time_floor").number(t.time_floor);
  w.key("clock_untrusted").boolean(v.now < t.time_floor);
  w.key("status_lists").begin_array();
  for (const auto& [iss, list] : t.status) {
    w.begin_object();
    w.key("iss").string(iss);
    if (v.places) {
      w.key("issuer_en").string(v.places->issuer(iss, Language::kEn));
      w.key("issuer_zh").string(v.places->issuer(iss, Language::kZh));
    }
    w.key("seq").number(clamp(list.seq));
    w.key("iat_iso").string(iso_time(clamp(list.iat)));
    w.key("age_s").number(v.now - clamp(list.iat));
    w.key("exp_iso").string(iso_time(clamp(list.exp)));
    w.key("expired").boolean(clamp(list.exp) <= v.now);
    w.end_object();
  }
  w.end_array();
  w.key("last_update");
  if (v.last_update) {
    const UpdateReport& u = *v.last_update;
    w.begin_object();
    w.key("time_iso").string(iso_time(u.time));
    w.key("source").string(u.source);
    w.key("error").string(u.error);
    w.key("results").begin_array();
    for (const auto& [file, result] : u.results)
      w.begin_object().key("file").string(file).key("result").string(result).end_object();
    w.end_array();
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();

  w.key("devices").begin_array();
  for (const auto& d : v.devices) {
    w.begin_object();
    w.key("device").string(d.device);
    w.key("state").string(drivers::name(d.state));
    w.key("detail").string(d.detail);
    w.end_object();
  }
  w.end_array();
  w.key("today").begin_object();
  for (std::string_view o : {"ACCEPT", "REVIEW", "REJECT"}) {
    auto it = v.today.find(std::string(o));
    w.key(o).number(it == v.today.end() ? 0 : static_cast<std::int64_t>(it->second));
  }
  w.end_object();
  w.key("audit").begin_object();
  w.key("writable").boolean(v.audit.writable);
  w.key("chain_intact").boolean(v.audit.chain_intact);
  w.key("message").string(v.audit.message);
  w.key("last_seq").number(static_cast<std::int64_t>(v.audit.last_seq));
  w.key("forwarded_seq").number(static_cast<std::int64_t>(v.audit.forwarded_seq));
  w.key("forward_error").string(v.audit.forward_error);
  w.key("alarm").string(v.audit.alarm);
  w.key("checkpoint").string(v.audit.checkpoint);
  w.end_object();
  w.end_object();
  return w.take();
}

std::string self_json(const KioskView& v) {
  json::Writer w;
  w.begin_object();
  w.key("type").string("self");
  w.key("session").number(static_cast<std::int64_t>(v.session->number()));
  const auto& entries = v.session->entries();
  w.key("phase").string(entries.empty() ? "idle" : "done");
  w.key("documents").number(static_cast<std::int64_t>(entries.size()));
  w.key("next");
  if (entries.empty()) {
    w.null();
  } else {
    // Any document that sends the applicant to the counter does; otherwise ask for another.
    bool counter = false;
    for (const auto& e : entries)
      counter = counter || applicant_next(e.verdict) == ApplicantNext::kGoToCounter;
    w.string(counter ? "counter" : "another");
  }
  // The sound cue of the newest verdict: accepted, go to the counter (the officer decides), or
  // present another document. The applicant hears what the screen says; no reason is in it.
  // The newest verdict is the entry with the highest id (a redrawn e-card replaces its entry).
  const SessionEntry* newest = nullptr;
  for (const auto& e : entries)
    if (!newest || e.id > newest->id) newest = &e;
  w.key("verdict").number(newest ? static_cast<std::int64_t>(newest->id) : 0);
  w.key("cue");
  if (!newest) {
    w.null();
  } else {
    const Verdict& last = newest->verdict;
    w.string(last.outcome == Outcome::kAccept                      ? "accept"
             : applicant_next(last) == ApplicantNext::kGoToCounter ? "counter"
                                                                   : "another");
  }
  bool devices_ok = false;
  for (const auto& d : v.devices)
    devices_ok = devices_ok || d.state == drivers::DeviceState::kReady;
  w.key("ready").boolean(devices_ok);
  // While nothing is read yet: what the camera sees the applicant should do.
  w.key("coach").string(entries.empty() ? name(v.advice) : "none");
  w.end_object();
  return w.take();
}

}  // namespace kiosk::kioskd
