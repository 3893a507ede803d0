// The applicant's sound cues in the real Chromium: the page's WebAudio oscillators are hooked
// before its scripts run, so the test hears which tones each verdict played. Steps are handed
// over through files: the script writes DIR/step-0 once the idle page is up and DIR/step-I once
// verdict I has sounded (the test presents the next document after each).
//   node self_cues.cjs NPM_PREFIX URL DIR COUNT   -> {"cues": [[Hz...], ...], "data_cue": [...]}
"use strict";
const path = require("path");
const fs = require("fs");
const [prefix, url, dir, countText] = process.argv.slice(2);
const count = Number(countText);
const puppeteer = require(path.join(prefix, "node_modules", "puppeteer-core"));
const out = { cues: [], data_cue: [] };

(async () => {
  const browser = await puppeteer.launch({
    executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : "/usr/bin/chromium-browser",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => process.stderr.write("page error: " + e + "\n"));
    await page.evaluateOnNewDocument(() => {
      window.__tones = [];
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () {
        const o = create.call(this);
        const start = o.start;
        o.start = function () {
          window.__tones.push(o.frequency.value);
          return start.apply(this, arguments);
        };
        return o;
      };
    });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector('#self-main[data-phase="idle"]', { timeout: 15000 });
    fs.writeFileSync(path.join(dir, "step-0"), "");
    let heard = 0;
    for (let i = 1; i <= count; i++) {
      // Verdict I has sounded (a new verdict, in this session or the next applicant's).
      try {
        await page.waitForFunction((before) =>
          document.getElementById("self-main").getAttribute("data-phase") === "done" &&
          window.__tones.length > before, { timeout: 20000 }, heard);
      } catch (e) {
        process.stderr.write("page: " + await page.evaluate(() => document.body.outerHTML + " tones " + JSON.stringify(window.__tones)) + "\n");
        throw e;
      }
      const tones = await page.evaluate(() => window.__tones.slice());
      out.cues.push(tones.slice(heard));
      heard = tones.length;
      out.data_cue.push(await page.evaluate(() => document.body.getAttribute("data-cue")));
      fs.writeFileSync(path.join(dir, "step-" + i), "");
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e), heard: out.cues }));
  process.exit(1);
});
