// What the browser benchmarks share: the meshlens server as visitors meet it, Debian
// chromium launched headless, and the median of a run's samples.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// playwright-core is installed with the browser tests' npm packages.
const { chromium } = createRequire(path.join(root, "tests/package.json"))("playwright-core");

/** `meshlens serve` on `data` at a free loopback port; resolves with its URL once it
 *  has brotli-compressed its bundle (a thread does it after start-up; until then first
 *  loads are compressed on the fly, larger and slower): the server as visitors meet it,
 *  not while it starts. */
export async function serveMeshlens(bin, data) {
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--data", data], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      log += chunk.toString();
      const m = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m && log.includes("bundle compressed for first loads")) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`meshlens exited with ${code}:\n${log}`)));
  });
  return { url, stop: async () => { child.kill("SIGTERM"); await once(child, "exit"); } };
}

/** Debian chromium, headless, as the browser tests run it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
