import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { loadFeatures } from "../features/core.ts";
import { ewmaVolatility } from "../evaluation/targets.ts";
import { type ModelArtifact, registerVersion, setAlias } from "../registry/versions.ts";
import { naiveArtifact } from "../testdata/artifact.ts";
import { describeStale, forecastChampions } from "./forecast.ts";
import { forecastAll } from "../testdata/forecast.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" as const };
const Q = { 0.5: 0.7, 0.8: 1.3, 0.95: 2.1 };

const artifact = (
  v: string,
  h: ModelArtifact["horizons"],
  series: Parameters<typeof naiveArtifact>[2] = SERIES,
) => naiveArtifact(v, h, series);

Deno.test({
  name:
    "forecastAll() serves artifacts without volatility bins with the pooled quantiles, and binned ones with σ's bin",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestSample(wh, { now: NOW, days: 400, symbols: ["BTC/USDT"], timeframes: ["1d"] });
      const frame = await loadFeatures(wh, SERIES);
      const last = frame.ts.length - 1;
      const sigma = ewmaVolatility(frame.x.map((r) => r[0]), { lambda: 0.94 })[last];
      const trainedOn = { from: 0, to: 0, rows: 0 };
      const serve = async (a: ModelArtifact) => {
        await registerVersion(wh, join(dir, "models"), a, "card");
        await setAlias(wh, "champion", a.version_id, SERIES, "test");
        const [f] = await forecastAll(wh, { now: NOW });
        assert.equal(f.version_id, a.version_id);
        return f.points;
      };
      // An artifact written before bins existed: `q` only (as JSON on disk, string keys).
      const legacy = await serve(await artifact("legacy", [{ h: 4, q: Q, trainedOn }]));
      assert.equal(legacy.length, 3);
      for (const p of legacy) {
        const half = Q[p.level as keyof typeof Q] * sigma * 2;
        assert.ok(Math.abs(p.lower - p.yhat * Math.exp(-half)) < 1e-9 * p.yhat, `${p.level}`);
        assert.ok(Math.abs(p.upper - p.yhat * Math.exp(half)) < 1e-9 * p.yhat, `${p.level}`);
      }
      // The same with bins: σ above both edges takes the wild bin's quantiles (here twice `q`).
      const wild = Object.fromEntries(Object.entries(Q).map(([l, v]) => [l, 2 * v]));
      const bins = {
        edges: [sigma / 3, sigma / 2] as [number, number],
        q: [Q, Q, wild],
        n: [1, 1, 1],
      };
      const binned = await serve(await artifact("binned", [{ h: 4, q: Q, bins, trainedOn }]));
      for (const [i, p] of binned.entries()) {
        assert.equal(p.yhat, legacy[i].yhat);
        const ratio = Math.log(p.upper / p.yhat) / Math.log(legacy[i].upper / legacy[i].yhat);
        assert.ok(Math.abs(ratio - 2) < 1e-9, `${p.level}: ${ratio}`);
      }
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const DAY = 86_400_000;
const trainedOn = { from: 0, to: 0, rows: 0 };

/** Registers a naive champion (horizons 1 and 2) for `series`; returns its artifact path. */
async function champion(
  wh: Awaited<ReturnType<typeof openWarehouse>>,
  dir: string,
  version: string,
  series: { exchange: string; symbol: string; timeframe: "1d" | "1h" } = SERIES,
): Promise<string> {
  const a = await artifact(version, [{ h: 1, q: Q, trainedOn }, { h: 2, q: Q, trainedOn }], series);
  const v = await registerVersion(wh, join(dir, "models"), a, "card");
  await setAlias(wh, "champion", version, series, "test");
  return v.artifact_path;
}

const count = async (wh: Awaited<ReturnType<typeof openWarehouse>>, where = "true") =>
  Number((await wh.one<{ n: number }>(`SELECT count(*) AS n FROM forecasts WHERE ${where}`))?.n);

Deno.test({
  name:
    "forecastChampions() skips a champion whose artifact fails its sha check, naming it, and writes the others",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestSample(wh, {
        now: NOW,
        days: 100,
        symbols: ["BTC/USDT", "ETH/USDT"],
        timeframes: ["1d"],
      });
      const eth = { ...SERIES, symbol: "ETH/USDT" };
      await champion(wh, dir, "btc-1");
      const path = await champion(wh, dir, "eth-1", eth);
      await Deno.writeTextFile(path, " ", { append: true });
      const r = await forecastChampions(wh, { now: NOW });
      assert.deepEqual(r.forecasts.map((f) => f.version_id), ["btc-1"]);
      assert.deepEqual(r.written.map((f) => f.version_id), ["btc-1"]);
      assert.equal(r.failed.length, 1);
      assert.equal(r.failed[0].symbol, "ETH/USDT");
      assert.equal(r.failed[0].version_id, "eth-1");
      assert.match(r.failed[0].reason, /sha256 .* refusing to serve a changed model/);
      assert.equal(r.rows, 2 * 3);
      assert.equal(await count(wh, "version_id = 'btc-1'"), 6);
      assert.equal(await count(wh, "version_id = 'eth-1'"), 0);
      // The fail-fast form still writes the good series, then names the bad one.
      await wh.run("DELETE FROM forecasts");
      await assert.rejects(
        () => forecastAll(wh, { now: NOW }),
        /Cannot forecast 1 series: sample ETH\/USDT 1d \(version eth-1\): .*changed model/,
      );
      assert.equal(await count(wh, "version_id = 'btc-1'"), 6);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "forecastChampions() writes a version's forecast from an origin once, and again from a new candle",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestSample(wh, { now: NOW, days: 100, symbols: ["BTC/USDT"], timeframes: ["1d"] });
      await champion(wh, dir, "v1");
      const first = await forecastChampions(wh, { now: NOW });
      assert.equal(first.written.length, 1);
      assert.equal(first.rows, 6);
      // The same candles an hour later: the same forecast, already stored.
      const again = await forecastChampions(wh, { now: NOW + 3_600_000 });
      assert.equal(again.forecasts.length, 1, "still computed (and reported)");
      assert.deepEqual(again.forecasts[0].points, first.forecasts[0].points);
      assert.deepEqual([again.written.length, again.rows], [0, 0]);
      assert.equal(await count(wh), 6);
      // A new daily candle closes: a new origin, written.
      await ingestSample(wh, {
        now: NOW + DAY,
        days: 100,
        symbols: ["BTC/USDT"],
        timeframes: ["1d"],
      });
      const next = await forecastChampions(wh, { now: NOW + DAY });
      assert.equal(next.written[0].origin_ts, first.written[0].origin_ts + DAY);
      assert.equal(await count(wh), 12);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "forecastChampions() forecasts a stale series from its last stored candle and says how many candles it is behind",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      // Candles up to three days ago, then a partial (not yet closed) one from a file.
      await ingestSample(wh, {
        now: NOW - 3 * DAY,
        days: 100,
        symbols: ["BTC/USDT"],
        timeframes: ["1d"],
      });
      const stored = Date.parse(
        (await wh.one<{ t: string }>("SELECT max(ts) AS t FROM ohlcv"))!.t,
      );
      const today = Math.floor(NOW / DAY) * DAY;
      await wh.run(
        `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
         VALUES ('sample', 'BTC/USDT', '1d', epoch_ms(?::BIGINT), 1, 1, 1, 1, 1)`,
        [today],
      );
      await champion(wh, dir, "v1");
      const r = await forecastChampions(wh, { now: NOW });
      const [f] = r.forecasts;
      assert.equal(f.origin_ts, stored, "from the last stored closed candle");
      assert.equal(f.behind, 3, "three daily candles closed since");
      assert.deepEqual(f.points.filter((p) => p.level === 0.8).map((p) => p.ts), [
        stored + DAY,
        stored + 2 * DAY,
      ]);
      assert.equal(r.written.length, 1, "still written (historical files need it)");
      assert.equal(
        describeStale(f),
        `sample BTC/USDT 1d: last stored candle ${
          new Date(stored).toISOString().replace(".000Z", "Z")
        } is 3 candles behind the last closed one (${
          new Date(today - DAY).toISOString().replace(".000Z", "Z")
        }); forecast from it anyway, its targets already closed are marked late in the ledger (ingest newer candles: deno task update or ingest)`,
      );
      // Up to date: no warning.
      await wh.run("DELETE FROM ohlcv WHERE ts = epoch_ms(?::BIGINT)", [today]);
      await ingestSample(wh, { now: NOW, days: 100, symbols: ["BTC/USDT"], timeframes: ["1d"] });
      const [fresh] = (await forecastChampions(wh, { now: NOW })).forecasts;
      assert.deepEqual([fresh.origin_ts, fresh.behind], [today - DAY, 0]);
      assert.equal(describeStale(fresh), undefined);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
