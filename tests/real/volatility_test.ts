/**
 * The other half of the truth, on real data: returns are not forecastable,
 * volatility is. On real BTC daily candles, EWMA and HAR beat the
 * unconditional variance on QLIKE in every fold; the return models' 80%
 * intervals are reported per volatility regime; and the seed's price-level
 * setup is shown for what it was and never promoted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REAL_DATA, realFile } from "./mod.ts";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestFiles } from "../../loaders/files/mod.ts";
import { trainSeries } from "../../pipeline/train.ts";

Deno.test({
  name:
    "trainSeries() on real BTC/USDT daily candles: volatility is forecastable (EWMA and HAR beat the unconditional variance on QLIKE), regime coverage is reported, the seed reference loses",
  ignore: !REAL_DATA,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestFiles(wh, realFile("mschindler779__CausCrypto", "Binance_BTCUSDT_d.csv"));
      const r = await trainSeries(
        wh,
        { exchange: "binance", symbol: "BTC/USDT", timeframe: "1d" },
        {
          modelsDir: join(dir, "models"),
        },
      );
      const metric = async (model: string, m: string, fold: number | null = null) =>
        (await wh.one<{ v: number }>(
          `SELECT value AS v FROM run_metrics JOIN model_runs USING (run_id)
           WHERE model = ? AND metric = ? AND horizon IS NULL
             AND (fold = ? OR (fold IS NULL AND ? IS NULL))`,
          [model, m, fold, fold],
        ))?.v ?? NaN;
      const q = Object.fromEntries(
        await Promise.all(
          ["vol:unconditional", "vol:ewma", "vol:har", "vol:xgboost"].map(async (m) =>
            [m, await metric(m, "qlike_vs_unconditional")] as const
          ),
        ),
      );
      console.log(
        `BTC/USDT 1d QLIKE: unconditional ${
          (await metric("vol:unconditional", "qlike")).toFixed(3)
        }, ` +
          `EWMA ${(await metric("vol:ewma", "qlike")).toFixed(3)}, HAR ${
            (await metric("vol:har", "qlike")).toFixed(3)
          }; vs unconditional: EWMA ${q["vol:ewma"].toFixed(3)}, HAR ${q["vol:har"].toFixed(3)}, ` +
          `XGBoost ${q["vol:xgboost"].toFixed(3)} (h 1/4/7)`,
      );
      assert.ok(q["vol:ewma"] < 0.9, `EWMA QLIKE / unconditional ${q["vol:ewma"]}`);
      assert.ok(q["vol:har"] < 0.9, `HAR QLIKE / unconditional ${q["vol:har"]}`);
      // Not a lucky period: every fold, every horizon pooled over folds.
      const worst = await wh.one<{ v: number }>(
        `SELECT max(value) AS v FROM run_metrics JOIN model_runs USING (run_id)
         WHERE model IN ('vol:ewma', 'vol:har') AND metric = 'qlike_vs_unconditional'
           AND horizon IS NOT NULL`,
      );
      assert.ok(worst!.v < 1, `worst fold/horizon ratio ${worst!.v}`);
      // HAR is at least as good as EWMA on BTC.
      assert.ok(
        (await metric("vol:har", "qlike_vs_ewma")) < 1.02,
        `HAR vs EWMA ${await metric("vol:har", "qlike_vs_ewma")}`,
      );

      // Volatility backtests: y is the realized volatility of the next h candles, computed
      // here again in SQL from the candles.
      const check = await wh.one<{ n: number; err: number }>(
        `WITH r AS (
           SELECT ts, ln(close / lag(close) OVER (ORDER BY ts)) AS r FROM ohlcv
           WHERE symbol = 'BTC/USDT' AND timeframe = '1d'),
         b AS (
           SELECT origin_ts, target_ts, y FROM backtest_predictions JOIN model_runs USING (run_id)
           WHERE model = 'vol:har' AND horizon = 7)
         SELECT count(*)::INTEGER AS n,
                max(abs(b.y - (SELECT sqrt(sum(r * r)) FROM r
                               WHERE r.ts > b.origin_ts AND r.ts <= b.target_ts))) AS err
         FROM b`,
      );
      assert.ok(check!.n > 500 && check!.err < 1e-12, JSON.stringify(check));

      // Regime coverage of the return models' intervals.
      const x = Object.fromEntries(
        await Promise.all(
          ["low", "mid", "high"].flatMap((g) =>
            ["coverage_80_vol_", "n_vol_", "width_80_vol_"].map(async (m) =>
              [`${m}${g}`, await metric("xgboost", `${m}${g}`)] as const
            )
          ),
        ),
      );
      console.log(
        `BTC/USDT 1d xgboost 80% intervals by volatility regime: ${
          ["low", "mid", "high"].map((g) =>
            `${g} ${(x[`coverage_80_vol_${g}`] * 100).toFixed(1)}% (width ${
              (x[`width_80_vol_${g}`] * 100).toFixed(1)
            }%, ${Math.round(x[`n_vol_${g}`])} origins per horizon)`
          ).join("; ")
        }`,
      );
      // Terciles of the test origins' own σ: a third of them in each regime.
      const n = x.n_vol_low + x.n_vol_mid + x.n_vol_high;
      // Per-tercile conformal quantiles: every regime within 5 points of 80% (about 2.5 standard
      // errors with ~400 origins per horizon; measured 81.2 / 81.4 / 81.3%). One pooled quantile
      // fails it (naive model: 73.6 / 76.0 / 86.9%). Over nine Binance daily assets the worst
      // tercile was 75.2% (DOGE, calm) and 85.9% (SOL, wild): this bound is BTC's.
      for (const g of ["low", "mid", "high"]) {
        assert.ok(
          Math.abs(x[`n_vol_${g}`] - n / 3) <= 0.01 * n,
          `${g}: ${x[`n_vol_${g}`]} of ${n} origins`,
        );
        assert.ok(
          Math.abs(x[`coverage_80_vol_${g}`] - 0.8) < 0.05,
          `${g}: 80% coverage ${x[`coverage_80_vol_${g}`]}`,
        );
      }
      // Calibrated does not mean flat: wider intervals when volatility is higher.
      assert.ok(x.width_80_vol_mid > x.width_80_vol_low, `${x.width_80_vol_mid}`);
      assert.ok(x.width_80_vol_high > x.width_80_vol_low);

      // The seed's setup: far worse than no change, never promoted nor versioned.
      const seed = r.summaries.find((s) => s.model === "seed-reference")!;
      console.log(`BTC/USDT 1d seed-reference MASE ${seed.mase.toFixed(2)} (no change: 1)`);
      assert.ok(seed.mase > 1.5, `seed reference MASE ${seed.mase}`);
      assert.notEqual(r.champion, "seed-reference");
      const versions = await wh.one<{ n: number }>(
        "SELECT count(*)::INTEGER AS n FROM model_versions WHERE model LIKE 'vol:%' OR model = 'seed-reference'",
      );
      assert.equal(versions!.n, 0);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
