// Owners: the index of owners and one owner's page, with JavaScript on and off.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bothModes, open, useDemo } from "./harness.mjs";

const demo = useDemo();

describe("owners", () => {
  test("the index lists every owner with what they own, and links to them", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(demo.browser, demo.server.url + "/owners", { javaScript });
      assert.equal(response.status(), 200);
      const platform = page.locator('tr[data-owner="Platform Team"]');
      assert.match(await platform.locator("td").nth(0).textContent(), /data-oncall@acme\.io, platform@acme\.io/);
      assert.ok(Number(await platform.locator("td.num").textContent()) > 10);
      // An email declared alone (meta.owner) joins the named owner who has it.
      assert.equal(await page.locator('tr[data-owner="CFO Office"]').count(), 1);
      assert.equal(await page.locator('tr[data-owner="cfo-office@acme.io"]').count(), 0);
      await platform.locator("a").click();
      await page.waitForURL(/\/owners\/Platform%20Team/);
      await page.waitForSelector("h1.owner-name");
      assert.equal(await page.locator("h1.owner-name").textContent(), "Platform Team");
      const emails = await page.locator(".emails a").allTextContents();
      assert.deepEqual(emails, ["data-oncall@acme.io", "platform@acme.io"]);
      const products = page.locator('tr[data-unique-id="model.platform.dim_products"]');
      assert.equal(await products.locator("td.num").textContent(), "1");
      assert.equal(await page.locator('tr[data-unique-id="model.platform.fct_orders"] td').nth(2).textContent(), "enforced");
      assert.deepEqual(errors, []);
      await close();
    }));

  test("an unknown owner is a real 404", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(demo.browser, demo.server.url + "/owners/nobody", { javaScript: false });
      assert.equal(response.status(), 404);
      assert.match(await page.locator("h1").textContent(), /Owner not found/);
      void javaScript;
      await close();
    }));
});
