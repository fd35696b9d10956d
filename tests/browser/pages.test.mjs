// Every page, with JavaScript on (hydrated) and off (server-rendered), on the demo mesh.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, screenshots, useDemo } from "./harness.mjs";

const demo = useDemo();
mkdirSync(screenshots, { recursive: true });

describe("home page", () => {
  test("lists every demo project with its versions and counts", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(demo.browser, demo.server.url + "/", { javaScript });
      assert.equal(response.status(), 200);
      const projects = await page.locator("table.projects tbody tr").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-project")),
      );
      assert.deepEqual(projects, ["exec_reporting", "finance", "marketing", "platform"]);
      const platform = page.locator('tr[data-project="platform"]');
      assert.equal(await platform.locator("td").nth(0).textContent(), "1.11.16");
      assert.equal(await platform.locator("td").nth(1).textContent(), "v12");
      assert.equal(await platform.locator('[data-count="models"]').textContent(), "11");
      assert.equal(await platform.locator('[data-count="sources"]').textContent(), "2");
      assert.equal(await platform.locator('[data-count="tests"]').textContent(), "28");
      assert.equal(await page.locator('tr[data-project="exec_reporting"] [data-count="cross_project_edges"]').textContent(), "5");
      assert.match(await page.locator(".demo-banner").textContent(), /embedded demo mesh/);
      if (javaScript) {
        await page.screenshot({ path: path.join(screenshots, "home.png") });
      }
      assert.deepEqual(errors, []);
      await close();
    }));
});

describe("node page", () => {
  test("shows a model with its project, description and cross-project children", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.fct_orders", { javaScript });
      assert.equal(response.status(), 200);
      assert.match(await page.locator("h1").textContent(), /fct_orders/);
      assert.equal(await page.locator(".facts dd.project").textContent(), "platform");
      assert.match(await page.locator(".description-text").textContent(), /order/i);
      const children = page.locator("section.lineage-lists div:nth-child(2) li");
      const crossProject = await children.filter({ has: page.locator(".badge.xproj") }).allTextContents();
      assert.ok(crossProject.some((c) => c.includes("fin_orders") && c.includes("finance")), crossProject.join("\n"));
      const inferred = await children.filter({ has: page.locator(".badge.inferred") }).allTextContents();
      assert.ok(inferred.some((c) => c.includes("orders_table") && c.includes("marketing")), inferred.join("\n"));
      assert.match(await page.locator("tr.type-mismatch").textContent(), /amount_usd/);
      if (javaScript) {
        await page.screenshot({ path: path.join(screenshots, "node.png"), fullPage: true });
      }
      assert.deepEqual(errors, []);
      await close();
    }));

  test("every parent and child link opens its node page", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/nodes/model.finance.fin_orders", { javaScript });
      const hrefs = await page.locator(".node-links a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      assert.ok(hrefs.length >= 2, `links: ${hrefs}`);
      for (const href of hrefs) {
        const res = await page.request.get(demo.server.url + href);
        assert.equal(res.status(), 200, href);
      }
      const first = page.locator(".node-links a").first();
      const target = await first.getAttribute("href");
      await first.click();
      await page.waitForURL(demo.server.url + target);
      await page.waitForSelector(`article.node[data-unique-id="${decodeURIComponent(target.slice("/nodes/".length))}"]`);
      await close();
    }));

  test("an unknown node is a real 404 page", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(demo.browser, demo.server.url + "/nodes/model.nowhere.nothing", { javaScript: false });
      assert.equal(response.status(), 404);
      assert.match(await page.locator("h1").textContent(), /Node not found/);
      void javaScript;
      await close();
    }));
});

describe("not found", () => {
  test("an unknown page answers 404 with the app's page", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(demo.browser, demo.server.url + "/no/such/page", { javaScript: false });
      assert.equal(response.status(), 404);
      assert.match(await page.locator("h1").textContent(), /Not found/);
      void javaScript;
      await close();
    }));
});
