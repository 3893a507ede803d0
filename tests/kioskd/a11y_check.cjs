// The officer page's accessibility in the real Chromium: axe-core (no serious or critical
// violation allowed, in both languages, with documents and the passport check on screen) and
// keyboard use (Tab reaches every control with a visible focus; L switches the language).
//   node a11y_check.cjs URL NPM_PREFIX [COOKIE]   -> one JSON line on stdout
"use strict";
const path = require("path");
const fs = require("fs");
const [url, prefix, cookie] = process.argv.slice(2);
const puppeteer = require(path.join(prefix, "node_modules", "puppeteer-core"));
const axeSource = fs.readFileSync(path.join(prefix, "node_modules", "axe-core", "axe.min.js"), "utf8");

(async () => {
  const browser = await puppeteer.launch({
    executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : "/usr/bin/chromium-browser",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const out = { violations: {}, focus: [] };
  try {
    const page = await browser.newPage();
    await page.setBypassCSP(true);  // to inject axe into a page whose CSP allows only its own scripts
    await page.setViewport({ width: 1366, height: 768 });
    if (cookie) {  // the signed-in officer's session (name=value)
      const eq = cookie.indexOf("=");
      await page.setCookie({ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url });
    }
    for (const lang of ["en", "zh"]) {
      await page.goto(url + "?lang=" + lang, { waitUntil: "load" });
      await page.waitForSelector("#documents .verdict[data-entry]", { timeout: 15000 });
      await page.addScriptTag({ content: axeSource });
      const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      out.violations[lang] = r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
    }
    await page.goto(url + "?lang=en", { waitUntil: "load" });
    await page.waitForSelector("#documents .verdict[data-entry]", { timeout: 15000 });
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      out.focus.push(await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const style = getComputedStyle(a);
        return { id: a.id || a.tagName, outline: style.outlineStyle !== "none" && style.outlineWidth !== "0px" };
      }));
    }
    await page.keyboard.press("l");
    out.lang_after_l = await page.evaluate(() => document.documentElement.lang);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e) }));
  process.exit(1);
});
