// Shared by every browser test: starts `meshlens serve` on the embedded demo mesh
// and Debian chromium (through playwright-core), and opens pages with JavaScript on
// (waiting for hydration) or off (the server-rendered HTML alone).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { after, before } from "node:test";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const screenshots = path.join(root, "tests/screenshots");

export const bin = process.env.MESHLENS_BIN ?? path.join(root, "target/debug/meshlens");
/** The benchmark's mesh generator (`meshlens-bench generate`), for meshes at real scale. */
export const benchBin = process.env.MESHLENS_BENCH_BIN ?? path.join(root, "target/debug/meshlens-bench");
export const demoArtifacts = path.join(root, "tests/demo-mesh/artifacts");

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts meshlens on a free port with the given extra args; resolves to { url, stop }. */
export async function startServer(args = []) {
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MESHLENS_LOG: "info" },
  });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshlens did not start:\n${log}`)), 30_000);
    child.stderr.on("data", (chunk) => {
      log += chunk.toString();
      const m = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`meshlens exited with ${code}:\n${log}`)));
  });
  return {
    url,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

export async function startBrowser() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
}

/**
 * Opens `url` in a fresh context. With JavaScript on, waits until the app has
 * hydrated; page errors are collected so a test can assert there were none.
 */
export async function open(browser, url, { javaScript, width = 1280 }) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  const response = await page.goto(url);
  if (javaScript) {
    await page.waitForSelector("body[data-hydrated=true]", { timeout: 15_000 });
  }
  return { page, response, errors, close: () => context.close() };
}

/** Runs `body` once with JavaScript on and once with it off. */
export function bothModes(t, body) {
  return Promise.all([]).then(async () => {
    for (const javaScript of [true, false]) {
      await t.test(javaScript ? "JavaScript on" : "JavaScript off", () => body(javaScript));
    }
  });
}

/**
 * The demo server and a browser for one test file, started before its tests and
 * stopped after them: `const demo = useDemo();` then `demo.server.url`, `demo.browser`.
 */
export function useDemo() {
  const demo = { server: null, browser: null };
  before(async () => {
    demo.server = await startServer();
    demo.browser = await startBrowser();
  });
  after(async () => {
    await demo.browser?.close();
    await demo.server?.stop();
  });
  return demo;
}

/**
 * Like useDemo, over artifact folders indexed for the file: `prepare(dir)` may write them
 * into a temporary folder first and returns their paths.
 */
export function useIndexedMesh(prepare) {
  const mesh = { server: null, browser: null, dir: null };
  before(async () => {
    mesh.dir = mkdtempSync(path.join(os.tmpdir(), "meshlens-browser-"));
    const folders = await prepare(mesh.dir);
    const data = path.join(mesh.dir, "data");
    execFileSync(bin, ["index", "--data", data, ...folders]);
    mesh.server = await startServer(["--data", data]);
    mesh.browser = await startBrowser();
  });
  after(async () => {
    await mesh.browser?.close();
    await mesh.server?.stop();
    rmSync(mesh.dir, { recursive: true, force: true });
  });
  return mesh;
}
