import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { trainSeries } from "./train.ts";
import { forecastAll } from "./forecast.ts";
import { XgbPool } from "./models/pool.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" as const };

/** One independent run: its own warehouse and models folder. */
async function run(seed: number, pool: XgbPool) {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    await ingestSample(wh, {
      now: NOW,
      days: 45,
      symbols: ["BTC/USDT", "ETH/USDT"],
      timeframes: ["1h"],
    });
    const r = await trainSeries(wh, SERIES, {
      modelsDir: join(dir, "models"),
      horizons: [1, 3],
      folds: 3,
      seed,
      pool,
    });
    await forecastAll(wh, { now: NOW });
    const path = (await wh.one<{ p: string }>(
      "SELECT artifact_path AS p FROM model_versions WHERE version_id = ?",
      [r.versions.xgboost],
    ))!.p;
    // The model's content: everything but its identity (version and run ids).
    const { version_id: _v, run_id: _r, ...content } = JSON.parse(await Deno.readTextFile(path));
    const backtest = await wh.rows(
      `SELECT fold, origin_ts, horizon, yhat, lower, upper, level FROM backtest_predictions b
       JOIN model_runs m USING (run_id) WHERE m.model = 'xgboost'
       ORDER BY fold, origin_ts, horizon, level`,
    );
    const forecasts = await wh.rows(
      "SELECT ts, horizon, yhat, lower, upper, level FROM forecasts ORDER BY ts, horizon, level",
    );
    return { content: JSON.stringify(content), backtest, forecasts };
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "same data + same seed → byte-identical model content, backtest predictions and forecasts",
  sanitizeResources: false,
  async fn() {
    const pool = new XgbPool(2);
    try {
      const a = await run(7, pool);
      const b = await run(7, pool);
      assert.equal(a.content, b.content);
      assert.ok(a.backtest.length > 100);
      assert.deepEqual(a.backtest, b.backtest);
      assert.ok(a.forecasts.length > 0);
      assert.deepEqual(a.forecasts, b.forecasts);
      // The seed matters (row and column subsampling): another one gives other trees.
      const c = await run(8, pool);
      const trees = (x: { content: string }) => JSON.stringify(JSON.parse(x.content).horizons);
      assert.notEqual(trees(c), trees(a));
    } finally {
      pool.close();
    }
  },
});
