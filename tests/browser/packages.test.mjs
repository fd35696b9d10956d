// A project installed as a dbt package in two others (tests/package-mesh, real dbt 1.11
// artifacts): the mesh, project and node pages say who installs whom and who owns what,
// with JavaScript on and off.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { bothModes, open, root, screenshots, useIndexedMesh } from "./harness.mjs";

mkdirSync(screenshots, { recursive: true });
const artifacts = path.join(root, "tests/package-mesh/artifacts");
const mesh = useIndexedMesh(() => ["src_proj_a", "dest_proj_a", "dest_proj_b"].map((p) => path.join(artifacts, p)));

describe("a project installed as a package", () => {
  test("the mesh shows each install as an edge with the nodes carried", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, errors, close } = await open(mesh.browser, mesh.server.url + "/mesh", { javaScript });
      assert.equal(response.status(), 200);
      for (const installer of ["dest_proj_a", "dest_proj_b"]) {
        const row = page.locator(`table.mesh-edges tr[data-source="src_proj_a"][data-target="${installer}"]`);
        assert.equal(await row.locator("td[data-packages]").textContent(), "installed (6 nodes)");
        assert.equal(await page.locator(`g.mesh-edge.package[data-source="src_proj_a"][data-target="${installer}"]`).count(), 1);
      }
      assert.match(await page.locator('.mesh-svg [data-edge="src_proj_a->dest_proj_a"]').textContent(), /2 refs · package/);
      if (javaScript) {
        assert.deepEqual(errors, []);
        await page.screenshot({ path: path.join(screenshots, "mesh-packages.png"), fullPage: true });
      }
      await close();
    }));

  test("both project pages name the other side of the install", (t) =>
    bothModes(t, async (javaScript) => {
      let { page, close } = await open(mesh.browser, mesh.server.url + "/projects/src_proj_a", { javaScript });
      const installers = await page.locator(".installed-by li").evaluateAll((lis) => lis.map((li) => li.dataset.project));
      assert.deepEqual(installers, ["dest_proj_a", "dest_proj_b"]);
      assert.match(await page.locator(".installed-by li").first().textContent(), /6 nodes carried/);
      if (javaScript) await page.screenshot({ path: path.join(screenshots, "project-installed-by.png"), fullPage: true });
      await close();
      ({ page, close } = await open(mesh.browser, mesh.server.url + "/projects/dest_proj_a", { javaScript }));
      assert.equal(await page.locator('.installs li[data-project="src_proj_a"]').count(), 1);
      await close();
    }));

  test("a node of the package belongs to its own project", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(mesh.browser, mesh.server.url + "/nodes/model.src_proj_a.new_model", { javaScript });
      assert.equal(await page.locator('.breadcrumb a[href="/projects/src_proj_a"]').count(), 1);
      assert.equal(await page.locator('.breadcrumb a[href="/projects/dest_proj_a"]').count(), 0);
      await close();
    }));
});
