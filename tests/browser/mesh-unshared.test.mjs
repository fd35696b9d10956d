// /mesh over projects that share nothing (two unrelated projects, like the mattermost
// corpus): "Who uses whom" says so instead of showing an empty table. JavaScript on and off.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, root, useIndexedMesh } from "./harness.mjs";

const mesh = useIndexedMesh(() => [
  path.join(root, "tests/column-mesh/artifacts/core"),
  path.join(root, "tests/demo-mesh/artifacts/platform"),
]);

describe("mesh of unrelated projects", () => {
  test("says that no project reads another", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(mesh.browser, mesh.server.url + "/mesh", { javaScript });
      assert.equal(response.status(), 200);
      assert.equal(await page.locator("table.mesh-edges").count(), 0);
      assert.match(await page.locator(".mesh-no-edges").textContent(), /^None of the 2 projects reads another/);
      assert.deepEqual(errors, []);
      await close();
    }));
});
