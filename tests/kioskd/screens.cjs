// The officer's screen at several sizes and languages in one real Chromium (puppeteer-core):
// for each job {url, width, height, file}, loads the page, reads the page's own layout check
// (body[data-layout]), counts the documents and the passport checks shown, and saves a
// screenshot.   node screens.cjs NPM_PREFIX JOBS_JSON   -> one JSON array on stdout
"use strict";
const path = require("path");
const fs = require("fs");
const [prefix, jobsJson] = process.argv.slice(2);
const puppeteer = require(path.join(prefix, "node_modules", "puppeteer-core"));

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
      await page.goto(job.url, { waitUntil: "load" });
      await page.waitForFunction((n) => document.querySelectorAll("#documents [data-entry]").length === n,
        { timeout: 15000 }, job.entries);
      const r = await page.evaluate(() => ({
        layout: document.body.getAttribute("data-layout"),
        entries: document.querySelectorAll("#documents [data-entry]").length,
        cross: document.querySelectorAll("[data-cross]").length,
        text: document.body.innerText,
      }));
      await page.screenshot({ path: job.file });
      results.push(Object.assign({ file: job.file }, r));
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(results));
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e) }));
  process.exit(1);
});
