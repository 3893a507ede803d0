// The officer's screen: renders the kiosk's state messages, live over the WebSocket /ws (which,
// like every officer URL, needs the session cookie of a signed-in officer). Built with DOM calls
// and textContent only: credential text is never parsed as HTML.
"use strict";
(function () {
  const I18N = window.KIOSK_I18N;
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang") || localStorage.getItem("kiosk.lang") || "zh";
  if (!I18N[lang]) lang = "zh";
  let state = window.KIOSK_STATE || null;
  let ws = null;
  const SYMBOL = { ACCEPT: "✓", REVIEW: "!", REJECT: "✗" };
  const HOLDER_FIELDS = ["name", "nationality", "date_of_birth", "passport_number",
    "work_permit_number", "social_security_number", "category", "employer_name",
    "employer_uscc", "work_location", "issuer"];

  function t(key) { return I18N[lang][key] || I18N.en[key] || key; }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function duration(s) {
    if (s < 0) s = -s;
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    return d > 0 ? d + " " + t("days") + " " + h + " " + t("hours") : h + " " + t("hours");
  }

  function renderIdle(box) {
    const v = el("div", "verdict idle");
    v.id = "verdict";
    v.setAttribute("data-outcome", "");
    v.setAttribute("data-document", "");
    v.appendChild(el("div", "banner", t("idle")));
    v.appendChild(el("p", "idle-sub", t("idle_sub")));
    box.appendChild(v);
  }

  function renderEntry(e, focused, count) {
    const card = el("article", "verdict " + e.outcome.toLowerCase() + (focused ? " focused" : ""));
    if (focused) card.id = "verdict";
    // Each card scrolls on its own: reachable by keyboard, named for a screen reader.
    card.tabIndex = 0;
    card.setAttribute("aria-label", e.outcome_text[lang] + " · " + e.document_text[lang]);
    card.setAttribute("data-outcome", e.outcome);
    card.setAttribute("data-document", e.document);
    card.setAttribute("data-entry", e.id);
    const banner = el("div", "banner");
    banner.appendChild(el("span", "symbol", SYMBOL[e.outcome] || "?"));
    banner.appendChild(el("span", "word", e.outcome_text[lang]));
    if (lang !== "en") banner.appendChild(el("span", "word-en", e.outcome));
    card.appendChild(banner);
    // An unidentified document must never look like one: its line says so plainly and nothing
    // from its payload (holder, places, passport check) is shown.
    const unknown = e.document === "UNKNOWN";
    if (unknown) card.classList.add("unknown-doc");
    if (e.purpose) {
      const pl = el("p", "purpose tone-" + e.purpose.tone + (unknown ? " unknown-note" : ""));
      pl.setAttribute("data-tone", e.purpose.tone);
      if (unknown) pl.setAttribute("data-unknown", "1");
      pl.appendChild(el("span", "purpose-icon", e.purpose.tone === "ok" ? "✓" : e.purpose.tone === "warn" ? "!" : "✗"));
      pl.appendChild(el("span", "", e.purpose[lang]));
      card.appendChild(pl);
    }
    if (e.replay) {
      const rp = el("p", "replay tone-warn", t("replay_" + e.replay));
      rp.setAttribute("data-replay", e.replay);
      card.appendChild(rp);
    }
    if (e.cross_check && !unknown) card.appendChild(renderCrossCheck(e.cross_check));
    if (e.freshness) card.appendChild(renderFreshness(e.freshness));

    const meta = el("dl", "meta");
    const add = (k, v) => { meta.appendChild(el("dt", "", t(k))); meta.appendChild(el("dd", "", v)); };
    add("document", e.document_text[lang] + " (" + e.document + ")");
    add("channel", t(e.channel) + (e.reads > 1 ? " · " + e.reads + " " + t("reads") : ""));
    add("time", localTime(e.time_iso, true));
    card.appendChild(meta);

    card.appendChild(el("h3", "", t("reasons")));
    const list = el("ul", "reasons");
    if (e.reasons.length === 0) list.appendChild(el("li", "ok", t("no_reasons")));
    for (const r of e.reasons) {
      const li = el("li", "reason");
      li.setAttribute("data-code", r.code);
      li.appendChild(el("span", "reason-text", r[lang]));
      li.appendChild(el("span", "code", r.code));
      list.appendChild(li);
    }
    card.appendChild(list);

    if (e.holder && !unknown) {
      card.appendChild(el("h3", "", t("holder")));
      const h = el("dl", "holder" + (count > 1 ? " compact" : ""));
      for (const f of HOLDER_FIELDS) {
        if (e.holder[f] === undefined || e.holder[f] === "") continue;
        h.appendChild(el("dt", "", t(f)));
        let v = e.holder[f];
        // Places and issuers by name; the code stays beside them for the record.
        if (e.names && (f === "work_location" || f === "issuer")) {
          const named = e.names[lang][f];
          if (named && named !== v) v = named + " (" + v + ")";
        }
        if (f === "nationality") {
          const named = nationalityName(v);
          if (named) v = named + " (" + v + ")";
        }
        h.appendChild(el("dd", "", v));
      }
      h.appendChild(el("dt", "", t("validity")));
      h.appendChild(el("dd", "", e.holder.valid_from + " – " + e.holder.valid_until));
      card.appendChild(h);
    } else {
      card.appendChild(el("p", "holder-hidden", t(unknown ? "holder_hidden_unknown" : "holder_hidden")));
    }
    if (e.audit_seq === null) card.appendChild(el("p", "not-recorded", t("not_recorded") + ": " + e.audit_error));
    else card.appendChild(el("p", "recorded", t("recorded") + " #" + e.audit_seq));
    return card;
  }

  function ago(s) { return duration(s) + " " + t("ago"); }

  // A nationality code by name in the page's language (i18n.js: KIOSK_NATIONALITY); null when
  // unknown, and the code is shown alone.
  function nationalityName(code) {
    const n = window.KIOSK_NATIONALITY;
    if (!n) return null;
    if (n.special[code]) return n.special[code][lang];
    const a2 = n.alpha2[code];
    if (!a2 || typeof Intl.DisplayNames !== "function") return null;
    try {
      return new Intl.DisplayNames([lang === "zh" ? "zh-CN" : "en"], { type: "region" }).of(a2) || null;
    } catch (err) {
      return null;
    }
  }

  // A time in the counter's own time zone (the kiosk's, which Chromium takes from the system),
  // with the zone named: the officer never adds eight hours to a UTC time by hand.
  function localTime(iso, seconds) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    const opts = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
    if (seconds) opts.second = "2-digit";
    const p = {};
    for (const x of new Intl.DateTimeFormat("en-CA", opts).formatToParts(d)) p[x.type] = x.value;
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute +
      (seconds ? ":" + p.second : "") + " " + p.timeZoneName;
  }

  function renderFreshness(f) {
    const p = el("p", "freshness" + (f.stale ? " tone-warn stale" : ""));
    p.setAttribute("data-stale", f.stale ? "1" : "0");
    const parts = [];
    parts.push(t("keys_age") + " " + (f.keyset_age_s === null ? t("none") : ago(f.keyset_age_s)));
    parts.push(t("status_age") + " " + (f.status_age_s === null ? t("none") : ago(f.status_age_s)));
    if (f.next_update_iso) parts.push(t("next_update") + " " + localTime(f.next_update_iso, false));
    p.textContent = (f.stale ? "! " + t("stale") + " (> " + f.limit_h + " " + t("hours") + "): " : t("checked_against") + ": ") + parts.join(" · ");
    return p;
  }

  function renderCrossCheck(c) {
    const box = el("section", "cross tone-" + c.tone);
    box.setAttribute("data-cross", c.overall);
    box.setAttribute("aria-label", t("passport_check"));
    box.appendChild(el("p", "cross-head", t("passport_check") + ": " + c.text[lang]));
    const ul = el("ul", "cross-fields");
    for (const f of ["passport_number", "date_of_birth", "nationality", "name"]) {
      const r = c.fields[f];
      const li = el("li", "field-" + r);
      li.setAttribute("data-field", f);
      li.setAttribute("data-result", r);
      li.textContent = (r === "match" ? "✓ " : r === "mismatch" ? "✗ " : "? ") + t(f) + ": " + t("cc_" + r);
      ul.appendChild(li);
    }
    box.appendChild(ul);
    return box;
  }

  function sourceKind(src) {
    if (src.startsWith("usb:")) return t("src_usb");
    if (src.startsWith("http")) return t("src_net");
    if (src.startsWith("start-up")) return t("src_startup");
    return src.split(":")[0];
  }

  function renderTrust(tr) {
    const box = document.getElementById("trust");
    box.replaceChildren();
    if (!tr.installed) {
      box.appendChild(el("p", "warn-strong", t("no_bundle")));
    } else {
      const line = el("p", "");
      line.textContent = t("keys_issued") + " " + tr.iat_iso.slice(0, 10) + " (" + ago(tr.age_s) + ") · " +
        t("valid_until") + " " + tr.exp_iso.slice(0, 10);
      box.appendChild(line);
      if (tr.warning === "expired") box.appendChild(el("p", "warn-strong", t("bundle_expired")));
      if (tr.warning === "expiring") box.appendChild(el("p", "warn", t("bundle_expiring") + ": " + duration(tr.expires_in_s)));
      const sl = el("p", "small", t("status_lists") + ": " + tr.status_lists.map(s =>
        (s["issuer_" + lang] || s.iss) + " " + t("issued") + " " + s.iat_iso.slice(0, 10) + (s.expired ? " ✗ " + t("expired") : "")).join("; "));
      box.appendChild(sl);
    }
    if (tr.clock_untrusted) box.appendChild(el("p", "warn-strong", t("clock_untrusted")));
    if (tr.last_update) {
      const u = tr.last_update;
      const p = el("p", "small update");
      const counts = {};
      for (const r of u.results) counts[r.result] = (counts[r.result] || 0) + 1;
      p.textContent = t("last_update") + ": " + localTime(u.time_iso, false) + " · " + sourceKind(u.source) +
        (u.results.length ? " · " + Object.keys(counts).map(k => counts[k] + " " + t("res_" + k)).join(", ") : "") +
        (u.error ? " · " + t("update_error") : "");
      box.appendChild(p);
    }
  }

  function renderAlerts(s) {
    const a = document.getElementById("alerts");
    a.replaceChildren();
    const tr = s.trust;
    if (!tr.installed) a.appendChild(el("span", "alert", t("no_bundle")));
    else if (tr.warning === "expired") a.appendChild(el("span", "alert", t("bundle_expired")));
    else if (tr.warning === "expiring") a.appendChild(el("span", "alert soft", t("bundle_expiring")));
    if (tr.clock_untrusted) a.appendChild(el("span", "alert", t("clock_untrusted")));
    if (!s.audit.writable) a.appendChild(el("span", "alert", t("audit") + ": " + t("audit_fail")));
    for (const d of s.devices) if (d.state === "failed") a.appendChild(el("span", "alert soft", d.device + ": " + t("failed")));
  }

  function render() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.getElementById("title").textContent = t("title");
    document.getElementById("kiosk-label").textContent = t("kiosk");
    document.getElementById("lang-button").textContent = t("lang");
    document.getElementById("clear-button").textContent = t("clear");
    document.getElementById("next-button").textContent = t("next");
    document.getElementById("keys").textContent = t("keys");
    for (const k of ["today", "trust", "devices", "audit"]) document.getElementById("h-" + k).textContent = t(k);
    const box = document.getElementById("documents");
    box.replaceChildren();
    if (!state) { renderIdle(box); return; }
    document.getElementById("kiosk-id").textContent = state.kiosk;
    if (state.service) document.getElementById("service").textContent = state.service[lang];
    document.getElementById("clock").textContent = localTime(state.now_iso, true);
    const entries = state.session.entries;
    box.className = "documents n" + Math.max(1, entries.length);
    if (entries.length === 0) renderIdle(box);
    entries.forEach((e, i) => box.appendChild(renderEntry(e, i === state.session.focus, entries.length)));

    const today = document.getElementById("today");
    today.replaceChildren();
    for (const o of ["ACCEPT", "REVIEW", "REJECT"]) {
      const c = el("div", "count " + o.toLowerCase());
      c.appendChild(el("b", "", state.today[o]));
      c.appendChild(el("span", "", t(o)));
      today.appendChild(c);
    }
    renderTrust(state.trust);
    const dev = document.getElementById("devices");
    dev.replaceChildren();
    if (state.devices.length === 0) dev.appendChild(el("li", "state-absent", t("no_devices")));
    for (const d of state.devices) {
      const li = el("li", "state-" + d.state);
      li.setAttribute("data-device", d.device);
      li.setAttribute("data-state", d.state);
      li.appendChild(el("b", "", d.device));
      li.appendChild(el("span", "", " " + t(d.state)));
      if (d.detail) li.appendChild(el("div", "small", d.detail));
      dev.appendChild(li);
    }
    const au = document.getElementById("audit");
    au.replaceChildren();
    au.appendChild(el("p", s_class(state.audit.writable), (state.audit.writable ? t("audit_ok") : t("audit_fail")) + " · #" + state.audit.last_seq));
    if (!state.audit.chain_intact) au.appendChild(el("p", "warn", t("audit_break")));
    if (state.audit.message) au.appendChild(el("p", "small", state.audit.message));
    if (state.audit.forward_error) au.appendChild(el("p", "warn", t("forward_fail") + " (#" + state.audit.forwarded_seq + "): " + state.audit.forward_error));
    if (state.audit.alarm || state.audit.checkpoint) au.appendChild(el("p", state.audit.alarm ? "alert" : "small", state.audit.alarm ? "ALARM: " + state.audit.alarm : state.audit.checkpoint));
    renderAlerts(state);
    checkLayout();
  }
  // The layout's own check, for the officer's trust and the screenshot tests: no horizontal
  // scroll, no outcome word cut, no card squeezed below a readable width.
  function checkLayout() {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) problems.push("hscroll");
    for (const card of document.querySelectorAll("#documents .verdict")) {
      if (card.scrollWidth > card.clientWidth + 1) problems.push("card-hscroll");
      if (card.clientWidth < 280) problems.push("narrow");
      const word = card.querySelector(".banner .word");
      if (word) {
        const w = word.getBoundingClientRect(), c = card.getBoundingClientRect();
        if (w.right > c.right + 1 || w.left < c.left - 1 || w.width < 1) problems.push("cut");
      }
    }
    document.body.setAttribute("data-layout", problems.length ? problems.join(" ") : "ok");
  }
  function s_class(ok) { return ok ? "ok" : "warn-strong"; }

  function send(cmd) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(cmd); }
  function setLang(l) { lang = l; localStorage.setItem("kiosk.lang", l); render(); }

  function connect() {
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onopen = () => { document.getElementById("disconnected").hidden = true; };
    ws.onmessage = (m) => {
      try { const s = JSON.parse(m.data); if (s.type === "officer") { state = s; render(); } } catch (e) { /* ignore */ }
    };
    ws.onclose = () => {
      const d = document.getElementById("disconnected");
      d.textContent = t("disconnected");
      d.hidden = false;
      // Signed out (idle, or elsewhere): back to the sign-in page, else try again.
      fetch("/api/state", { cache: "no-store" }).then((r) => {
        if (r.status === 401) location.replace("/signin"); else setTimeout(connect, 1000);
      }, () => setTimeout(connect, 1000));
    };
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const k = ev.key.toLowerCase();
    if (k === "c" || k === "escape") { send("clear"); ev.preventDefault(); }
    else if (k === "n") { send("next"); ev.preventDefault(); }
    else if (k === "l") { setLang(lang === "zh" ? "en" : "zh"); ev.preventDefault(); }
  });
  window.addEventListener("resize", checkLayout);
  document.getElementById("lang-button").addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
  document.getElementById("clear-button").addEventListener("click", () => send("clear"));
  document.getElementById("next-button").addEventListener("click", () => send("next"));
  render();
  connect();
})();
