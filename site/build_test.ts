import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { buildSite } from "./build.ts";
import { makeFixtureWarehouse } from "./testdata/fixture.ts";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const LOADERS = ["markets.json", "ohlcv.json", "forecasts.json", "models.json"];
const opts = { sanitizeResources: false, sanitizeOps: false };

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every reference to an external host that a browser would fetch: scripts, styles, fonts, imports. */
function externalRefs(path: string, text: string): string[] {
  const patterns = path.endsWith(".html")
    ? [
      /<script[^>]*\ssrc=["']?(?:https?:)?\/\/[^"'\s>]+/gi,
      /<link[^>]*\shref=["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    ]
    : path.endsWith(".css")
    ? [
      /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\/[^"')\s]+/gi,
      /url\(\s*["']?(?:https?:)?\/\/[^"')\s]+/gi,
    ]
    : path.endsWith(".js")
    ? [/\bfrom\s*["'](?:https?:)?\/\/[^"']+/g, /\bimport\s*\(?\s*["'](?:https?:)?\/\/[^"']+/g]
    : [];
  return patterns.flatMap((re) => [...text.matchAll(re)].map((m) => `${path}: ${m[0]}`));
}

Deno.test({
  name: "buildSite() builds every page offline-ready, with lang set and fresh data",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-build-" });
    try {
      const db = await makeFixtureWarehouse(join(tmp, "wh"));
      const env = { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(tmp, "wh", "snapshots") };
      const result = await buildSite({ outDir: join(tmp, "dist"), env });
      console.error(`site built in ${result.ms} ms`);
      assert.equal(result.outDir, join(tmp, "dist"));
      for (
        const page of ["index.html", "pages/asset.html", "pages/models.html", "pages/quality.html"]
      ) {
        assert.ok(result.pages.includes(page), `missing ${page} in ${result.pages.join(", ")}`);
      }

      const files = await filesUnder(result.outDir);
      const external: string[] = [];
      for (const f of files.filter((f) => /\.(html|css|js)$/.test(f))) {
        const text = await Deno.readTextFile(f);
        external.push(...externalRefs(f, text));
        if (f.endsWith(".html")) {
          assert.match(text, /<html lang="en">/, `${f} has no <html lang>`);
          assert.doesNotMatch(text, /maximum-scale/, `${f} forbids zooming`);
          assert.match(text, /Not financial advice/, `${f} has no advice note`);
          assert.doesNotMatch(text, /fonts\.googleapis|cdn\.jsdelivr|fonts\.gstatic/, f);
        }
      }
      assert.deepEqual(external, []);

      const marketsFile = files.find((f) => /_file\/data\/markets\.[0-9a-f]+\.json$/.test(f));
      assert.ok(marketsFile, "markets.json was not built");
      const markets = JSON.parse(await Deno.readTextFile(marketsFile));
      assert.equal(markets.length, 4);
      assert.ok(markets.every((m: { exchange: string }) => m.exchange === "sample"));
      assert.equal(markets[0].forecast.model, "xgboost");
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "data loaders print the same bytes for the same snapshot, and no build time",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-loaders-" });
    try {
      const db = await makeFixtureWarehouse(tmp);
      const env = { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(tmp, "snapshots") };
      for (const name of LOADERS) {
        const run = async () => {
          const out = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", join(ROOT, "src", "data", `${name}.ts`)],
            cwd: ROOT,
            env,
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.ok(out.success, `${name}: ${new TextDecoder().decode(out.stderr)}`);
          return new TextDecoder().decode(out.stdout);
        };
        const [a, b] = [await run(), await run()];
        assert.equal(a, b, `${name} differs between runs`);
        assert.ok(Array.isArray(JSON.parse(a)), `${name} is not a JSON array`);
        assert.doesNotMatch(
          a,
          new RegExp(new Date().toISOString().slice(0, 10)),
          `${name} holds today's date`,
        );
      }
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "buildSite() fails with the CLI's output when there is no snapshot",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-fail-" });
    try {
      await assert.rejects(
        buildSite({
          outDir: join(tmp, "dist"),
          env: {
            PREVISION_DB: join(tmp, "none.duckdb"),
            PREVISION_SNAPSHOTS: join(tmp, "snapshots"),
          },
        }),
        (err: Error) => {
          assert.match(err.message, /Site build failed/);
          assert.match(err.message, /No published snapshot/);
          return true;
        },
      );
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "buildSite() refuses an outDir that holds something other than a site build",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-out-" });
    try {
      await Deno.writeTextFile(join(tmp, "precious.txt"), "keep me");
      await assert.rejects(buildSite({ outDir: tmp }), /Refusing to build the site into/);
      assert.equal(await Deno.readTextFile(join(tmp, "precious.txt")), "keep me");
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
