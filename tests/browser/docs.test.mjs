// The pages reviewers read before they change a model: node, project, groups,
// versions and governance, each with JavaScript on and off, checking the facts the
// demo mesh was built to show; and descriptions that try to run a script.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { bin, bothModes, demoArtifacts, open, screenshots, startServer, useDemo } from "./harness.mjs";

const demo = useDemo();

describe("node page", () => {
  test("a deprecated version still pinned downstream", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, errors, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.dim_customers.v1", { javaScript });
      assert.match(await page.locator("h1 .badge.state").textContent(), /deprecated/);
      assert.equal(await page.locator(".facts dd.deprecation").textContent(), "2025-06-30");
      assert.equal(await page.locator(".ref-snippet code").textContent(), "{{ ref('platform', 'dim_customers', v=1) }}");
      const users = await page.locator(".used-by-projects a").allTextContents();
      assert.ok(users.includes("marketing"), users.join(","));
      const children = await page.locator("section.lineage-lists div:nth-child(2) li").allTextContents();
      assert.ok(children.some((c) => c.includes("mkt_customers_legacy")), children.join("|"));
      assert.equal(await page.locator(".ref-snippet .copy").isVisible(), javaScript, "copy needs the hydrated app");
      if (javaScript) {
        await page.locator(".ref-snippet .copy").click();
        await page.waitForFunction(() => document.querySelector(".ref-snippet .copy").textContent === "Copied");
      }
      assert.deepEqual(errors, []);
      await close();
    }));

  test("a stale source shows its freshness", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/nodes/source.platform.acme_raw.legacy_crm_accounts", { javaScript });
      assert.equal(await page.locator(".facts .freshness").textContent(), "error");
      assert.equal(await page.locator(".ref-snippet code").textContent(), "{{ source('acme_raw', 'legacy_crm_accounts') }}");
      await close();
    }));

  test("the contract type the warehouse does not have is marked, with code and tests", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.fct_orders", { javaScript });
      const row = page.locator('tr[data-column="amount_usd"]');
      assert.equal(await row.getAttribute("class"), "type-mismatch");
      assert.equal(await row.locator("td").nth(0).textContent(), "double");
      assert.equal(await row.locator(".catalog-type").textContent(), "DECIMAL(12,2)");
      assert.ok((await page.locator('tr[data-column="order_id"] .column-tests a.status.pass').count()) >= 2);
      assert.match(await page.locator(".description-text strong").first().textContent(), /order/);
      assert.ok((await page.locator('.code-block[data-code="raw"] .kw').count()) > 3, "SQL keywords are highlighted");
      assert.match(await page.locator(".finding-kind[data-kind=contract_type_mismatch]").textContent(), /amount_usd/);
      await close();
    }));

  test("a failing test shows on its model", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.dim_products", { javaScript });
      assert.equal(await page.locator('tr[data-column="sku"] .column-tests a.status.fail').count(), 1);
      assert.match(await page.locator("section.tests").textContent(), /unique_dim_products_sku on sku fail/);
      await close();
    }));

  test("an inferred edge from a source() that reads another project's table", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/nodes/source.marketing.platform_warehouse.orders_table", { javaScript });
      const parent = page.locator("section.lineage-lists div:nth-child(1) li.inferred");
      assert.match(await parent.textContent(), /fct_orders.*platform.*inferred/);
      await close();
    }));

  test("reads on a phone", async () => {
    const { page, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.fct_orders", { javaScript: true, width: 390 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: path.join(screenshots, "node-phone.png") });
    await close();
  });
});

describe("project page", () => {
  test("the project's API, its place in the mesh and its findings", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(demo.browser, demo.server.url + "/projects/platform", { javaScript });
      assert.equal(response.status(), 200);
      assert.equal(await page.locator(".dbt-version").textContent(), "1.11.16");
      assert.equal(await page.locator("table.public-models tbody tr").count(), 6);
      assert.equal(await page.locator('table.public-models tr[data-unique-id="model.platform.fct_orders"] td.contract').textContent(), "enforced");
      const downstream = await page.locator(".downstream li").evaluateAll((l) => l.map((x) => x.dataset.project));
      assert.deepEqual(downstream.sort(), ["finance", "marketing"]);
      assert.ok((await page.locator(".finding-kind").count()) >= 2);
      await close();
    }));

  test("an unknown project is a real 404", async () => {
    const { page, response, close } = await open(demo.browser, demo.server.url + "/projects/nope", { javaScript: false });
    assert.equal(response.status(), 404);
    assert.match(await page.locator("h1").textContent(), /Project not found/);
    await close();
  });
});

describe("groups, versions and governance", () => {
  test("a group owner with several emails", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/groups", { javaScript });
      const core = page.locator('[data-group="platform.platform_core"]');
      assert.match(await core.locator(".group-owner").textContent(), /Platform Team platform@acme\.io data-oncall@acme\.io/);
      assert.ok((await core.locator(".node-links li").count()) >= 3);
      assert.match(await page.locator('[data-group="marketing.platform_core"] .group-owner').textContent(), /Marketing Ops/);
      await close();
    }));

  test("versions: states, who pins the deprecated one, deprecations soonest first", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/versions", { javaScript });
      const model = page.locator('[data-model="platform.dim_customers"]');
      const states = await model.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.state));
      assert.deepEqual(states, ["deprecated", "latest", "prerelease"]);
      assert.match(await model.locator('tr[data-state="deprecated"] .pinned-by').textContent(), /mkt_customers_legacy/);
      assert.match(await model.locator('tr[data-state="latest"] .following').textContent(), /mkt_customers/);
      const first = page.locator(".deprecations tbody tr").first();
      assert.equal(await first.getAttribute("data-unique-id"), "model.platform.dim_customers.v1");
      assert.equal(await first.locator(".pinned-count").textContent(), "1");
      await close();
    }));

  test("governance: findings by kind and project, contract coverage", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/governance", { javaScript });
      const privateRef = page.locator(".finding-kind[data-kind=private_ref]");
      assert.match(await privateRef.textContent(), /mkt_customer_contacts.*stg_customers/);
      assert.equal(await page.locator('.coverage tr[data-project="platform"] .coverage-pct').textContent(), "33%");
      assert.equal(await page.locator('.per-project tr[data-project="marketing"] td[data-kind="deprecated_ref"]').textContent(), "1");
      for (const kind of ["protected_ref", "deprecated_ref", "unpinned_ref", "public_without_contract", "contract_type_mismatch"]) {
        assert.equal(await page.locator(`.finding-kind[data-kind=${kind}]`).count(), 1, kind);
      }
      if (javaScript) {
        await page.screenshot({ path: path.join(screenshots, "governance.png"), fullPage: true });
      }
      await close();
    }));
});

describe("hostile descriptions", () => {
  let hostile;
  let dir;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "meshlens-xss-"));
    const platform = path.join(dir, "platform");
    cpSync(path.join(demoArtifacts, "platform"), platform, { recursive: true });
    const manifestPath = path.join(platform, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    manifest.nodes["model.platform.dim_products"].description = [
      "Products. <script>window.__pwned = 'script'</script>",
      '<img src="x" onerror="window.__pwned = \'onerror\'">',
      "[click me](javascript:window.__pwned='link') <a id=\"raw\" href=\"javascript:window.__pwned='raw'\">raw link</a>",
      "<svg onload=\"window.__pwned='svg'\"></svg> <iframe src=\"javascript:window.__pwned='iframe'\"></iframe>",
    ].join("\n\n");
    writeFileSync(manifestPath, JSON.stringify(manifest));
    execFileSync(bin, ["index", "--data", path.join(dir, "data"), platform]);
    hostile = await startServer(["--data", path.join(dir, "data")]);
  });

  after(async () => {
    await hostile?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("render inert: no script runs, no handler or javascript: link survives", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, hostile.url + "/nodes/model.platform.dim_products", { javaScript });
      const html = await page.locator(".description-text").innerHTML();
      for (const bad of ["<script", "onerror", "onload", "javascript:", "<iframe"]) {
        assert.ok(!html.includes(bad), `${bad} survived: ${html}`);
      }
      assert.match(html, /Products\./);
      if (javaScript) {
        for (const link of await page.locator(".description-text a").all()) {
          await link.click({ noWaitAfter: true }).catch(() => {});
        }
        await page.waitForTimeout(200);
        assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
      }
      await close();
    }));
});
