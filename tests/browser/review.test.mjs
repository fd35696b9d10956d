// Review: upload a project's new manifest.json, see what it breaks downstream, with
// JavaScript on and off. The manifests are real dbt output (tests/demo-mesh/diffs).
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, root, useDemo } from "./harness.mjs";

const demo = useDemo();
const manifest = (name) => path.join(root, "tests/demo-mesh/diffs", name, "manifest.json");

describe("review", () => {
  test("uploading a manifest shows its breaking changes, who they reach, and a PR summary", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(demo.browser, demo.server.url + "/review", { javaScript });
      assert.equal(response.status(), 200);
      assert.equal(await page.locator("h1").textContent(), "Review a change");
      await page.setInputFiles('input[type="file"][name="manifest"]', manifest("version_removed"));
      await page.locator('.review-form button[type="submit"]').click();
      await page.waitForURL(/\/review\/[0-9a-f]{20}$/);
      await page.waitForSelector("h1.review-title");
      assert.equal(await page.locator("h1.review-title").textContent(), "1 breaking change in platform");
      const row = page.locator('tr.change.breaking[data-kind="version_removed"]');
      assert.equal(await row.getAttribute("data-node"), "model.platform.dim_customers.v1");
      assert.match(await row.textContent(), /5 nodes in exec_reporting, marketing/);
      // The consumer that pins the removed version is marked.
      await row.locator("summary").click();
      const legacy = row.locator('li[data-id="model.marketing.mkt_customers_legacy"]');
      assert.match(await legacy.textContent(), /pins v1, gone in the head/);
      assert.equal(await legacy.getAttribute("class"), "gone");
      assert.deepEqual(await page.locator(".impacted-projects a").allTextContents(), ["exec_reporting", "marketing"]);
      assert.deepEqual(await page.locator(".impacted-owners a").allTextContents(), [
        "CFO Office",
        "Executive Reporting",
        "Growth Marketing",
      ]);
      // The graph: the changed version in the breaking colour, its consumers downstream.
      const changed = page.locator('.lineage-svg g.lnode[data-id="model.platform.dim_customers.v1"] rect');
      assert.equal(await changed.getAttribute("fill"), "#d64545");
      const consumer = page.locator('.lineage-svg g.lnode[data-id="model.marketing.mkt_customers_legacy"] rect');
      assert.equal(await consumer.getAttribute("fill"), "#4c78a8");
      assert.ok((await page.locator(".by-owner tbody tr").count()) === 3);
      const summary = await page.locator(".pr-summary textarea").inputValue();
      assert.match(summary, /^### meshlens: 1 breaking change in platform/);
      assert.match(summary, /\| 🔴 breaking \| `version_removed` \| `model\.platform\.dim_customers\.v1` \|/);
      // Colour by owner instead: a link, so it works without JavaScript.
      await page.locator(".lens-links a", { hasText: "Owner" }).click();
      await page.waitForURL(/lens=owner/);
      await page.waitForSelector('.lens-links a.current:has-text("Owner")');
      assert.ok(await page.locator(".legend-item", { hasText: "Growth Marketing" }).count());
      // The review is listed on the review page.
      await page.goto(demo.server.url + "/review");
      assert.ok((await page.locator("table.reviews tbody tr").count()) >= 1);
      assert.deepEqual(errors, []);
      await close();
    }));

  test("a removed column names the columns downstream that read it, before the nodes", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/review", { javaScript });
      await page.setInputFiles('input[type="file"][name="manifest"]', manifest("column_removed"));
      await page.locator('.review-form button[type="submit"]').click();
      await page.waitForURL(/\/review\/[0-9a-f]{20}$/);
      const row = page.locator('tr.change.breaking[data-kind="column_removed"]');
      const readers = row.locator(".column-readers");
      assert.ok(Number(await readers.getAttribute("data-count")) >= 1);
      assert.match(await readers.locator("summary").textContent(), /^\d+ downstream columns? read status/);
      const reader = readers.locator("li").first();
      assert.match(await reader.getAttribute("data-node"), /^model\./);
      assert.match(await reader.locator("a").getAttribute("href"), /^\/lineage\?column=|^\/nodes\//);
      // Column readers come first in the cell, then the nodes downstream.
      const order = await row.locator("td").last().evaluate((td) => [...td.children].map((c) => c.className));
      assert.equal(order[0], "column-readers");
      const summary = await page.locator(".pr-summary textarea").inputValue();
      assert.match(summary, /Columns that read fct_orders\.status/);
      await close();
    }));

  test("a non-breaking change says so, and a file that is not a manifest is refused with the reason", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/review", { javaScript });
      await page.setInputFiles('input[type="file"][name="manifest"]', manifest("non_breaking"));
      await page.locator('.review-form button[type="submit"]').click();
      await page.waitForURL(/\/review\/[0-9a-f]{20}$/);
      await page.waitForSelector("h1.review-title");
      assert.equal(await page.locator("h1.review-title").textContent(), "No breaking changes in platform");
      assert.equal(await page.locator("tr.change.breaking").count(), 0);
      assert.deepEqual(
        (await page.locator("tr.change").evaluateAll((rows) => rows.map((r) => r.dataset.kind))).sort(),
        ["code_changed", "column_added", "description_changed"],
      );
      await page.goto(demo.server.url + "/review");
      await page.setInputFiles('input[type="file"][name="manifest"]', path.join(root, "README.md"));
      await page.locator('.review-form button[type="submit"]').click();
      await page.waitForURL(/\/review\?error=/);
      await page.waitForSelector(".upload-error");
      assert.match(await page.locator(".upload-error").textContent(), /README\.md \(uploaded\): manifest\.json: .*line 1, column 1/);
      await close();
    }));

  test("an unknown review is a real 404", async () => {
    const { page, response, close } = await open(demo.browser, demo.server.url + "/review/ffffffffffffffffffff", {
      javaScript: false,
    });
    assert.equal(response.status(), 404);
    assert.match(await page.locator("h1").textContent(), /Review not found/);
    await close();
  });
});
