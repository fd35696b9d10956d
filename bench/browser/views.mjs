// The browser benchmark (`cargo xtask bench browser`): the big lineage and mesh views in
// Debian chromium against the release binary, on the generator's `--real-scale` mesh and
// on the 50-project benchmark mesh. For each view, over fresh browser contexts (empty
// cache): when the server-rendered picture is painted, when the app has hydrated and
// painted again, the longest main-thread task, and the bytes sent, compressed, for the
// first load (HTML, wasm, JS, CSS). Prints the README's markdown table.
//
// Environment: MESHLENS_BIN, MESHLENS_BENCH_BIN (release builds), MESHLENS_BENCH_WORK
// (where meshes and indexes go, kept between runs), MESHLENS_BENCH_SAMPLES (default 5),
// MESHLENS_BENCH_ONLY (measure only the views whose names contain it).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { launchChromium, median, root, serveMeshlens } from "./harness.mjs";

const bin = process.env.MESHLENS_BIN ?? path.join(root, "target/release/meshlens");
const benchBin = process.env.MESHLENS_BENCH_BIN ?? path.join(root, "target/release/meshlens-bench");
const work = process.env.MESHLENS_BENCH_WORK ?? "/var/tmp/meshlens-bench/browser";
const samples = Number(process.env.MESHLENS_BENCH_SAMPLES ?? 5);
const out = process.argv[2];
const only = process.env.MESHLENS_BENCH_ONLY ?? "";

/** Generates (once) and indexes a mesh; returns its data folder. */
function mesh(name, args) {
  const artifacts = path.join(work, name);
  if (!existsSync(artifacts)) {
    console.error(`generating ${name}: meshlens-bench generate ${args.join(" ")}`);
    execFileSync(benchBin, ["generate", "--out", artifacts, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  }
  const data = path.join(work, `${name}-data`);
  const projects = readdirSync(artifacts).map((p) => path.join(artifacts, p));
  console.error(`indexing ${name} (${projects.length} projects)`);
  execFileSync(bin, ["index", "--data", data, ...projects], { stdio: ["ignore", "ignore", "inherit"] });
  return data;
}

const serve = (data) => serveMeshlens(bin, data);

// Runs in the page before any of its scripts: records when the body is marked hydrated
// (frontend/src/lib.rs) and the next frame after it, and the longest task.
const probe = () => {
  window.__bench = { hydrated: null, painted: null, longest: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, e.duration);
  }).observe({ type: "longtask", buffered: true });
  new MutationObserver((_, observer) => {
    if (document.body?.dataset.hydrated === "true") {
      window.__bench.hydrated = performance.now();
      requestAnimationFrame(() => setTimeout(() => (window.__bench.painted = performance.now())));
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
};

/** One cold load of `url`: paint, hydration, longest task and compressed bytes. */
async function load(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(probe);
  const responses = [];
  page.on("response", (r) => responses.push(r));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.__bench.painted !== null, null, { timeout: 60_000 });
  const timing = await page.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    ...window.__bench,
  }));
  let bytes = 0;
  for (const r of responses) bytes += (await r.request().sizes()).responseBodySize;
  await context.close();
  return { ...timing, bytes };
}

const worst = (xs) => Math.max(...xs);

/** A node page's unique_id from a mesh's index: the first mart model of `project`. */
function martOf(data, project) {
  const generations = path.join(data, "generations");
  const db = path.join(generations, readdirSync(generations).sort().at(-1), "meshlens.sqlite");
  const sql = `select unique_id from nodes where resource_type = 'model' and unique_id like 'model.${project}.fct_%' order by unique_id limit 1`;
  return execFileSync("python3", ["-c", `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])`, db, sql]).toString().trim();
}

async function measure(browser, name, url, targetMs, paintTargetMs = null) {
  if (!name.includes(only)) return null;
  await load(browser, url); // warm the server's caches and the OS page cache
  const runs = [];
  for (let i = 0; i < samples; i++) runs.push(await load(browser, url));
  const row = {
    name,
    fcp: median(runs.map((r) => r.fcp)),
    painted: median(runs.map((r) => r.painted)),
    paintedWorst: worst(runs.map((r) => r.painted)),
    longest: median(runs.map((r) => r.longest)),
    kb: median(runs.map((r) => r.bytes)) / 1000,
    targetMs,
    paintTargetMs,
  };
  console.error(`${name}: painted ${row.fcp.toFixed(0)} ms, hydrated ${row.painted.toFixed(0)} ms, ${row.kb.toFixed(0)} KB`);
  return row;
}

/** One cold load of a page that never hydrates: its first contentful paint. */
async function firstPaint(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 60_000 });
  const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0].startTime);
  await context.close();
  return fcp;
}

/** The harness's own floor: a cold load of an empty page, served from loopback by this
 *  script. Part of every first paint below is the browser's, not meshlens's. */
async function paintFloor(browser) {
  if (only && !"floor: an empty page".includes(only)) return [];
  const server = http.createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!DOCTYPE html><html><head><title>empty</title></head><body><p>meshlens</p></body></html>");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${server.address().port}/`;
  await firstPaint(browser, url);
  const runs = [];
  for (let i = 0; i < samples; i++) runs.push(await firstPaint(browser, url));
  server.close();
  const name = "floor: an empty page, same harness";
  console.error(`${name}: painted ${median(runs).toFixed(0)} ms`);
  return [{ name, fcp: median(runs), painted: NaN, paintedWorst: NaN, longest: NaN, kb: NaN, targetMs: null, paintTargetMs: null }];
}

mkdirSync(work, { recursive: true });
const real = await serve(mesh("real-scale", ["--projects", "0", "--real-scale"]));
const fiftyData = mesh("fifty", ["--projects", "50", "--models", "250"]);
const fifty = await serve(fiftyData);
const browser = await launchChromium();
const rows = [];
try {
  rows.push(await measure(browser, "lineage `+bridges_crosschain_flows` (994 ancestors)", `${real.url}/lineage?select=%2Bbridges_crosschain_flows`, 500));
  rows.push(await measure(browser, "lineage `project:rs_solana` (10,250 nodes)", `${real.url}/lineage?select=project%3Ars_solana`, 500));
  rows.push(await measure(browser, "lineage `+bridges_crosschain_flows&group=none` (994 drawn)", `${real.url}/lineage?select=%2Bbridges_crosschain_flows&group=none`, null));
  rows.push(await measure(browser, "node page of the 994-ancestor mart", `${real.url}/nodes/model.rs_bridges.bridges_crosschain_flows`, null));
  const fiftyMart = martOf(fiftyData, "finance");
  rows.push(await measure(browser, `node page, 50,000-node mesh (\`${fiftyMart}\`)`, `${fifty.url}/nodes/${fiftyMart}`, 150, 100));
  rows.push(...(await paintFloor(browser)));
  rows.push(await measure(browser, "`/mesh`, 5 projects linked both ways", `${real.url}/mesh`, 300));
  rows.push(await measure(browser, "`/mesh`, 50 projects (matrix)", `${fifty.url}/mesh`, 300));
} finally {
  rows.splice(0, rows.length, ...rows.filter(Boolean));
  await browser.close();
  await real.stop();
  await fifty.stop();
}

const cpu = os.cpus();
const lines = [
  `Browser benchmark: Debian chromium ${browser.version()}, 1440×900, ${samples} cold loads per view (median; worst in brackets), ${cpu.length} × ${cpu[0]?.model.trim()}, release build.`,
  "",
  "| view | painted (server HTML) | hydrated and painted | target | longest task | first load, compressed |",
  "|---|---:|---:|---|---:|---:|",
  ...rows.map((r) => {
    const verdict = (ms, target) => (ms <= target ? "met" : "**missed**");
    let target = r.targetMs === null ? "" : `hydrated ≤ ${r.targetMs} ms: ${verdict(r.painted, r.targetMs)}`;
    if (r.paintTargetMs !== null) target = `painted ≤ ${r.paintTargetMs} ms: ${verdict(r.fcp, r.paintTargetMs)}; ${target}`;
    if (Number.isNaN(r.painted)) return `| ${r.name} | ${r.fcp.toFixed(0)} ms | — | | | |`;
    return `| ${r.name} | ${r.fcp.toFixed(0)} ms | ${r.painted.toFixed(0)} ms (${r.paintedWorst.toFixed(0)}) | ${target} | ${r.longest.toFixed(0)} ms | ${r.kb.toFixed(0)} KB${r.kb < 500 ? "" : " (**over 500**)"} |`;
  }),
];
console.log(lines.join("\n"));
if (out) writeFileSync(out, lines.join("\n") + "\n");
