// The MCP server with the official SDK's client: `meshlens mcp` over stdio and
// `POST /mcp` on `meshlens serve`, both over the embedded demo mesh.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { bin, root, startServer } from "../browser/harness.mjs";

const TOOLS = ["column_lineage", "get_node", "impact", "lineage", "list_projects", "owners", "search"];
const columnRemoved = path.join(root, "tests/demo-mesh/diffs/column_removed/manifest.json");

async function stdioClient(args = []) {
  const client = new Client({ name: "meshlens-tests", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: bin, args: ["mcp", ...args], stderr: "pipe" }));
  return client;
}

async function httpClient(url) {
  const client = new Client({ name: "meshlens-tests", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return client;
}

/** A tool's structured answer, asserting it is (or is not) a tool error. */
async function call(client, name, args, { error = false } = {}) {
  const result = await client.callTool({ name, arguments: args });
  assert.equal(Boolean(result.isError), error, `${name} ${JSON.stringify(args)}: ${JSON.stringify(result.content)}`);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, "the text is the structured answer");
  return result.structuredContent;
}

/** What both transports answer alike. */
async function answersMeshQuestions(client) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", `${tool.name} has an input schema`);
    assert.ok(tool.description.length > 40, `${tool.name} says what it does`);
  }
  assert.deepEqual(Object.keys(tools.find((t) => t.name === "search").inputSchema.properties).sort(), ["limit", "query"]);
  assert.deepEqual(Object.keys(tools.find((t) => t.name === "get_node").inputSchema.properties).sort(), ["name", "project", "unique_id"]);
  assert.deepEqual(Object.keys(tools.find((t) => t.name === "lineage").inputSchema.properties).sort(), ["exclude", "select"]);

  const mesh = await call(client, "list_projects", {});
  assert.deepEqual(mesh.projects.map((p) => p.name).sort(), ["exec_reporting", "finance", "marketing", "platform"]);
  assert.ok(mesh.projects.find((p) => p.name === "platform").models > 5);
  assert.ok(mesh.edges.some((e) => e.source === "platform" && e.target === "finance" && e.refs > 0), JSON.stringify(mesh.edges));

  const found = await call(client, "search", { query: "fct_orders" });
  assert.equal(found.hits[0].unique_id, "model.platform.fct_orders");
  assert.ok(found.total >= found.hits.length);
  const one = await call(client, "search", { query: "orders", limit: 1 });
  assert.equal(one.hits.length, 1);
  assert.match(one.truncated[0], /^\d+ more hits; /);

  const node = await call(client, "get_node", { unique_id: "model.platform.fct_orders" });
  assert.equal(node.contract.enforced, true);
  assert.equal(node.access, "public");
  assert.ok(node.columns.some((c) => c.name === "status"), "columns");
  assert.ok(node.children.some((c) => c.unique_id === "model.finance.fin_orders" && c.project === "finance"), "children across projects");
  assert.ok(node.parents.length > 0);
  assert.ok(node.owners.length > 0, "owners");
  assert.ok(node.tests.total > 0 && typeof node.tests.pass === "number", "tests' status");
  assert.deepEqual(await call(client, "get_node", { name: "fct_orders" }), node, "by name");
  assert.deepEqual(await call(client, "get_node", { name: "fct_orders", project: "platform" }), node, "by name and project");

  const lineage = await call(client, "lineage", { select: "+fct_orders" });
  const ids = new Set(lineage.nodes.map((n) => n.unique_id));
  for (const parent of node.parents) assert.ok(ids.has(parent.unique_id), `+fct_orders holds its parent ${parent.unique_id}`);
  assert.ok(lineage.nodes.find((n) => n.unique_id === "model.platform.fct_orders").focus);
  assert.ok(lineage.edges.some((e) => e.target === "model.platform.fct_orders"));
  assert.equal(lineage.truncated, undefined, "nothing cut at the default cap");
  const columns = await call(client, "column_lineage", { unique_id: "model.platform.fct_orders", column: "AMOUNT_USD", direction: "down" });
  assert.equal(columns.column.name, "amount_usd", "the manifest's spelling");
  assert.ok(
    columns.edges.some((e) => e.target.node === "model.marketing.mkt_order_attribution" && e.target.column === "amount_usd" && e.kind === "copy"),
    "read across projects: " + JSON.stringify(columns.edges),
  );
  assert.ok(columns.edges.some((e) => e.kind === "transform"));
  const byName = await call(client, "column_lineage", { name: "fct_orders", project: "platform", column: "amount_usd", direction: "down" });
  assert.deepEqual(byName, columns, "by name");
  const noColumn = await call(client, "column_lineage", { unique_id: "model.platform.fct_orders", column: "nope" }, { error: true });
  assert.equal(noColumn.error.code, "column_not_found");
  const badDepth = await call(client, "column_lineage", { unique_id: "model.platform.fct_orders", column: "amount_usd", depth: 999 }, { error: true });
  assert.equal(badDepth.error.code, "bad_request");
  assert.ok(node.columns.find((c) => c.name === "amount_usd").downstream_count > 0, "get_node counts a column's readers");
  const excluded = await call(client, "lineage", { select: "+fct_orders", exclude: "fct_orders" });
  assert.ok(!excluded.nodes.some((n) => n.unique_id === "model.platform.fct_orders"));

  const owners = await call(client, "owners", {});
  assert.ok(owners.owners.length > 0);
  const first = owners.owners[0];
  const owned = await call(client, "owners", { owner: first.key });
  assert.equal(owned.owner.key, first.key);
  assert.equal(owned.nodes.length, Math.min(first.nodes, 100));

  const resources = await client.listResources();
  assert.deepEqual(resources.resources.map((r) => r.uri).sort(), [
    "meshlens://projects/exec_reporting",
    "meshlens://projects/finance",
    "meshlens://projects/marketing",
    "meshlens://projects/platform",
  ]);
  const read = await client.readResource({ uri: "meshlens://projects/finance" });
  assert.equal(JSON.parse(read.contents[0].text).summary.name, "finance", "the same JSON as GET /api/v1/projects/finance");
  await assert.rejects(client.readResource({ uri: "meshlens://projects/nope" }), /no project named "nope" is indexed/);
}

/** Errors are tool errors with the JSON API's codes and messages. */
async function refusesAsTheApiDoes(client, url) {
  const missing = await call(client, "get_node", { unique_id: "model.platform.nope" }, { error: true });
  assert.equal(missing.error.code, "node_not_found");
  if (url) {
    const api = await (await fetch(`${url}/api/v1/nodes/model.platform.nope`)).json();
    assert.deepEqual(missing, api, "the same code and message as GET /api/v1/nodes/{id}");
  } else {
    assert.equal(missing.error.message, 'no node has the unique_id "model.platform.nope"');
  }
  const selector = await call(client, "lineage", { select: "+" }, { error: true });
  assert.equal(selector.error.code, "bad_request");
  assert.equal(selector.error.parameter, "select");
  if (url) {
    const api = await (await fetch(`${url}/api/v1/lineage?select=%2B&collapse=false`)).json();
    assert.deepEqual(selector, api, "the same answer as GET /api/v1/lineage");
  }
  const limit = await call(client, "search", { query: "orders", limit: 100000 }, { error: true });
  assert.equal(limit.error.parameter, "limit");
  assert.match(limit.error.message, /between 1 and 100/);
  const owner = await call(client, "owners", { owner: "nobody@nowhere" }, { error: true });
  assert.equal(owner.error.code, "owner_not_found");
  const ambiguous = await call(client, "get_node", {}, { error: true });
  assert.equal(ambiguous.error.code, "bad_request");
}

function assertImpact(impact) {
  assert.ok(impact.breaking >= 1);
  assert.equal(impact.changes[0].kind, "column_removed");
  assert.equal(impact.changes[0].node, "model.platform.fct_orders");
  for (const project of ["exec_reporting", "finance", "marketing"]) {
    assert.ok(impact.impacted_projects.includes(project), `impact names ${project}: ${impact.impacted_projects}`);
  }
  assert.ok(impact.changes[0].downstream.some((d) => d.unique_id === "model.finance.fin_orders"));
}

test("meshlens mcp over stdio answers with every tool", async () => {
  const client = await stdioClient();
  try {
    await answersMeshQuestions(client);
    await refusesAsTheApiDoes(client, null);
    // stdio is the user's own process: a path on their disk is theirs to give.
    assertImpact(await call(client, "impact", { head: columnRemoved }));
    assertImpact(await call(client, "impact", { head: path.dirname(columnRemoved) }));
    const renamed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "meshlens-mcp-")), "head.json");
    fs.copyFileSync(columnRemoved, renamed);
    assertImpact(await call(client, "impact", { head: renamed }));
    const inline = await call(client, "impact", { head: JSON.parse(fs.readFileSync(columnRemoved, "utf8")) });
    assertImpact(inline);
    const missing = await call(client, "impact", { head: "/nonexistent/target" }, { error: true });
    assert.equal(missing.error.parameter, "head");
    assert.match(missing.error.message, /\/nonexistent\/target/);
  } finally {
    await client.close();
  }
});

/** A real HTTP server on loopback serving the demo's head folders; its URL and closer. */
async function serveHeads() {
  const diffs = path.join(root, "tests/demo-mesh/diffs");
  const server = http.createServer((request, response) => {
    const file = path.join(diffs, path.normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)));
    if (!file.startsWith(diffs) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const body = fs.readFileSync(file);
    // object_store's HTTP client reads the length and last-modified of what it fetches.
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": body.length,
      "last-modified": fs.statSync(file).mtime.toUTCString(),
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

test("meshlens mcp over stdio reads a head behind a URL", async () => {
  const heads = await serveHeads();
  const client = await stdioClient();
  try {
    assertImpact(await call(client, "impact", { head: `${heads.url}/column_removed/manifest.json` }));
    assertImpact(await call(client, "impact", { head: `${heads.url}/column_removed/` }));
    const absent = await call(client, "impact", { head: `${heads.url}/no_such_head/` }, { error: true });
    assert.equal(absent.error.parameter, "head");
    assert.match(absent.error.message, /no_such_head/);
    const unknown = await call(client, "impact", { head: "ftp://example.com/manifest.json" }, { error: true });
    assert.equal(unknown.error.parameter, "head");
    assert.match(unknown.error.message, /unknown scheme "ftp"/);
  } finally {
    await client.close();
    heads.close();
  }
});

test("meshlens mcp caps every list and says what it left out", async () => {
  const client = await stdioClient(["--max-items", "2"]);
  try {
    const lineage = await call(client, "lineage", { select: "+fct_orders+" });
    assert.equal(lineage.nodes.length, 2);
    assert.ok(lineage.nodes[0].focus, "the focus is kept first");
    assert.match(lineage.truncated[0], /^\d+ more nodes; narrow the selector$/);
    assert.ok(lineage.selected > 2);
    const kept = new Set(lineage.nodes.map((n) => n.unique_id));
    for (const e of lineage.edges) assert.ok(kept.has(e.source) && kept.has(e.target), "edges only among kept nodes");
    const node = await call(client, "get_node", { unique_id: "model.platform.fct_orders" });
    assert.ok(node.columns.length <= 2 && node.children.length <= 2);
    assert.ok(node.truncated.some((t) => /more columns/.test(t)) && node.truncated.some((t) => /more children/.test(t)));
    const impact = await call(client, "impact", { head: columnRemoved });
    assert.ok(impact.changes[0].downstream.length <= 2);
    assert.ok(impact.truncated.some((t) => /more downstream nodes/.test(t)));
  } finally {
    await client.close();
  }
  const refused = fs.existsSync(bin) && (await import("node:child_process")).spawnSync(bin, ["mcp", "--max-items", "0"], { encoding: "utf8" });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--max-items/);
  assert.match(refused.stderr, /1\.\.=5000|1\.\.5000|range/);
});

test("POST /mcp on meshlens serve answers the same tools over streamable HTTP", async () => {
  const server = await startServer();
  let client;
  try {
    client = await httpClient(server.url);
    await answersMeshQuestions(client);
    await refusesAsTheApiDoes(client, server.url);
    // Over HTTP the head is uploaded in the call; no path on the server is read.
    assertImpact(await call(client, "impact", { head: JSON.parse(fs.readFileSync(columnRemoved, "utf8")) }));
    const path_ = await call(client, "impact", { head: columnRemoved }, { error: true });
    assert.equal(path_.error.code, "bad_request");
    assert.equal(path_.error.parameter, "head");
    assert.match(path_.error.message, /over HTTP, head is the manifest itself/);
    // Stateless: a second client, a fresh connection, works the same.
    const other = await httpClient(server.url);
    assert.equal((await call(other, "search", { query: "fct_orders" })).hits[0].unique_id, "model.platform.fct_orders");
    await other.close();
  } finally {
    await client?.close();
    await server.stop();
  }
});
