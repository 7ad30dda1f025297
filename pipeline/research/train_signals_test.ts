import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse, tsParam } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { ingestSampleSignal, SAMPLE_SIGNAL_SOURCE } from "../../loaders/signals/sample.ts";
import { trainSeries } from "../train.ts";
import { forecastAll } from "../testdata/forecast.ts";
import { loadArtifact } from "../registry/versions.ts";
import { featureSetName } from "../features/core.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" as const };

Deno.test({
  name:
    "train: signals become features (in the hashed feature set) and are judged on the models' folds; forecasts rebuild them from the artifact",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    await ingestSample(wh, {
      now: NOW,
      days: 100,
      symbols: ["BTC/USDT", "ETH/USDT"],
      timeframes: ["1h"],
    });
    const sig = await ingestSampleSignal(wh, { now: NOW });
    assert.ok(sig.rows_loaded >= 60, sig.message);
    const models = join(dir, "models");
    const r = await trainSeries(wh, SERIES, { modelsDir: models, horizons: [1, 2], folds: 3 });
    assert.deepEqual(r.signals.map((j) => [j.model, j.kind]), [
      [`signal:${SAMPLE_SIGNAL_SOURCE}:value`, "fear_greed"],
    ]);

    const runs = await wh.rows<{ model: string; feature_set: string; horizons: number[] }>(
      "SELECT model, feature_set, horizons FROM model_runs ORDER BY model",
    );
    const withSignals = featureSetName([{ source: SAMPLE_SIGNAL_SOURCE, name: "value" }]);
    assert.match(withSignals, /^core-v\d+\+signals-v2$/);
    assert.deepEqual(runs.map((x) => [x.model, x.feature_set]), [
      ["drift", withSignals],
      ["naive", withSignals],
      ["seed-reference", null],
      [`signal:${SAMPLE_SIGNAL_SOURCE}:value`, "signals-v2"],
      ["vol:ewma", null],
      ["vol:har", null],
      ["vol:unconditional", null],
      ["vol:xgboost", withSignals],
      ["xgboost", withSignals],
    ]);
    // Judged on the same folds and origins as the models: its n is the naive model's
    // horizon-1 test origins that had a signal value.
    const origins = await wh.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM backtest_predictions JOIN model_runs USING (run_id)
       WHERE model = 'naive' AND horizon = 1`,
    );
    const m = Object.fromEntries(
      (await wh.rows<{ metric: string; value: number }>(
        `SELECT metric, value FROM run_metrics JOIN model_runs USING (run_id)
         WHERE model LIKE 'signal:%' AND fold IS NULL AND horizon = 1`,
      )).map((x) => [x.metric, x.value]),
    );
    assert.ok(m.n > 0 && m.n <= origins!.n);
    assert.ok(Math.abs(m.coverage - m.n / origins!.n) < 1e-9);
    for (const k of ["ic", "ic_lo", "ic_hi", "anova_p", "p_value", "informative", "mean_ret:all"]) {
      assert.ok(k in m, `metric ${k}`);
    }
    const folds = await wh.one<{ n: number }>(
      `SELECT count(DISTINCT fold)::INTEGER AS n FROM run_metrics JOIN model_runs USING (run_id)
       WHERE model LIKE 'signal:%' AND fold IS NOT NULL`,
    );
    assert.equal(folds!.n, 3);

    const v = await wh.one<{ artifact_path: string; artifact_sha256: string }>(
      "SELECT artifact_path, artifact_sha256 FROM model_versions WHERE model = 'xgboost'",
    );
    const a = await loadArtifact(v!.artifact_path, v!.artifact_sha256);
    assert.equal(a.feature_columns.at(-1), `sig:${SAMPLE_SIGNAL_SOURCE}:value`);

    // A new signal arriving after training changes nothing for the trained models:
    // forecasting rebuilds their feature set from the artifact.
    const days = Array.from({ length: 60 }, (_, d) => Date.UTC(2025, 2, 1) + d * 86_400_000);
    for (const d of days) {
      await wh.run(
        `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw)
         VALUES ('sample-other', NULL, ?, 'x', ?, ?, '{}')`,
        [tsParam(d), d % 7, tsParam(d + 86_400_000)],
      );
    }
    const fs = await forecastAll(wh, { now: NOW });
    assert.equal(fs.length, 1);
    assert.ok(fs[0].points.every((p) => Number.isFinite(p.yhat)));
    const again = await trainSeries(wh, SERIES, { modelsDir: models, horizons: [1], folds: 3 });
    assert.equal(again.signals.length, 2, "retraining takes the new signal in");
    wh.close();
    await Deno.remove(dir, { recursive: true });
  },
});
