import assert from "node:assert/strict";
import { join } from "node:path";
import { buildSite } from "./build.ts";
import { swapIn } from "./_swap.ts";
import { makeFixtureWarehouse } from "./testdata/fixture.ts";
import { serveStatic } from "./testdata/serve.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const PAGES = ["", "pages/asset", "pages/models", "pages/quality", "pages/track-record"];

/** Fetches every page in turn until `done` settles; returns the statuses seen that were not 200. */
async function pollWhile<T>(
  url: string,
  done: Promise<T>,
): Promise<{ answers: number; bad: string[]; result: PromiseSettledResult<T> }> {
  let settled: PromiseSettledResult<T> | undefined;
  const watched = done.then(
    (value) => (settled = { status: "fulfilled", value }),
    (reason) => (settled = { status: "rejected", reason }),
  );
  let answers = 0;
  const bad: string[] = [];
  while (!settled) {
    for (const page of PAGES) {
      const res = await fetch(url + page);
      await res.body?.cancel();
      answers++;
      if (res.status !== 200) bad.push(`/${page}: ${res.status}`);
    }
  }
  await watched;
  return { answers, bad, result: settled };
}

Deno.test({
  name: "buildSite() keeps every page answering 200 during a good build and a failing one",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-atomic-" });
    const dist = join(tmp, "dist");
    const server = serveStatic(dist);
    try {
      const db = await makeFixtureWarehouse(join(tmp, "wh"));
      const env = { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(tmp, "wh", "snapshots") };
      await buildSite({ outDir: dist, env });

      const good = await pollWhile(server.url, buildSite({ outDir: dist, env }));
      console.error(`good build: ${good.answers} answers, ${good.bad.length} not 200`);
      assert.equal(good.result.status, "fulfilled");
      assert.ok(good.answers > 0);
      assert.equal(good.bad.length, 0, `not 200: ${good.bad.slice(0, 5).join(", ")}…`);

      const failing = buildSite({
        outDir: dist,
        env: { PREVISION_DB: join(tmp, "none.duckdb"), PREVISION_SNAPSHOTS: join(tmp, "none") },
      });
      const bad = await pollWhile(server.url, failing);
      console.error(`failing build: ${bad.answers} answers, ${bad.bad.length} not 200`);
      assert.equal(bad.result.status, "rejected");
      assert.match(String((bad.result as PromiseRejectedResult).reason), /is unchanged/);
      assert.equal(bad.bad.length, 0, `not 200: ${bad.bad.slice(0, 5).join(", ")}…`);

      const left = (await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name).sort();
      assert.deepEqual(left, ["dist", "wh"], "no staging folder is left beside dist");
    } finally {
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("swapIn() replaces a folder whole, or renames into a missing one", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "prevision-swap-" });
  try {
    const target = join(tmp, "dist");
    for (const [i, name] of ["one", "two"].entries()) {
      const fresh = join(tmp, `dist.new-${i}`);
      await Deno.mkdir(fresh);
      await Deno.writeTextFile(join(fresh, `${name}.html`), name);
      await swapIn(fresh, target);
    }
    const names = (await Array.fromAsync(Deno.readDir(target))).map((e) => e.name);
    assert.deepEqual(names, ["two.html"]);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name), ["dist"]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
