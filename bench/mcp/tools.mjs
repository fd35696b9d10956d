// The MCP benchmark (`cargo xtask bench mcp`): every tool through the official SDK's
// client, over stdio (`meshlens mcp`) and over HTTP (`POST /mcp` on `meshlens serve`),
// against a 7,000-model generated mesh (28 projects of 250 models, plus the `shapes`
// project: a node with 1,000 children and a chain 200 deep). For each call: the median
// time over the samples and the size of the answer, which the caps keep small however
// big the mesh. Prints the README's markdown table.
//
// Environment: MESHLENS_BIN, MESHLENS_BENCH_BIN (release builds), MESHLENS_BENCH_WORK
// (where the mesh and index go, kept between runs), MESHLENS_BENCH_SAMPLES (default 9).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The SDK is installed with the tests' npm packages.
const sdk = (p) => createRequire(path.join(root, "tests/package.json")).resolve(`@modelcontextprotocol/sdk/${p}`);
const { Client } = await import(sdk("client/index.js"));
const { StdioClientTransport } = await import(sdk("client/stdio.js"));
const { StreamableHTTPClientTransport } = await import(sdk("client/streamableHttp.js"));

const bin = process.env.MESHLENS_BIN ?? path.join(root, "target/release/meshlens");
const benchBin = process.env.MESHLENS_BENCH_BIN ?? path.join(root, "target/release/meshlens-bench");
const work = process.env.MESHLENS_BENCH_WORK ?? "/var/tmp/meshlens-bench/mcp";
const samples = Number(process.env.MESHLENS_BENCH_SAMPLES ?? 9);

const artifacts = path.join(work, "mesh7k");
const data = path.join(work, "mesh7k-data");
mkdirSync(work, { recursive: true });
if (!existsSync(artifacts)) {
  console.error("generating the 7,000-model mesh");
  execFileSync(benchBin, ["generate", "--out", artifacts, "--projects", "28", "--models", "250", "--shapes"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}
const projects = readdirSync(artifacts).filter((p) => p !== "heads");
execFileSync(bin, ["index", "--data", data, ...projects.map((p) => path.join(artifacts, p))], {
  stdio: ["ignore", "ignore", "inherit"],
});

// The head for `impact`: one project's release that drops the first column of every
// public model, which other projects read.
const upstream = projects.filter((p) => p !== "shapes").sort()[0];
const head = path.join(work, "head-manifest.json");
const manifest = JSON.parse(readFileSync(path.join(artifacts, upstream, "manifest.json"), "utf8"));
let dropped = 0;
for (const node of Object.values(manifest.nodes)) {
  const first = Object.keys(node.columns ?? {})[0];
  if (node.resource_type === "model" && node.access === "public" && first) {
    delete node.columns[first];
    dropped += 1;
  }
}
writeFileSync(head, JSON.stringify(manifest));
const headJson = JSON.parse(readFileSync(head, "utf8"));

const nodeId = `model.${upstream}.${Object.values(manifest.nodes).find((n) => n.access === "public").name}`;
const calls = [
  ["list_projects", {}],
  ["search", { query: "orders" }],
  ["search", { query: "owner:finance" }],
  ["get_node", { unique_id: nodeId }],
  ["get_node", { unique_id: "model.shapes.hub" }],
  ["lineage", { select: `${nodeId}+` }],
  ["lineage", { select: "+model.shapes.chain_199" }],
  ["lineage", { select: "model.shapes.hub+" }],
  ["owners", {}],
  ["impact", { head }],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(client, transport, rows, headFor) {
  for (const [tool, args] of calls) {
    const given = tool === "impact" ? { head: headFor } : args;
    const shown = tool === "impact" && typeof headFor !== "string" ? "{head: the manifest, uploaded}" : JSON.stringify(args);
    const times = [];
    let result;
    for (let i = 0; i < samples; i += 1) {
      const start = performance.now();
      result = await client.callTool({ name: tool, arguments: given });
      times.push(performance.now() - start);
    }
    if (result.isError) throw new Error(`${tool} ${JSON.stringify(args)}: ${result.content[0].text}`);
    const bytes = Buffer.byteLength(result.content[0].text);
    const cut = result.structuredContent.truncated?.join("; ") ?? "";
    rows.push(`| ${transport} | \`${tool}\` ${shown.replace(/\|/g, "\\|")} | ${median(times).toFixed(1)} ms | ${(bytes / 1024).toFixed(1)} KB | ${cut} |`);
  }
}

const rows = [];
const stdio = new Client({ name: "meshlens-bench", version: "1" });
await stdio.connect(new StdioClientTransport({ command: bin, args: ["mcp", "--data", data], stderr: "ignore" }));
await measure(stdio, "stdio", rows, head);
await stdio.close();

const server = spawn(bin, ["serve", "--data", data, "--addr", "127.0.0.1:0"], {
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, MESHLENS_LOG: "info" },
});
const url = await new Promise((resolve, reject) => {
  let seen = "";
  server.stderr.on("data", (chunk) => {
    seen += chunk;
    const m = seen.match(/listening on (http:\/\/[0-9.:]+)/);
    if (m) resolve(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`serve exited ${code}: ${seen}`)));
});
try {
  const http = new Client({ name: "meshlens-bench", version: "1" });
  await http.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  await measure(http, "HTTP", rows, headJson);
  await http.close();
} finally {
  server.kill();
}

console.log(`MCP tools on ${projects.length} projects (${dropped} public models of \`${upstream}\` lose a column in the head), median of ${samples}:\n`);
console.log("| transport | call | time | answer | truncated |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
