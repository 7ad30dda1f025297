import assert from "node:assert/strict";
import { join, relative, resolve } from "node:path";
import { buildSite } from "./build.ts";
import { makeFixtureWarehouse } from "./testdata/fixture.ts";
import { openWarehouse } from "../warehouse/db.ts";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const LOADERS = [
  "markets.json",
  "ohlcv.json",
  "forecasts.json",
  "models.json",
  "quality.json",
  "track-record.json",
  "api.json",
  "research.json",
  "signals.json",
];
/** Every page of the site (the header nav lists them all). */
const PAGES = [
  "index.html",
  "pages/asset.html",
  "pages/track-record.html",
  "pages/models.html",
  "pages/signals.html",
  "pages/research.html",
  "pages/quality.html",
  "pages/api.html",
];
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
      for (const page of PAGES) {
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
          // The nav links every page; Framework writes them relative to the page.
          const nav = /<nav class="pv-nav"[\s\S]*?<\/nav>/.exec(text)?.[0] ?? "";
          const here = new URL(relative(result.outDir, f), "http://site/");
          const linked = [...nav.matchAll(/href="([^"]+)"/g)]
            .map((m) => new URL(m[1], here).pathname.replace(/^\/$/, "/index"));
          assert.deepEqual(
            linked.sort(),
            PAGES.map((p) => `/${p.replace(/\.html$/, "")}`).sort(),
            `${f}: nav links`,
          );
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
        assert.equal(typeof JSON.parse(a), "object", `${name} is not JSON`);
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

/** Runs one data loader against a warehouse's snapshot and parses its JSON. */
// deno-lint-ignore no-explicit-any
async function load(name: string, db: string, snapshots: string): Promise<any> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "src", "data", `${name}.ts`)],
    cwd: ROOT,
    env: { PREVISION_DB: db, PREVISION_SNAPSHOTS: snapshots },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `${name}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name:
    "loaders: track record, API log, research returns, signals and models agree with the warehouse",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-payloads-" });
    try {
      const db = await makeFixtureWarehouse(tmp);
      const snaps = join(tmp, "snapshots");
      const wh = await openWarehouse(db, { readOnly: true });
      try {
        // Track record: a point has an outcome exactly when its target candle is stored and
        // closed, and the outcome is that candle's close.
        const record = await load("track-record.json", db, snaps);
        assert.ok(record.length > 0);
        for (const s of record) {
          const closes = new Map(
            (await wh.rows<{ t: number; close: number }>(
              `SELECT epoch_ms(ts) AS t, close FROM ohlcv
               WHERE exchange = ? AND symbol = ? AND timeframe = ?`,
              [s.exchange, s.symbol, s.timeframe],
            )).map((r) => [r.t, r.close]),
          );
          const p = s.points;
          const step = s.timeframe === "1d" ? 86_400_000 : 3_600_000;
          for (let i = 0; i < p.target.length; i++) {
            const close = p.target[i] + step <= Date.now() ? closes.get(p.target[i]) : undefined;
            const where = `${s.symbol} ${s.timeframe} target ${p.target[i]}`;
            if (close === undefined) assert.equal(p.actual[i], null, where);
            else {assert.ok(
                Math.abs(p.actual[i] / close - 1) < 1e-7,
                `${where}: ${p.actual[i]} vs ${close}`,
              );}
          }
          for (const v of s.versions) {
            const mine = p.version.filter((k: number) => p.version_ids[k] === v.version_id).length;
            assert.equal(v.matured + v.pending, mine, `${v.version_id}: matured + pending`);
            for (const c of v.coverage) assert.ok(c.hits <= c.n && c.n === v.matured);
            // Live MAE against the direct computation from the points at horizon 1.
            const h1 = [...p.horizon.keys()].filter((i) =>
              p.horizon[i] === 1 && p.actual[i] != null &&
              p.version_ids[p.version[i]] === v.version_id
            );
            const b = v.by_horizon.find((x: { horizon: number }) => x.horizon === 1);
            if (h1.length) {
              const mae = h1.reduce(
                (sum, i) =>
                  sum +
                  Math.abs(
                    Math.log(p.actual[i] / p.origin_close[i]) -
                      Math.log(p.yhat[i] / p.origin_close[i]),
                  ),
                0,
              ) / h1.length;
              assert.equal(b.n, h1.length);
              assert.ok(Math.abs(b.mae - mae) < 1e-6, `${v.version_id}: MAE ${b.mae} vs ${mae}`);
            }
          }
        }

        // API log: buckets and statuses each add up to the total; percentiles are ordered.
        const api = await load("api.json", db, snaps);
        const total = (await wh.one<{ n: number }>("SELECT count(*) AS n FROM api_requests"))!.n;
        assert.equal(api.total, total);
        assert.equal(api.buckets.reduce((s: number, b: { n: number }) => s + b.n, 0), total);
        assert.equal(api.statuses.reduce((s: number, b: { n: number }) => s + b.n, 0), total);
        assert.equal(api.paths.reduce((s: number, b: { n: number }) => s + b.n, 0), total);
        for (const b of api.buckets) {
          assert.equal(b.ok + b.client_errors + b.server_errors, b.n);
          assert.ok(b.p50 <= b.p95 && b.p95 <= b.p99, JSON.stringify(b));
        }

        // Research: one return per stored candle after the first, on the series' time grid.
        const research = await load("research.json", db, snaps);
        for (const s of research) {
          const n = (await wh.one<{ n: number }>(
            "SELECT count(*) AS n FROM ohlcv WHERE exchange = ? AND symbol = ? AND timeframe = ?",
            [s.exchange, s.symbol, s.timeframe],
          ))!.n;
          assert.equal(
            s.r.filter((x: number | null) => x != null).length,
            n - 1,
            `${s.symbol} ${s.timeframe}`,
          );
        }

        // Signals: every stored signal series, and the judged runs with their pooled metrics.
        const signals = await load("signals.json", db, snaps);
        const series = (await wh.one<{ n: number }>(
          "SELECT count(*) AS n FROM (SELECT DISTINCT source, symbol, name FROM signals)",
        ))!.n;
        assert.equal(signals.signals.length, series);
        assert.ok(signals.judged.length > 0);
        for (const j of signals.judged) {
          assert.ok(j.kind && j.source && j.name, JSON.stringify(j).slice(0, 200));
          assert.ok(Number.isFinite(j.metrics.n));
        }

        // Models: signal judgements stay on the signals page; horizons as evaluated.
        const models = await load("models.json", db, snaps);
        for (const s of models) {
          assert.ok(s.runs.every((r: { model: string }) => !r.model.startsWith("signal:")));
          assert.deepEqual(s.horizons, [1, 2, 3]);
          for (const r of s.runs) assert.equal(r.metrics.mase.length, s.horizons.length);
          const kinds = Object.fromEntries(
            s.runs.map((r: { model: string; kind: string }) => [r.model, r.kind]),
          );
          assert.equal(kinds["vol:ewma"], "volatility");
          assert.equal(kinds.xgboost, "return");
        }
      } finally {
        wh.close();
      }
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "loaders: empty states when nothing matured, nothing was requested, nothing was judged",
  ...opts,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-empty-" });
    try {
      const fresh = await makeFixtureWarehouse(join(tmp, "fresh"), { history: false });
      const record = await load("track-record.json", fresh, join(tmp, "fresh", "snapshots"));
      assert.ok(record.length > 0);
      for (const s of record) {
        for (const v of s.versions) {
          assert.equal(v.matured, 0, v.version_id);
          assert.ok(v.pending > 0 && v.next_target > s.last_candle);
          assert.ok(Date.parse(v.next_close) > Date.parse(v.next_target));
        }
      }
      const bare = await makeFixtureWarehouse(join(tmp, "bare"), { models: false });
      const snaps = join(tmp, "bare", "snapshots");
      assert.deepEqual(await load("track-record.json", bare, snaps), []);
      const api = await load("api.json", bare, snaps);
      assert.equal(api.total, 0);
      assert.deepEqual(api.buckets, []);
      const signals = await load("signals.json", bare, snaps);
      assert.deepEqual(signals, { signals: [], prices: [], judged: [] });
      assert.deepEqual(await load("models.json", bare, snaps), []);
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
