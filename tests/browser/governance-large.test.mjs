// A finding kind with hundreds of entries: the governance page counts them per project
// pair and folds each pair's list, with JavaScript on and off. The demo mesh, with 120
// more marketing sources that read platform's fct_orders (source_reads_model findings).
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, demoArtifacts, open, screenshots, useIndexedMesh } from "./harness.mjs";

mkdirSync(screenshots, { recursive: true });
const PROJECTS = ["platform", "finance", "marketing", "exec_reporting"];
const mesh = useIndexedMesh((dir) => {
  for (const p of PROJECTS) cpSync(path.join(demoArtifacts, p), path.join(dir, p), { recursive: true });
  const file = path.join(dir, "marketing", "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  const template = manifest.sources["source.marketing.platform_warehouse.orders_table"];
  for (let i = 0; i < 120; i++) {
    const name = `orders_copy_${String(i).padStart(3, "0")}`;
    const id = `source.marketing.platform_warehouse.${name}`;
    manifest.sources[id] = { ...template, unique_id: id, name, identifier: name, fqn: ["marketing", "platform_warehouse", name] };
  }
  writeFileSync(file, JSON.stringify(manifest));
  return PROJECTS.map((p) => path.join(dir, p));
});

describe("governance with a large finding kind", () => {
  test("121 source_reads_model findings are one folded pair, the small kinds stay listed", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(mesh.browser, mesh.server.url + "/governance", { javaScript });
      assert.equal(response.status(), 200);
      const kind = page.locator('section.finding-kind[data-kind="source_reads_model"]');
      assert.match(await kind.locator("h3").textContent(), /121/);
      const pair = kind.locator('details.finding-pair[data-from="platform"][data-to="marketing"]');
      assert.equal(await pair.count(), 1);
      assert.match(await pair.locator("summary").textContent(), /platform → marketing 121 findings/);
      assert.equal(await pair.locator("li").first().isVisible(), false, "folded until opened");
      await pair.locator("summary").click();
      assert.equal(await pair.locator("li").first().isVisible(), true);
      assert.equal(await pair.locator("li").count(), 121);
      const small = page.locator('section.finding-kind[data-kind="public_without_contract"]');
      assert.equal(await small.locator("details").count(), 0);
      assert.ok((await small.locator("li").count()) > 0);
      if (javaScript) {
        assert.deepEqual(errors, []);
        await pair.locator("summary").click();
        await kind.screenshot({ path: path.join(screenshots, "governance-large-kind.png") });
      }
      await close();
    }));
});
