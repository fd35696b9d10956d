// Lineage and the mesh at real scale, on the benchmark generator's `--real-scale` mesh
// (five projects sharing 10,000 sources each, linked both ways by source(), a mart
// with 994 ancestors over six layers) and on a 50-project mesh: every selected node is
// drawn or inside a group, labels are legible, boxes never overlap, zoom and pan keep
// up, and the mesh page stays readable.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { benchBin, bin, bothModes, open, screenshots, startBrowser, startServer } from "./harness.mjs";

let dir;
let real;
let fifty;
let browser;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "meshlens-scale-"));
  const generate = (name, args) => {
    const out = path.join(dir, name);
    execFileSync(benchBin, ["generate", "--out", out, ...args]);
    const projects = execFileSync("ls", [out]).toString().trim().split("\n").map((p) => path.join(out, p));
    execFileSync(bin, ["index", "--data", path.join(dir, `${name}-data`), ...projects]);
    return path.join(dir, `${name}-data`);
  };
  const realData = generate("real", ["--projects", "0", "--real-scale"]);
  const fiftyData = generate("fifty", ["--projects", "50", "--models", "6"]);
  real = await startServer(["--data", realData]);
  fifty = await startServer(["--data", fiftyData]);
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await real?.stop();
  await fifty?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What a view draws, read from the page: items with their boxes and label sizes. */
const drawn = (page) =>
  page.evaluate(() => {
    const frame = document.querySelector(".graph-frame").getBoundingClientRect();
    const items = [...document.querySelectorAll(".lineage-svg g.lnode")].map((g) => {
      const r = g.querySelector("rect:not(.stack):not(.band)").getBoundingClientRect();
      return { id: g.dataset.id, group: g.classList.contains("more"), count: Number(g.dataset.count || 0), x: r.left, y: r.top, w: r.width, h: r.height, gx: g.transform.baseVal[0]?.matrix.e };
    });
    // Every label drawn in the frame, with its size on screen.
    const labels = [...document.querySelectorAll(".lineage-svg text")]
      .filter((t) => getComputedStyle(t).display !== "none")
      .map((t) => ({ r: t.getBoundingClientRect(), size: parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1) }))
      .filter(({ r }) => r.width > 0 && r.right > frame.left && r.left < frame.right && r.bottom > frame.top && r.top < frame.bottom)
      .map(({ size }) => size);
    const summary = document.querySelector(".lineage-summary").dataset;
    return { items, labels, selected: Number(summary.selected), grouped: Number(summary.grouped), cut: Number(summary.cut) };
  });

function assertReadable(view, what) {
  const nodes = view.items.filter((i) => !i.group);
  const groups = view.items.filter((i) => i.group);
  assert.equal(view.cut, 0, `${what}: nothing is cut`);
  assert.equal(nodes.length + groups.reduce((s, g) => s + g.count, 0), view.selected, `${what}: every selected node is drawn or in a group`);
  assert.ok(view.labels.length > 10, `${what}: labels are drawn`);
  assert.ok(Math.min(...view.labels) >= 11, `${what}: smallest label ${Math.min(...view.labels)} px`);
  const sorted = [...view.items].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].w; j++) {
      const [a, b] = [sorted[i], sorted[j]];
      assert.ok(a.y + a.h <= b.y + 0.5 || b.y + b.h <= a.y + 0.5, `${what}: ${a.id} overlaps ${b.id}`);
    }
  }
  // No column taller than a wrapped layer (24 rows).
  const columns = new Map();
  for (const i of view.items) columns.set(i.gx, (columns.get(i.gx) ?? 0) + 1);
  assert.ok(Math.max(...columns.values()) <= 24, `${what}: tallest column ${Math.max(...columns.values())}`);
}

/** The page's bytes on the wire, compressed as a browser asks for it. */
const compressedSize = (url) =>
  new Promise((resolve, reject) => {
    http.get(url, { headers: { "accept-encoding": "gzip, br" } }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => resolve(bytes));
    }).on("error", reject);
  });

describe("lineage at real scale", () => {
  test("a mart with 994 ancestors is grouped, readable and accounted for", (t) =>
    bothModes(t, async (javaScript) => {
      const url = real.url + "/lineage?select=%2Bbridges_crosschain_flows";
      const { page, response, errors, close } = await open(browser, url, { javaScript, width: 1440 });
      assert.equal(response.status(), 200);
      const view = await drawn(page);
      assert.equal(view.selected, 995);
      assertReadable(view, "+bridges_crosschain_flows");
      assert.ok(view.items.length <= 220, `${view.items.length} items`);
      const group = page.locator('g.lnode.more[data-group-kind="source"]').first();
      assert.match(await group.locator("a").getAttribute("aria-label"), /^Group \w+ · \d+ sources: \d+ source\. Open it\./);
      if (javaScript) {
        const frame = await page.locator(".graph-frame").boundingBox();
        const focus = await page.locator("g.lnode.focus rect:not(.stack)").boundingBox();
        assert.ok(focus.x >= frame.x && focus.x + focus.width <= frame.x + frame.width, "the focus is in view");
        assert.equal(await page.locator(".minimap .minimap-frame").count(), 1);
        await page.screenshot({ path: path.join(screenshots, "lineage-1000-ancestors.png") });
      }
      assert.ok((await compressedSize(url)) < 500_000, "first load under 500 KB compressed");
      assert.deepEqual(errors, []);
      await close();
    }));

  test("a 10,250-node project is drawn as its groups; a group opens in place and closes again", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(browser, real.url + "/lineage?select=project%3Ars_solana", { javaScript, width: 1440 });
      const view = await drawn(page);
      assert.equal(view.selected, 10250);
      assertReadable(view, "project:rs_solana");
      const group = page.locator('g.lnode[data-id="group:source:rs_solana:solana_raw_00"]');
      assert.equal(await group.getAttribute("data-count"), "200");
      assert.match(await group.textContent(), /solana_raw_00/);
      const row = page.locator('.node-list tr.group-row[data-id="group:source:rs_solana:solana_raw_00"]');
      assert.match(await row.textContent(), /solana_raw_00 · 200 sources.*200 source/s);
      // A click on a group in view opens it (the whole graph is in the node list).
      let source = "solana_raw_00";
      if (javaScript) {
        await page.screenshot({ path: path.join(screenshots, "lineage-10000-node-project.png") });
        const inView = await page.evaluate(() => {
          const f = document.querySelector(".graph-frame").getBoundingClientRect();
          return [...document.querySelectorAll('g.lnode.more[data-group-kind="source"]')].find((g) => {
            const r = g.querySelector("rect:not(.stack)").getBoundingClientRect();
            return r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom && /raw_\d+$/.test(g.dataset.id);
          })?.dataset.id;
        });
        assert.ok(inView, "a source group is in view");
        source = inView.split(":").pop();
        await page.locator(`g.lnode[data-id="${inView}"]`).click();
      } else {
        await page.locator(".node-list summary").click();
        await row.locator("a.open-link").click();
      }
      await page.waitForURL(new RegExp(`expand=group%3Asource%3Ars_solana%3A${source}`));
      await page.waitForSelector(`g.lnode[data-id="source.rs_solana.${source}.t000"]`);
      const opened = await drawn(page);
      assertReadable(opened, "opened");
      assert.equal(opened.items.filter((i) => i.id.startsWith(`source.rs_solana.${source}.`)).length, 200);
      await page.locator(".collapse-link").click();
      await page.waitForURL((u) => !u.search.includes("expand"));
      await page.waitForSelector(`g.lnode[data-id="group:source:rs_solana:${source}"]`);
      await close();
    }));

  test("group= chooses the grouping, in the form and the URL", (t) =>
    bothModes(t, async (javaScript) => {
      // The ancestors of a mart that reads all five projects: one group per project.
      const { page, close } = await open(browser, real.url + "/lineage?select=%2Bbridges_mart_00&group=project", { javaScript, width: 1440 });
      assert.equal(await page.locator('input[name="select"]').inputValue(), "+bridges_mart_00");
      assert.equal(await page.locator('select[name="group"]').inputValue(), "project");
      const kinds = await page.locator("g.lnode.more").evaluateAll((g) => g.map((n) => n.dataset.groupKind));
      assert.deepEqual(kinds, ["project", "project", "project", "project", "project"]);
      assertReadable(await drawn(page), "group=project");
      await page.goto(real.url + "/lineage?select=%2Bbridges_crosschain_flows&group=none");
      if (javaScript) await page.waitForSelector("body[data-hydrated=true]");
      assert.equal(await page.locator("g.lnode.more").count(), 0);
      assert.equal(await page.locator("g.lnode").count(), 995);
      const response = await page.goto(real.url + "/lineage?select=%2Bbridges_crosschain_flows&group=colour");
      assert.equal(response.status(), 400);
      assert.match(await page.locator(".error-page").textContent(), /group.*must be one of auto, project, folder, source, schema, type, none/s);
      await close();
    }));

  test("zoom and pan over 2,000 drawn nodes keep frames under 20 ms (p95), and 5,000 draw without freezing", async () => {
    const select = encodeURIComponent("source:solana_raw_00 source:solana_raw_01");
    const { page, errors, close } = await open(browser, real.url + `/lineage?select=${select}&group=none`, { javaScript: true, width: 1440 });
    assert.equal(await page.locator("[data-node-id]").count(), 2000);
    const frame = await page.locator(".graph-frame").boundingBox();
    await page.mouse.move(frame.x + 300, frame.y + 200);
    const gesture = async () => {
      await page.evaluate(() => {
        window.__frames = [];
        let last = performance.now();
        const tick = (now) => {
          window.__frames.push(now - last);
          last = now;
          if (!window.__stop) requestAnimationFrame(tick);
        };
        window.__stop = false;
        requestAnimationFrame(tick);
      });
      for (let i = 0; i < 20; i++) await page.mouse.wheel(0, i < 10 ? 120 : -120);
      await page.mouse.down();
      for (let i = 0; i < 20; i++) await page.mouse.move(frame.x + 300 + i * 15, frame.y + 200 + i * 5);
      await page.mouse.up();
      return page.evaluate(() => {
        window.__stop = true;
        const f = window.__frames.slice(2).sort((a, b) => a - b);
        return f[Math.floor(f.length * 0.95)];
      });
    };
    await gesture(); // the first gesture readies the layer
    // The best of three gestures: a machine busy with something else can slow one, but
    // a regression (166 ms a frame when every label was laid out again) slows them all.
    const runs = [await gesture(), await gesture(), await gesture()];
    const p95 = Math.min(...runs);
    assert.ok(p95 < 20, `frame time p95 ${p95} ms (runs: ${runs.join(", ")})`);
    await page.screenshot({ path: path.join(screenshots, "lineage-2000-zoomed.png") });

    await page.goto(real.url + "/lineage?select=project%3Ars_solana&group=none");
    await page.waitForSelector("body[data-hydrated=true]", { timeout: 60_000 });
    assert.equal(await page.locator("[data-node-id]").count(), 5000);
    assert.match(await page.locator(".cut-note").textContent(), /a view draws at most 5000 nodes and groups/);
    const started = Date.now();
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
    assert.ok(Date.now() - started < 1000, "the page answers once drawn");
    assert.deepEqual(errors, []);
    await close();
  });
});

describe("the mesh page at real scale", () => {
  test("five projects linked both ways: curved edges, labels that never overlap", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, close } = await open(browser, real.url + "/mesh", { javaScript, width: 1440 });
      assert.equal(await page.locator(".mesh-views").getAttribute("data-view"), "graph");
      assert.equal(await page.locator(".mesh-svg [data-project]").count(), 5);
      const labels = await page.locator(".mesh-svg [data-edge]").evaluateAll((ls) => ls.map((l) => ({ edge: l.dataset.edge, r: l.getBoundingClientRect().toJSON() })));
      assert.equal(labels.length, 20);
      assert.ok(labels.some((l) => l.edge === "rs_solana->rs_bridges") && labels.some((l) => l.edge === "rs_bridges->rs_solana"));
      const boxes = await page.locator(".mesh-svg [data-project] rect").evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().toJSON()));
      const apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) assert.ok(apart(labels[i].r, labels[j].r), `${labels[i].edge} and ${labels[j].edge} overlap`);
        for (const b of boxes) assert.ok(apart(labels[i].r, b), `${labels[i].edge} covers a project`);
      }
      const colours = await page.locator(".mesh-svg [data-project] rect").evaluateAll((rs) => rs.map((r) => r.getAttribute("fill")));
      assert.equal(new Set(colours).size, 5);
      const row = page.locator('.mesh-edges tr[data-source="rs_solana"][data-target="rs_bridges"]');
      assert.equal(await row.locator("details.used-models summary").textContent(), "10 models");
      if (javaScript) await page.screenshot({ path: path.join(screenshots, "mesh-both-ways.png"), fullPage: true });
      await page.locator(".mesh-views a", { hasText: "matrix" }).click();
      await page.waitForURL(/view=matrix/);
      await page.waitForSelector("svg.mesh-matrix");
      assert.equal(await page.locator("svg.mesh-matrix a[data-edge]").count(), 20);
      assert.equal(await page.locator('svg.mesh-matrix a[data-edge="rs_solana->rs_bridges"]').getAttribute("data-inferred"), "10");
      await close();
    }));

  test("fifty projects open on the matrix, and a first load stays small", (t) =>
    bothModes(t, async (javaScript) => {
      const { page, response, close } = await open(browser, fifty.url + "/mesh", { javaScript, width: 1440 });
      assert.equal(response.status(), 200);
      assert.equal(await page.locator(".mesh-views").getAttribute("data-view"), "matrix");
      assert.equal(await page.locator("svg.mesh-matrix a.row[data-project]").count(), 50);
      assert.equal(await page.locator("svg.mesh-matrix a.column[data-project]").count(), 50);
      const edges = await page.locator("svg.mesh-matrix a[data-edge]").count();
      assert.equal(edges, await page.locator(".mesh-edges tbody tr").count());
      assert.ok(edges > 30);
      // Each cell sits in its upstream project's row and its downstream project's column,
      // and names its edge for a screen reader.
      const misplaced = await page.locator("svg.mesh-matrix").evaluate((svg) => {
        const band = (sel) => svg.querySelector(sel).getBoundingClientRect();
        return [...svg.querySelectorAll("a[data-edge]")].filter((a) => {
          const [source, target] = a.dataset.edge.split("->");
          const cell = a.querySelector("rect").getBoundingClientRect();
          const row = band(`a.row[data-project="${source}"] text`);
          const column = band(`a.column[data-project="${target}"] text`);
          const [cy, cx] = [cell.top + cell.height / 2, cell.left + cell.width / 2];
          const named = a.getAttribute("aria-label").startsWith(`${target} uses ${source}: `);
          return !(named && cy > row.top && cy < row.bottom && cx > column.left && cx < column.right);
        }).map((a) => a.dataset.edge);
      });
      assert.deepEqual(misplaced, []);
      if (javaScript) {
        const first = page.locator("svg.mesh-matrix a[data-edge]").first();
        await first.focus();
        await page.keyboard.press("Enter");
        await page.waitForURL(/\/lineage\?/);
        await page.goBack();
        await page.waitForSelector("svg.mesh-matrix");
      }
      if (javaScript) await page.screenshot({ path: path.join(screenshots, "mesh-50-matrix.png") });
      await page.goto(fifty.url + "/mesh?view=graph");
      assert.equal(await page.locator(".mesh-svg [data-project]").count(), 50);
      assert.ok((await compressedSize(fifty.url + "/mesh")) < 500_000);
      await close();
    }));
});
