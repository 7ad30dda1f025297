import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { sha256Hex } from "../core/hash.ts";
import { trainSeries } from "./train.ts";
import { forecastAll } from "./testdata/forecast.ts";
import { XgbPool } from "./models/pool.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" as const };

/** One independent run: its own warehouse and models folder, trained on `series` as given. */
async function run(seed: number, pool: XgbPool, series: typeof SERIES = SERIES) {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    await ingestSample(wh, {
      now: NOW,
      days: 45,
      symbols: ["BTC/USDT", "ETH/USDT"],
      timeframes: ["1h"],
    });
    const r = await trainSeries(wh, series, {
      modelsDir: join(dir, "models"),
      horizons: [1, 3],
      folds: 3,
      seed,
      pool,
    });
    await forecastAll(wh, { now: NOW });
    // Each model's artifact exactly as written, beside the sha256 the registry recorded.
    const artifacts: Record<string, { bytes: Uint8Array; sha: string; recorded: string }> = {};
    for (const [kind, version_id] of Object.entries(r.versions)) {
      const v = (await wh.one<{ p: string; sha: string }>(
        "SELECT artifact_path AS p, artifact_sha256 AS sha FROM model_versions WHERE version_id = ?",
        [version_id],
      ))!;
      const bytes = await Deno.readFile(v.p);
      artifacts[kind] = { bytes, sha: await sha256Hex(bytes), recorded: v.sha };
    }
    const card = await Deno.readTextFile(
      (await wh.one<{ p: string }>(
        "SELECT card_path AS p FROM model_versions WHERE version_id = ?",
        [
          r.versions.xgboost,
        ],
      ))!.p,
    );
    const backtest = await wh.rows(
      `SELECT fold, origin_ts, horizon, yhat, lower, upper, level FROM backtest_predictions b
       JOIN model_runs m USING (run_id) WHERE m.model = 'xgboost'
       ORDER BY fold, origin_ts, horizon, level`,
    );
    const forecasts = await wh.rows(
      "SELECT ts, horizon, yhat, lower, upper, level FROM forecasts ORDER BY ts, horizon, level",
    );
    return { versions: r.versions, artifacts, card, backtest, forecasts };
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "trainSeries() with the same data + same seed writes byte-identical artifacts (same sha256), backtest predictions and forecasts, whatever the caller's series object carries",
  sanitizeResources: false,
  async fn() {
    const pool = new XgbPool(2);
    try {
      const a = await run(7, pool);
      // As `update` passes a due series: the key plus why it is due.
      const due = { ...SERIES, reason: "12 new candles since the last training" };
      const b = await run(7, pool, due);
      assert.deepEqual(Object.keys(a.artifacts).sort(), ["drift", "naive", "xgboost"]);
      for (const [kind, x] of Object.entries(a.artifacts)) {
        const y = b.artifacts[kind];
        assert.equal(x.recorded, x.sha, `${kind}: the registry records the file's sha256`);
        assert.equal(y.recorded, y.sha);
        assert.equal(x.sha, y.sha, `${kind}: same sha256`);
        assert.deepEqual(x.bytes, y.bytes, `${kind}: same bytes`);
        // Identity stays out of the artifact (it lives in model_versions and the card).
        const content = JSON.parse(new TextDecoder().decode(x.bytes));
        assert.ok(!("version_id" in content) && !("run_id" in content), kind);
        assert.deepEqual(content.series, SERIES);
      }
      assert.notEqual(a.versions.xgboost, b.versions.xgboost, "each training is its own version");
      // The card beside the artifact names the version and where the served model was fitted.
      assert.ok(a.card.includes(a.versions.xgboost));
      assert.match(
        a.card,
        /\*\*Fit\*\*: origins .+ → 2025-06-01 \d\d:\d\d \(\d+–\d+ per horizon: every origin whose target is known\); intervals calibrated on \d+(–\d+)? out-of-sample walk-forward residuals per horizon/,
      );
      assert.ok(a.backtest.length > 100);
      assert.deepEqual(a.backtest, b.backtest);
      assert.ok(a.forecasts.length > 0);
      assert.deepEqual(a.forecasts, b.forecasts);
      // The seed matters (row and column subsampling): another one gives other trees.
      const c = await run(8, pool);
      assert.notEqual(c.artifacts.xgboost.sha, a.artifacts.xgboost.sha);
      assert.equal(c.artifacts.naive.sha.length, 64);
    } finally {
      pool.close();
    }
  },
});
