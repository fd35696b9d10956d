// Search: the box in the header (as you type, keyboard, `/`) and the results page
// (facets, paging, snippets, owner links), with JavaScript on and off.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, screenshots, useDemo } from "./harness.mjs";

const demo = useDemo();

describe("search box", () => {
  test("typing suggests nodes; arrow keys and Enter open one (hydrated only)", async () => {
    const { page, errors, close } = await open(demo.browser, demo.server.url + "/", { javaScript: true });
    const input = page.locator(".search-box input");
    await input.fill("dim_cust");
    await page.waitForSelector(".suggestions li");
    const names = await page.locator(".suggestions .hit-name").allTextContents();
    assert.deepEqual(names.slice(0, 3), ["dim_customers", "dim_customers", "dim_customers"], names.join(","));
    await input.press("ArrowDown");
    await input.press("ArrowDown");
    assert.equal(await page.locator(".suggestions li.active").count(), 1);
    assert.equal(await page.locator(".suggestions li").nth(1).getAttribute("aria-selected"), "true");
    await input.press("ArrowUp");
    assert.equal(await page.locator(".suggestions li").nth(0).getAttribute("aria-selected"), "true");
    await input.press("Enter");
    await page.waitForURL(/\/nodes\/model\.platform\.dim_customers\.v/);
    await page.waitForSelector("article.node h1");
    assert.match(await page.locator("article.node h1").textContent(), /dim_customers/);
    assert.deepEqual(errors, []);
    await close();
  });

  test("typos still find the node as you type", async () => {
    const { page, close } = await open(demo.browser, demo.server.url + "/", { javaScript: true });
    await page.locator(".search-box input").fill("reveneu_by");
    await page.waitForSelector(".suggestions li");
    assert.equal(await page.locator(".suggestions .hit-name").first().textContent(), "revenue_by_month");
    await page.locator(".search-box input").press("Escape");
    assert.equal(await page.locator(".suggestions").count(), 0);
    await close();
  });

  test("/ focuses the search box from anywhere on the page", async () => {
    const { page, close } = await open(demo.browser, demo.server.url + "/nodes/model.platform.fct_orders", { javaScript: true });
    assert.equal(await page.evaluate(() => document.activeElement?.name ?? null), null);
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Search nodes");
    assert.equal(await page.locator(".search-box input").inputValue(), "", "the slash is not typed");
    await close();
  });
});

describe("results page", () => {
  test("facets filter the results and a second click removes the filter", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/search?q=revenue", { javaScript });
      const countText = () => page.locator(".result-count").textContent().then((t) => t.replace(/ in [0-9.]+ ms$/, ""));
      const before = await countText();
      for (const facet of ["project", "type", "access", "owner", "contract"]) {
        assert.equal(await page.locator(`.facet[data-facet="${facet}"]`).count(), 1, facet);
      }
      await page.locator('.facet[data-facet="project"] a[data-value="finance"]').click();
      await page.waitForURL(/project%3Afinance/);
      await page.waitForSelector('.facet[data-facet="project"] li.active');
      const projects = await page.locator("li.hit .project").allTextContents();
      assert.ok(projects.length > 0 && projects.every((p) => p === "finance"), projects.join(","));
      if (javaScript) {
        await page.screenshot({ path: path.join(screenshots, "search.png"), fullPage: true });
      }
      await page.locator('.facet[data-facet="project"] li.active a').click();
      await page.waitForURL((url) => !url.search.includes("project"));
      await page.waitForFunction(() => !document.querySelector('.facet[data-facet="project"] li.active'));
      assert.equal(await countText(), before);
      await close();
    }));

  test("results come in pages of twenty with previous and next links", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/search?q=type%3Atest", { javaScript });
      assert.match(await page.locator(".result-count").textContent(), /^1–20 of 52 results/);
      assert.equal(await page.locator("li.hit").count(), 20);
      assert.equal(await page.locator(".pager .previous").count(), 0);
      await page.locator(".pager .next").click();
      await page.waitForURL(/offset=20/);
      await page.waitForFunction(() => document.querySelector(".result-count")?.textContent.startsWith("21–40 of 52"));
      await page.locator(".pager .next").click();
      await page.waitForURL(/offset=40/);
      await page.waitForFunction(() => document.querySelector(".result-count")?.textContent.startsWith("41–52 of 52"));
      assert.equal(await page.locator(".pager .next").count(), 0);
      await page.locator(".pager .previous").click();
      await page.waitForURL(/offset=20/);
      await close();
    }));

  test("snippets mark the matching words and say which field matched", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/search?q=payment_count", { javaScript });
      const hit = page.locator('li.hit[data-unique-id="model.platform.fct_orders"]');
      assert.equal(await hit.locator(".matched").textContent(), "matched column");
      const marked = await hit.locator("mark").allTextContents();
      assert.deepEqual(marked.map((m) => m.toLowerCase()).slice(0, 2), ["payment", "count"]);
      await close();
    }));

  test("an owner in a hit links to the owner's page", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/search?q=board_pack", { javaScript });
      await page.locator('li.hit[data-unique-id="exposure.exec_reporting.board_pack"] a.owner').click();
      await page.waitForURL(/\/owners\//);
      await page.waitForSelector("h1.owner-name");
      assert.ok((await page.locator(".owned-project tr[data-unique-id]").count()) >= 1);
      await close();
    }));

  test("a query it cannot fully read still searches and says what it ignored", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(demo.browser, demo.server.url + "/search?q=colour%3Ared%20orders", { javaScript });
      assert.match(await page.locator(".ignored").textContent(), /colour: is not a filter/);
      await close();
    }));
});

describe("a search the engine refuses", () => {
  test("an offset out of range is a 400 page that names the parameter and its range", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(demo.browser, demo.server.url + "/search?q=a&offset=100000000000", { javaScript });
      assert.equal(response.status(), 400);
      assert.equal(await page.locator(".error-page").getAttribute("data-error-code"), "bad_request");
      assert.match(await page.locator(".error-page h2").textContent(), /400/);
      assert.equal(await page.locator(".error-page .error").textContent(), "offset: must be from 0 to 10000, not 100000000000");
      // The search form is still there to mend the query.
      assert.equal(await page.locator(".search-page-form input").inputValue(), "a");
      if (javaScript) {
        // Hydrated from the same error: nothing replaced or broke.
        assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
      }
      await close();
    }));

  test("a lineage selector too deep is a 400 with the selector's message", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(demo.browser, demo.server.url + "/lineage?select=fct_orders%2B20000", { javaScript });
      assert.equal(response.status(), 400);
      assert.match(await page.locator(".selector-error").textContent(), /select: a depth may be at most 10000, not 20000/);
      await close();
    }));
});
