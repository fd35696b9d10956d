// Stock dbt docs against meshlens, side by side, in Debian chromium, on one generated dbt
// project whose manifest.json is about 20 MB. For each tool, over fresh browser contexts
// (empty cache), the median of the cold loads after one warm-up load:
//   - the model page of one mart model: first contentful paint, when the heading naming
//     the model is painted, when the page is interactive, the longest main-thread task
//     and the bytes transferred;
//   - search: from navigation start on the tool's home page, when a suggestion naming the
//     model is painted after typing its name (the load is included), and the bytes.
// Prints a markdown table on stdout, and writes it to the file named by argv[2] if given.
//
// dbt docs is the static index.html shipped inside the dbt-core package (what `dbt docs
// serve` copies into target/), installed here into a venv with pip. It is served with
// manifest.json and a catalog.json by a small static server in this script, brotli- or
// gzip-compressed ahead of time as the browser accepts: `dbt docs serve` sends files
// uncompressed, but meshlens compresses, and a 20 MB manifest should not lose for lack
// of a compressing web server in front of it.
//
// Environment: MESHLENS_BIN, MESHLENS_BENCH_BIN (release builds), MESHLENS_BENCH_WORK
// (where the project, the index, the dbt-core venv and the dbt docs folder go, kept
// between runs), MESHLENS_BENCH_SAMPLES (default 5).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

import { launchChromium, median, root, serveMeshlens } from "./harness.mjs";

const bin = process.env.MESHLENS_BIN ?? path.join(root, "target/release/meshlens");
const benchBin = process.env.MESHLENS_BENCH_BIN ?? path.join(root, "target/release/meshlens-bench");
const work = process.env.MESHLENS_BENCH_WORK ?? "/var/tmp/meshlens-bench/browser";
const samples = Number(process.env.MESHLENS_BENCH_SAMPLES ?? 5);
const out = process.argv[2];

// 1,070 models make a 19.8 MB manifest.json with seed 42 (about 18.5 KB per model).
const MODELS = 1070;
const DBT_CORE = "dbt-core==1.11.*";
const VIEWPORT = { width: 1440, height: 900 };
const TIMEOUT = 120_000;

// ---------------------------------------------------------------------------------------
// The project

/** Generates (once) the single project; returns its folder (manifest.json, run_results.json). */
function project() {
  const artifacts = path.join(work, `versus-p1-m${MODELS}-s42`);
  if (!existsSync(artifacts)) {
    console.error(`generating: meshlens-bench generate --projects 1 --models ${MODELS} --seed 42`);
    execFileSync(benchBin, ["generate", "--out", artifacts, "--projects", "1", "--models", String(MODELS), "--seed", "42"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  const [folder] = readdirSync(artifacts);
  return path.join(artifacts, folder);
}

/** The project's size, and the model both tools are asked about. */
function describe(projectDir) {
  const file = path.join(projectDir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  const nodes = Object.values(manifest.nodes);
  const models = nodes.filter((n) => n.resource_type === "model");
  // Nodes as dbt's parent_map and `meshlens index` count them: sources, exposures and
  // unit tests too, beside the manifest's `nodes` (models, tests, seeds, snapshots).
  const all = ["nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests"];
  // A mart (the layer users look up most), the one with the most parents; ties by
  // unique_id so every run, and both tools, get the same model.
  const marts = models.filter((n) => n.fqn.includes("marts"));
  const [model] = (marts.length ? marts : models).sort(
    (a, b) => b.depends_on.nodes.length - a.depends_on.nodes.length || (a.unique_id < b.unique_id ? -1 : 1),
  );
  return {
    mb: statSync(file).size / 1e6,
    models: models.length,
    nodes: all.reduce((sum, k) => sum + Object.keys(manifest[k] ?? {}).length, 0),
    model: { uid: model.unique_id, name: model.name, parents: model.depends_on.nodes.length },
  };
}

// ---------------------------------------------------------------------------------------
// dbt docs

/** Python code printing where dbt-core keeps its docs page (what `dbt docs serve` copies) and its version. */
const LOCATE = [
  "from dbt.task.docs import DOCS_INDEX_FILE_PATH",
  "from importlib.metadata import version",
  "print(DOCS_INDEX_FILE_PATH)",
  "print(version('dbt-core'))",
].join("\n");

/** Installs dbt-core (once) into a venv; returns its index.html and version. */
function dbtCore() {
  const venv = path.join(work, "dbt-venv");
  const python = path.join(venv, "bin/python");
  const locate = () => execFileSync(python, ["-c", LOCATE], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  if (!existsSync(python)) {
    console.error(`creating ${venv}`);
    execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "inherit", "inherit"] });
  }
  let found;
  try {
    found = locate();
  } catch {
    // A new venv, or one whose install was interrupted.
    console.error(`pip install "${DBT_CORE}"`);
    execFileSync(python, ["-m", "pip", "install", "--quiet", DBT_CORE], { stdio: ["ignore", "inherit", "inherit"] });
    found = locate();
  }
  const [indexHtml, version] = found.trim().split("\n");
  return { indexHtml, version };
}

// Our generator writes no catalog.json, and dbt docs loads both manifest.json and
// catalog.json before it shows anything (a missing one raises an alert that the site
// "may not work as expected"). This is the
// smallest valid catalog: no columns from the warehouse, so dbt docs shows the columns
// documented in the manifest, as it would for models never built. Written into the
// served dbt docs folder only; meshlens indexes the project without it.
const CATALOG = {
  metadata: {
    dbt_schema_version: "https://schemas.getdbt.com/dbt/catalog/v1.json",
    dbt_version: "1.11.0",
    generated_at: "2026-01-01T00:00:00.000000Z",
    invocation_id: null,
    env: {},
  },
  nodes: {},
  sources: {},
  errors: null,
};

/** Writes `body` to `file` unless it holds it already, so its compressed copies stay fresh. */
function writeIfChanged(file, body) {
  if (!existsSync(file) || !readFileSync(file).equals(body)) writeFileSync(file, body);
}

/** The folder dbt docs is served from: index.html, manifest.json and catalog.json. */
function dbtDocsFolder(projectDir, indexHtml) {
  const dir = path.join(work, "versus-dbt-docs");
  mkdirSync(dir, { recursive: true });
  writeIfChanged(path.join(dir, "index.html"), readFileSync(indexHtml));
  writeIfChanged(path.join(dir, "manifest.json"), readFileSync(path.join(projectDir, "manifest.json")));
  writeIfChanged(path.join(dir, "catalog.json"), Buffer.from(JSON.stringify(CATALOG)));
  return dir;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".json": "application/json" };

/**
 * Compressed copies of a file, made ahead of time (brotli at quality 11 takes ~20 s on
 * the manifest) and kept next to it, as a web server with precompressed assets would
 * serve them: the time measured is the browser's, not the compressor's.
 */
function precompressed(file) {
  const raw = readFileSync(file);
  const cached = (ext, compress) => {
    const to = `${file}.${ext}`;
    if (existsSync(to) && statSync(to).mtimeMs >= statSync(file).mtimeMs) return readFileSync(to);
    console.error(`compressing ${path.basename(file)} (${ext})`);
    const body = compress(raw);
    writeFileSync(to, body);
    return body;
  };
  return {
    raw,
    br: cached("br", (b) =>
      zlib.brotliCompressSync(b, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
      }),
    ),
    gzip: cached("gz", (b) => zlib.gzipSync(b, { level: 9 })),
  };
}

/** A static server over `dir` on 127.0.0.1, sending brotli or gzip when the browser accepts it. */
async function staticServer(dir) {
  const files = new Map(["index.html", "manifest.json", "catalog.json"].map((f) => [`/${f}`, precompressed(path.join(dir, f))]));
  const encodings = new Set();
  const server = http.createServer((req, res) => {
    // dbt docs asks for manifest.json?cb=<now> to defeat caches: ignore the query.
    let { pathname } = new URL(req.url, "http://localhost");
    if (pathname === "/") pathname = "/index.html";
    const file = files.get(pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const accepts = String(req.headers["accept-encoding"] ?? "");
    const encoding = /\bbr\b/.test(accepts) ? "br" : /\bgzip\b/.test(accepts) ? "gzip" : null;
    encodings.add(encoding ?? "identity");
    const body = encoding ? file[encoding] : file.raw;
    res.writeHead(200, {
      "content-type": TYPES[path.extname(pathname)],
      "content-length": body.length,
      "cache-control": "no-cache",
      vary: "accept-encoding",
      ...(encoding && { "content-encoding": encoding }),
    });
    res.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    encodings,
    // What `dbt docs serve` would send: the files as they are.
    rawBytes: [...files.values()].reduce((sum, f) => sum + f.raw.length, 0),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

// ---------------------------------------------------------------------------------------
// meshlens

/** Indexes the project; returns the data folder. */
function index(projectDir) {
  const data = path.join(work, "versus-meshlens-data");
  console.error("indexing the project for meshlens");
  execFileSync(bin, ["index", "--data", data, projectDir], { stdio: ["ignore", "ignore", "inherit"] });
  return data;
}

const serve = (data) => serveMeshlens(bin, data);

// ---------------------------------------------------------------------------------------
// Measuring

// Runs in the page before any of its scripts. Watches the DOM for `target`: an element
// matching `selector` whose text (own text, with `own`) is `text`, and shown: not inside
// a display:none parent, as dbt docs hides its views with ng-hide. Records the moment
// after the first frame showing it (`shown`, as views.mjs's "painted"); the same for the
// body marked hydrated (meshlens, frontend/src/lib.rs); and the longest task.
const probe = (target) => {
  const bench = (window.__bench = { shown: null, hydrated: null, longest: 0 });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longest = Math.max(bench.longest, e.duration);
  }).observe({ type: "longtask", buffered: true });
  // `own`: only the element's own text nodes, for headings followed by badges.
  const textOf = (el) =>
    target.own
      ? [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join("").trim()
      : el.textContent.trim();
  const matches = () => [...document.querySelectorAll(target.selector)].filter((el) => textOf(el) === target.text);
  let pending = false;
  // Visibility is read in a frame callback, when the browser lays out anyway: reading it
  // during parsing would force layouts before the stylesheets are in.
  const check = () => {
    if (pending || bench.shown !== null || matches().length === 0) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (bench.shown === null && matches().some((el) => el.getClientRects().length > 0)) {
        bench.shown = -1; // found; the time is taken after the frame is painted
        setTimeout(() => (bench.shown = performance.now()));
      }
    });
  };
  let hydrated = false;
  new MutationObserver(() => {
    check();
    if (!hydrated && document.body?.dataset.hydrated === "true") {
      hydrated = true;
      requestAnimationFrame(() => setTimeout(() => (bench.hydrated = performance.now())));
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
};

/** A fresh context (empty cache) with the probe watching for `target`, and its responses. */
async function coldPage(browser, target) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(probe, target);
  const responses = [];
  page.on("response", (r) => responses.push(r));
  const bytes = async () => {
    let sum = 0;
    for (const r of responses) sum += (await r.request().sizes()).responseBodySize;
    return sum;
  };
  return { context, page, bytes };
}

const shown = (page) => page.waitForFunction(() => window.__bench.shown > 0, null, { timeout: TIMEOUT });

/** One cold load of a tool's model page: paint, heading, interactive, longest task, bytes. */
async function modelPage(browser, tool) {
  const { context, page, bytes } = await coldPage(browser, tool.heading);
  await page.goto(tool.modelUrl, { waitUntil: "load" });
  await shown(page);
  if (tool.hydrates) await page.waitForFunction(() => window.__bench.hydrated !== null, null, { timeout: TIMEOUT });
  const t = await page.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    ...window.__bench,
  }));
  // Nothing shows before the first contentful paint: when the heading is in that very
  // frame (meshlens's server HTML), the probe's after-frame moment can come before the
  // frame reaches the screen, which is when FCP is stamped.
  const heading = Math.max(t.shown, t.fcp);
  const result = {
    fcp: t.fcp,
    heading,
    // dbt docs has no server-rendered page to hydrate: it is usable once its app has
    // rendered the heading. meshlens is usable once hydrated.
    interactive: tool.hydrates ? t.hydrated : heading,
    longest: t.longest,
    bytes: await bytes(),
  };
  await context.close();
  return result;
}

/**
 * One cold search: load the tool's home page, wait until typing there would work, type
 * the model's name in one go (one input event, as a paste), and take the moment the
 * suggestion naming the model is painted, from navigation start.
 */
async function search(browser, tool) {
  const { context, page, bytes } = await coldPage(browser, tool.hit);
  await page.goto(tool.homeUrl, { waitUntil: "commit" });
  await page.waitForFunction(tool.ready, null, { timeout: TIMEOUT, polling: "raf" });
  await page.fill(tool.input, tool.query);
  await shown(page);
  const t = await page.evaluate(() => window.__bench);
  const result = { search: t.shown, searchLongest: t.longest, searchBytes: await bytes() };
  await context.close();
  return result;
}


/** One warm-up, then `samples` cold runs of `run`; the median of each measure. */
async function medians(browser, tool, run) {
  await run(browser, tool); // warm the server and the OS page cache
  const runs = [];
  for (let i = 0; i < samples; i++) runs.push(await run(browser, tool));
  // Every sample on stderr, to see the spread behind the medians.
  for (const k of Object.keys(runs[0])) console.error(`  ${tool.name} ${k}: ${runs.map((r) => r[k].toFixed(0)).join(", ")}`);
  return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
}

async function measure(browser, tool) {
  const row = { ...(await medians(browser, tool, modelPage)), ...(await medians(browser, tool, search)) };
  console.error(
    `${tool.name}: heading ${row.heading.toFixed(0)} ms, interactive ${row.interactive.toFixed(0)} ms, ` +
      `search ${row.search.toFixed(0)} ms, ${(row.bytes / 1000).toFixed(0)} KB`,
  );
  return row;
}

// ---------------------------------------------------------------------------------------
// The two tools, as the browser meets them

/** dbt docs: an AngularJS app that renders everything once manifest.json and catalog.json are in. */
function dbtDocsTool(url, model) {
  return {
    name: "dbt docs",
    hydrates: false,
    modelUrl: `${url}/index.html#!/model/${model.uid}`,
    // The model view's title: <h1><span class="break">name</span><small>table</small></h1>
    // in the view's ui-view. The search view has the same h1 (holding the query), hidden
    // in another .app-body, so the ui-view attribute tells them apart.
    heading: { selector: ".app-body[ui-view] .app-title h1 > span.break", text: model.name },
    homeUrl: `${url}/index.html`,
    input: "#search",
    // The search box exists once Angular has compiled the layout, but searching reads
    // the loaded project: a query typed before manifest.json is in finds nothing and is
    // not run again. The sidebar tree listing nodes is the sign the project is loaded.
    ready: () => !!document.querySelector("input#search.ng-pristine") && !!document.querySelector("[data-nav-unique-id]"),
    query: model.name,
    // A result: <div class="search-result" href="#!/model/<uid>">…<h4><span>name</span>.
    hit: { selector: `.search-result[href="#!/model/${model.uid}"] h4 > span`, text: model.name },
  };
}

/** meshlens: server-rendered pages, hydrated by the wasm app. */
function meshlensTool(url, model) {
  const href = `/nodes/${encodeURIComponent(model.uid)}`;
  return {
    name: "meshlens",
    hydrates: true,
    modelUrl: `${url}${href}`,
    // The node page's title, in the server's HTML: <h1>name <span class="badge">…</h1>.
    // Badges follow the name, so only the heading's own text is compared.
    heading: { selector: "main article.node h1", text: model.name, own: true },
    homeUrl: `${url}/`,
    input: ".search-box input[type=search]",
    // The box's suggestions come from the hydrated app; before that, typing fills a form.
    ready: () => document.body?.dataset.hydrated === "true",
    query: model.name,
    // A suggestion: <ul class="suggestions"><li><a href="/nodes/<uid>"><span class="hit-name">.
    hit: { selector: `.search-box .suggestions a[href="${href}"] .hit-name`, text: model.name },
  };
}

// ---------------------------------------------------------------------------------------

mkdirSync(work, { recursive: true });
const projectDir = project();
const facts = describe(projectDir);
console.error(`model: ${facts.model.uid} (${facts.model.parents} parents)`);
const dbt = dbtCore();
console.error(`dbt-core ${dbt.version}: ${dbt.indexHtml}`);
const docs = await staticServer(dbtDocsFolder(projectDir, dbt.indexHtml));
const meshlens = await serve(index(projectDir));
const browser = await launchChromium();
let rows;
try {
  rows = {
    dbt: await measure(browser, dbtDocsTool(docs.url, facts.model)),
    meshlens: await measure(browser, meshlensTool(meshlens.url, facts.model)),
  };
} finally {
  await browser.close();
  await meshlens.stop();
  await docs.stop();
}

const ms = (v) => `${v.toFixed(0)} ms`;
const kb = (v) => `${(v / 1000).toLocaleString("en-US", { maximumFractionDigits: 0 })} KB`;
// Long tasks are those over 50 ms: a page with none has a longest task under 50 ms, no more precise.
const LONG_TASK = 50;
const task = (v) => (v < LONG_TASK ? `< ${LONG_TASK} ms` : ms(v));
const ratio = (a, b, fmt) => {
  if (fmt !== task) return `${(a / b).toFixed(1)}×`;
  if (a < LONG_TASK && b < LONG_TASK) return "";
  return `${b < LONG_TASK ? "> " : ""}${(Math.max(a, LONG_TASK) / Math.max(b, LONG_TASK)).toFixed(1)}×`;
};
const measures = [
  ["model page: first contentful paint", "fcp", ms],
  ["model page: heading naming the model painted", "heading", ms],
  ["model page: interactive (dbt docs: heading rendered by the app; meshlens: hydrated and painted)", "interactive", ms],
  ["model page: longest main-thread task", "longest", task],
  ["model page: bytes transferred, first load", "bytes", kb],
  ["search: suggestion naming the model painted, from navigation start", "search", ms],
  ["search: longest main-thread task", "searchLongest", task],
  ["search: bytes transferred (home page and search)", "searchBytes", kb],
];
const cpu = os.cpus();
const encodings = [...docs.encodings].join("/");
const lines = [
  `dbt docs against meshlens on one generated project: manifest.json ${facts.mb.toFixed(1)} MB, ` +
    `${facts.models.toLocaleString("en-US")} models, ${facts.nodes.toLocaleString("en-US")} nodes; ` +
    `model \`${facts.model.uid}\` (${facts.model.parents} parents). ` +
    `dbt docs: dbt-core ${dbt.version}'s index.html with manifest.json and an empty catalog.json, ` +
    `served ${encodings}-compressed ahead of time by a static server (\`dbt docs serve\` sends them uncompressed, ` +
    `${kb(docs.rawBytes)}). meshlens: release build. ` +
    `Debian chromium ${browser.version()}, ${VIEWPORT.width}×${VIEWPORT.height}, cold loads (fresh context, empty cache), ` +
    `median of ${samples} after one warm-up, ${cpu.length} × ${cpu[0]?.model.trim()}.`,
  "",
  `Times are from navigation start; "painted" is the end of the first frame showing the element (for the heading, not before the first contentful paint). ` +
    `Search: load the home page, wait until its box works (dbt docs: project loaded; meshlens: hydrated), ` +
    `fill in the model's name at once, and stop when the suggestion naming the model is painted.`,
  "",
  "| measure | dbt docs | meshlens | ratio (dbt docs / meshlens) |",
  "|---|---:|---:|---:|",
  ...measures.map(([label, key, fmt]) => `| ${label} | ${fmt(rows.dbt[key])} | ${fmt(rows.meshlens[key])} | ${ratio(rows.dbt[key], rows.meshlens[key], fmt)} |`),
];
console.log(lines.join("\n"));
if (out) writeFileSync(out, lines.join("\n") + "\n");
