import { chromium } from "playwright-core";
const [url, out, sel] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
await p.goto(url);
await p.waitForTimeout(1500);
if (sel) { await p.locator(sel).first().scrollIntoViewIfNeeded(); }
await p.screenshot({ path: out });
await b.close();
