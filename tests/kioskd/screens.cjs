// The kiosk's screens at several sizes and languages in one real Chromium (puppeteer-core).
// For each job {url, width, height, file, cookie, page, entries, phase, coach, timezone}: loads
// the page (in `timezone`, an IANA name, when given: the kiosk's system zone),
// waits for what the job expects (officer: `entries` documents; self: `phase` and `coach`), reads
// the page's own layout check (body[data-layout]) and what each card shows (replay notes, the
// unknown-document line, holder fields, each with whether it is visible), and saves a screenshot
// when `file` is given.   node screens.cjs NPM_PREFIX JOBS_JSON   -> one JSON array on stdout
"use strict";
const path = require("path");
const fs = require("fs");
const [prefix, jobsJson] = process.argv.slice(2);
const puppeteer = require(path.join(prefix, "node_modules", "puppeteer-core"));

// In the page: whether `e` can be seen (has a size, not hidden, inside its card's visible box
// and the viewport).
function probeCards() {
  const seen = (e, box) => {
    if (!e) return false;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width < 1 || r.height < 1 || s.visibility === "hidden" || s.display === "none") return false;
    const b = box ? box.getBoundingClientRect() : { top: 0, bottom: innerHeight, left: 0, right: innerWidth };
    return r.top < Math.min(b.bottom, innerHeight) && r.bottom > Math.max(b.top, 0) &&
      r.left < Math.min(b.right, innerWidth) && r.right > Math.max(b.left, 0);
  };
  return Array.from(document.querySelectorAll("#documents [data-entry]")).map((c) => ({
    document: c.getAttribute("data-document"),
    outcome: c.getAttribute("data-outcome"),
    replay: Array.from(c.querySelectorAll("[data-replay]")).map((r) => ({
      kind: r.getAttribute("data-replay"), text: r.textContent, visible: seen(r, c) })),
    unknown: (() => {
      const u = c.querySelector("[data-unknown]");
      return u ? { text: u.textContent, visible: seen(u, c) } : null;
    })(),
    holder_fields: c.querySelectorAll("dl.holder dt").length,
    cross: c.querySelectorAll("[data-cross]").length,
    text: c.innerText,
  }));
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : "/usr/bin/chromium-browser",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"],
  });
  const results = [];
  try {
    const page = await browser.newPage();
    for (const job of JSON.parse(jobsJson)) {
      await page.setViewport({ width: job.width, height: job.height });
      if (job.cookie) {  // the signed-in officer's session (name=value)
        const eq = job.cookie.indexOf("=");
        await page.setCookie({ name: job.cookie.slice(0, eq), value: job.cookie.slice(eq + 1), url: job.url });
      }
      if (job.timezone) await page.emulateTimezone(job.timezone);
      await page.goto(job.url, { waitUntil: "load" });
      let r;
      if (job.page === "self") {
        await page.waitForFunction((phase, coach) => {
          const m = document.getElementById("self-main");
          const c = document.querySelector("[data-coach]");
          return m && m.getAttribute("data-phase") === phase &&
            (!coach || (c && c.getAttribute("data-coach") === coach));
        }, { timeout: 15000 }, job.phase || "idle", job.coach || "");
        r = await page.evaluate(() => {
          const c = document.querySelector("[data-coach]");
          return {
            layout: document.body.getAttribute("data-layout"),
            phase: document.getElementById("self-main").getAttribute("data-phase"),
            coach: c ? c.getAttribute("data-coach") : "",
            coach_text: c ? c.innerText : "",
            lang: document.documentElement.lang,
            text: document.body.innerText,
          };
        });
      } else {
        await page.waitForFunction((n) => document.querySelectorAll("#documents [data-entry]").length === n,
          { timeout: 15000 }, job.entries);
        r = await page.evaluate(() => ({
          layout: document.body.getAttribute("data-layout"),
          entries: document.querySelectorAll("#documents [data-entry]").length,
          cross: document.querySelectorAll("[data-cross]").length,
          text: document.body.innerText,
        }));
        r.cards = await page.evaluate(probeCards);
      }
      if (job.file) await page.screenshot({ path: job.file });
      results.push(Object.assign({ file: job.file || "" }, r));
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e) }));
  process.exit(1);
});
