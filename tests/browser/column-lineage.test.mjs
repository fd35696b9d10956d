// Column lineage over tests/column-mesh (real dbt 1.11): a node page's columns with what
// they read and how many read them, the column lineage view across projects, column:
// search, the project page's coverage; and a column read by 300 models, grouped so the
// view stays readable. JavaScript on and off.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, root, screenshots, useIndexedMesh } from "./harness.mjs";

const artifacts = path.join(root, "tests/column-mesh/artifacts");
const mesh = useIndexedMesh(() => ["core", "analytics"].map((p) => path.join(artifacts, p)));

describe("column lineage", () => {
  test("a node page shows each column's upstream, across projects, and its readers", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(mesh.browser, mesh.server.url + "/nodes/model.analytics.client_summary", { javaScript });
      assert.equal(response.status(), 200);
      const row = page.locator('.columns tr[data-column="client_id"]');
      const ref = row.locator(".column-ref");
      assert.equal(await ref.getAttribute("data-node"), "model.core.dim_customers");
      assert.equal(await ref.getAttribute("data-kind"), "copy");
      assert.match(await ref.textContent(), /dim_customers\.customer_id\s+core\s+copy/);
      assert.match(await ref.locator("a").getAttribute("href"), /^\/lineage\?column=model\.core\.dim_customers%3Acustomer_id$/);
      const renamed = page.locator('.columns tr[data-column="client_name"] .column-ref');
      assert.match(await renamed.textContent(), /dim_customers\.full_name/, "renamed across projects");
      assert.equal(await page.locator(".column-lineage").getAttribute("data-column-lineage"), "ok");
      assert.deepEqual(errors, []);
      await close();

      const up = await open(mesh.browser, mesh.server.url + "/nodes/model.core.dim_customers", { javaScript });
      const transform = up.page.locator('.columns tr[data-column="lifetime_amount"] .column-ref');
      assert.equal(await transform.getAttribute("data-kind"), "transform");
      const readers = up.page.locator('.columns tr[data-column="customer_id"] .column-downstream');
      assert.ok(Number(await readers.getAttribute("data-downstream-count")) >= 2);
      assert.match(await readers.textContent(), /^\d+ downstream columns$/);
      await up.close();

      const odd = await open(mesh.browser, mesh.server.url + "/nodes/model.core.payment_pivot", { javaScript });
      assert.equal(await odd.page.locator(".column-lineage").getAttribute("data-column-lineage"), "unavailable");
      assert.match(await odd.page.locator(".column-lineage-status").textContent(), /^Column lineage unavailable: .+/);
      await odd.close();
    }));

  test("the column lineage view draws table cards across projects with typed columns", (t) =>
    bothModes(t, async (javaScript) => {
      const url = mesh.server.url + "/lineage?column=" + encodeURIComponent("model.core.dim_customers:customer_id");
      const { page, response, errors, close } = await open(mesh.browser, url, { javaScript });
      assert.equal(response.status(), 200);
      const cards = await page.locator(".column-card").evaluateAll((g) => g.map((c) => [c.dataset.node, c.dataset.project, Number(c.dataset.depth)]));
      const byId = Object.fromEntries(cards.map(([id, project, depth]) => [id, { project, depth }]));
      assert.equal(byId["model.core.dim_customers"].depth, 0);
      assert.ok(byId["model.analytics.client_summary"].depth > 0, JSON.stringify(cards));
      assert.equal(byId["model.analytics.client_summary"].project, "analytics");
      assert.ok(Object.values(byId).some((c) => c.depth < 0), "upstream cards");
      const focus = page.locator('.column-card.focus .column-row.focus');
      assert.equal(await focus.getAttribute("data-column"), "customer_id");
      // Only the columns involved, with their warehouse types.
      const rows = await page.locator('.column-card[data-node="model.analytics.client_summary"] .column-row').evaluateAll((r) => r.map((x) => x.dataset.column));
      assert.deepEqual(rows, ["client_id"]);
      assert.match(await page.locator('.column-card[data-node="model.core.dim_customers"] .row-type').first().textContent(), /INTEGER|BIGINT|VARCHAR/i);
      assert.ok((await page.locator('.column-lineage-graph path.column-edge[data-kind="copy"]').count()) >= 2);
      const summary = page.locator(".lineage-summary");
      assert.ok(Number(await summary.getAttribute("data-edges")) >= 3);
      // Readable at any size: the frame scrolls, the text is never scaled down.
      const size = await page.locator(".column-card .row-name").first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 12, `row text ${size}px`);
      assert.ok((await page.locator(".column-edge-list tbody tr").count()) >= 3);
      if (javaScript) await page.screenshot({ path: path.join(screenshots, "column-lineage.png"), fullPage: true });
      assert.deepEqual(errors, []);
      await close();
    }));

  test("direction and depth come from the form; a column's row refocuses the view", (t) =>
    bothModes(t, async (javaScript) => {
      const url = mesh.server.url + "/lineage?column=" + encodeURIComponent("model.core.dim_customers:customer_id");
      const { page, close } = await open(mesh.browser, url, { javaScript });
      await page.locator('select[name="direction"]').selectOption("up");
      await page.locator('select[name="depth"]').selectOption("1");
      await page.locator(".column-lineage-form button").click();
      await page.waitForURL(/direction=up&depth=1/);
      await page.waitForSelector(".column-lineage-graph");
      const depths = await page.locator(".column-card").evaluateAll((g) => g.map((c) => Number(c.dataset.depth)));
      assert.ok(depths.every((d) => d === 0 || d === -1), depths.join(","));
      await page.locator('.column-card[data-depth="-1"] .column-row').first().click();
      await page.waitForURL(/column=model\.core\./);
      await page.waitForSelector(".column-card.focus");
      await close();
    }));

  test("what the walk cannot see through is named, and a missing column is a 404", (t) =>
    bothModes(t, async (javaScript) => {
      const url = mesh.server.url + "/lineage?column=" + encodeURIComponent("model.core.stg_payments:amount") + "&direction=down";
      const { page, close } = await open(mesh.browser, url, { javaScript });
      await page.waitForSelector(".lineage-summary");
      const blocked = await page.locator(".column-unavailable a").evaluateAll((a) => a.map((x) => x.dataset.node));
      assert.ok(blocked.includes("model.core.payment_pivot"), blocked.join(","));
      await close();
      const missing = await open(mesh.browser, mesh.server.url + "/lineage?column=" + encodeURIComponent("model.core.dim_customers:nope"), { javaScript });
      assert.equal(missing.response.status(), 404);
      assert.match(await missing.page.locator("main").textContent(), /has no column "nope"/);
      await missing.close();
    }));

  test("column: search finds columns and a hit opens the column", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(mesh.browser, mesh.server.url + "/search?q=" + encodeURIComponent("column:client_id"), { javaScript });
      const hit = page.locator('.hit[data-unique-id="model.analytics.client_summary"]');
      assert.equal(await hit.getAttribute("data-column"), "client_id");
      assert.equal(await hit.locator(".hit-name").getAttribute("href"), "/lineage?column=model.analytics.client_summary%3Aclient_id");
      await hit.locator(".hit-name").click();
      await page.waitForSelector(".column-lineage-graph");
      await close();
    }));

  test("the project page gives its column lineage coverage and each failure", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(mesh.browser, mesh.server.url + "/projects/core", { javaScript });
      const section = page.locator(".column-coverage");
      assert.equal(await section.getAttribute("data-parsed"), "10");
      assert.equal(await section.getAttribute("data-unavailable"), "1");
      assert.match(await section.textContent(), /10 of 11 models with compiled SQL parsed \(90\.9%\)/);
      assert.equal(await section.locator(".column-failures li").getAttribute("data-unique-id"), "model.core.payment_pivot");
      await close();
    }));
});

// 300 analytics models that each read core's dim_customers.customer_id: copies of
// client_summary in its manifest, as a big mesh would have them.
const big = useIndexedMesh((dir) => {
  const core = path.join(dir, "core");
  const analytics = path.join(dir, "analytics");
  for (const [from, to] of [["core", core], ["analytics", analytics]]) {
    mkdirSync(to, { recursive: true });
    for (const f of ["manifest.json", "catalog.json", "run_results.json"]) copyFileSync(path.join(artifacts, from, f), path.join(to, f));
  }
  const file = path.join(analytics, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  const template = manifest.nodes["model.analytics.client_summary"];
  for (let i = 0; i < 300; i++) {
    const id = `model.analytics.client_summary_${i}`;
    manifest.nodes[id] = { ...template, unique_id: id, name: `client_summary_${i}`, alias: `client_summary_${i}`, relation_name: `"column_mesh"."analytics"."client_summary_${i}"`, fqn: ["analytics", `client_summary_${i}`] };
  }
  writeFileSync(file, JSON.stringify(manifest));
  return [core, analytics];
});

describe("column lineage at scale", () => {
  test("a column read by 300 models is grouped by project until opened, and stays readable", (t) =>
    bothModes(t, async (javaScript) => {
      const url = big.server.url + "/lineage?column=" + encodeURIComponent("model.core.dim_customers:customer_id") + "&direction=down&depth=1";
      const { page, response, close } = await open(big.browser, url, { javaScript });
      assert.equal(response.status(), 200);
      assert.ok(Number(await page.locator(".lineage-summary").getAttribute("data-nodes")) > 300);
      const group = page.locator('.column-group[data-project="analytics"]');
      assert.ok(Number(await group.getAttribute("data-count")) > 300);
      assert.ok((await page.locator(".column-card").count()) < 20, "grouped, not 300 cards");
      const size = await page.locator(".column-group .card-name").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 12, `group label ${size}px`);
      if (javaScript) await page.screenshot({ path: path.join(screenshots, "column-lineage-300.png") });
      await group.click();
      await page.waitForURL(/expand=1%3Aanalytics/);
      await page.waitForSelector(".column-more");
      assert.equal(await page.locator('.column-card[data-project="analytics"]').count(), 40);
      assert.match(await page.locator(".column-more").textContent(), /and \d+ more nodes/);
      await close();
    }));
});
