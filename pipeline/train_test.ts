import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { trainSeries } from "./train.ts";
import { forecastAll } from "./testdata/forecast.ts";
import { XgbPool } from "./models/pool.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" as const };
const OPTS = { horizons: [1, 3], folds: 3 };

async function setup(): Promise<{ wh: Warehouse; dir: string }> {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  await ingestSample(wh, {
    now: NOW,
    days: 45,
    symbols: ["BTC/USDT", "ETH/USDT"],
    timeframes: ["1h"],
  });
  return { wh, dir };
}

Deno.test({
  name:
    "trainSeries() records runs, metrics, backtests, versions with sha256 and a champion; forecastAll() uses it",
  sanitizeResources: false,
  async fn() {
    const { wh, dir } = await setup();
    const models = join(dir, "models");
    const r = await trainSeries(wh, SERIES, { modelsDir: models, ...OPTS });
    const runs = await wh.rows<
      {
        model: string;
        status: string;
        feature_set_hash: string | null;
        data_fingerprint: string;
        versioned: boolean;
      }
    >(
      `SELECT model, status, feature_set_hash, data_fingerprint,
              run_id IN (SELECT run_id FROM model_versions) AS versioned
       FROM model_runs ORDER BY model`,
    );
    // The return models, and the evaluation-only rows: the seed's setup and the volatility models.
    assert.deepEqual(runs.map((x) => x.model), [
      "drift",
      "naive",
      "seed-reference",
      "vol:ewma",
      "vol:har",
      "vol:unconditional",
      "vol:xgboost",
      "xgboost",
    ]);
    assert.deepEqual(
      runs.filter((x) => x.versioned).map((x) => x.model),
      ["drift", "naive", "xgboost"],
    );
    assert.ok(runs.every((x) => x.status === "ok" && x.data_fingerprint));
    assert.ok(
      runs.filter((x) => x.versioned || x.model === "vol:xgboost").every((x) =>
        x.feature_set_hash?.length === 64
      ),
    );
    const folds = await wh.rows<{ model: string; folds: number; hs: number }>(
      `SELECT model, count(DISTINCT fold) AS folds, count(DISTINCT horizon) AS hs FROM backtest_predictions
       JOIN model_runs USING (run_id) GROUP BY model ORDER BY model`,
    );
    assert.deepEqual(folds.map((f) => [f.folds, f.hs]), runs.map(() => [3, 2]));
    // The baseline, the challenger and the seed reference were scored on the same origins.
    const origins = await wh.rows<{ n: number }>(
      `SELECT count(DISTINCT (origin_ts, horizon)) AS n FROM backtest_predictions JOIN model_runs USING (run_id)
       WHERE model NOT LIKE 'vol:%' GROUP BY model`,
    );
    assert.equal(origins.length, 4);
    assert.equal(new Set(origins.map((o) => o.n)).size, 1);
    // Volatility rows: y is the realized volatility, yhat a positive forecast, no interval.
    const vol = await wh.one<{ n: number; bad: number }>(
      `SELECT count(*)::INTEGER AS n,
              count(*) FILTER (WHERE NOT (yhat > 0 AND y > 0) OR lower IS NOT NULL
                OR level IS NOT NULL)::INTEGER AS bad
       FROM backtest_predictions JOIN model_runs USING (run_id) WHERE model LIKE 'vol:%'`,
    );
    assert.ok(vol!.n > 100 && vol!.bad === 0, JSON.stringify(vol));
    // Regime coverage for the return models, volatility losses for the volatility models.
    const named = await wh.rows<{ model: string; metric: string }>(
      `SELECT DISTINCT model, metric FROM run_metrics JOIN model_runs USING (run_id)
       WHERE fold IS NULL AND horizon IS NULL
         AND metric IN ('coverage_80_vol_low', 'coverage_80_vol_high', 'width_80_vol_mid', 'qlike',
                        'qlike_vs_ewma')
       ORDER BY model, metric`,
    );
    for (const m of ["drift", "naive", "seed-reference", "xgboost"]) {
      assert.equal(named.filter((x) => x.model === m).length, 3, m);
    }
    for (const m of ["vol:ewma", "vol:har", "vol:unconditional", "vol:xgboost"]) {
      assert.deepEqual(named.filter((x) => x.model === m).map((x) => x.metric), [
        "qlike",
        "qlike_vs_ewma",
      ]);
    }
    const mase = await wh.one<{ v: number }>(
      `SELECT value AS v FROM run_metrics JOIN model_runs USING (run_id)
       WHERE model = 'naive' AND fold IS NULL AND horizon IS NULL AND metric = 'mase'`,
    );
    assert.equal(mase?.v, 1);
    const versions = await wh.rows<
      { artifact_path: string; artifact_sha256: string; card_path: string }
    >(
      "SELECT artifact_path, artifact_sha256, card_path FROM model_versions",
    );
    assert.equal(versions.length, 3);
    for (const v of versions) {
      const bytes = await Deno.readFile(v.artifact_path);
      const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      assert.equal(
        Array.from(d, (b) => b.toString(16).padStart(2, "0")).join(""),
        v.artifact_sha256,
      );
      const card = await Deno.readTextFile(v.card_path);
      assert.match(card, /Walk-forward evaluation/);
      assert.match(card, /\| seed-reference \|/);
      assert.match(card, /## Intervals by volatility regime[^]*\| high \|/);
      assert.match(card, /## Volatility forecasts on the same folds[^]*\| vol:har \|/);
    }
    const champ = await wh.one<{ version_id: string; reason: string }>(
      "SELECT version_id, reason FROM current_aliases WHERE alias = 'champion'",
    );
    assert.equal(champ?.version_id, r.versions[r.champion]);
    assert.ok(champ!.reason.length > 10);

    const fs = await forecastAll(wh, { now: NOW });
    assert.equal(fs.length, 1);
    const lastTs = Date.parse(
      (await wh.one<{ t: string }>("SELECT max(ts) AS t FROM ohlcv WHERE symbol = 'ETH/USDT'"))!.t,
    );
    assert.equal(fs[0].origin_ts, lastTs);
    for (const p of fs[0].points) {
      assert.ok(p.ts > lastTs, "forecasts start after the last closed candle");
      assert.ok(p.lower < p.yhat && p.yhat < p.upper);
    }
    const w = (l: number) => fs[0].points.find((p) => p.horizon === 1 && p.level === l)!;
    assert.ok(w(0.5).upper - w(0.5).lower < w(0.8).upper - w(0.8).lower);
    assert.ok(w(0.8).upper - w(0.8).lower < w(0.95).upper - w(0.95).lower);

    // A second training keeps the alias history.
    await trainSeries(wh, SERIES, { modelsDir: models, ...OPTS });
    const hist = await wh.rows("SELECT * FROM model_aliases WHERE alias = 'champion'");
    assert.equal(hist.length, 2);
    assert.equal(
      (await wh.rows("SELECT * FROM current_aliases WHERE alias = 'champion'")).length,
      1,
    );

    // A changed artifact is refused.
    const cur = await wh.one<{ artifact_path: string }>(
      "SELECT artifact_path FROM current_aliases JOIN model_versions USING (version_id) WHERE alias = 'champion'",
    );
    await Deno.writeTextFile(cur!.artifact_path, " ", { append: true });
    await assert.rejects(() => forecastAll(wh), /refusing to serve a changed model/);
    wh.close();
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "trainSeries() backtest has no look-ahead: changing prices after a date changes no prediction made before it",
  sanitizeResources: false,
  async fn() {
    const pool = new XgbPool(2);
    const predictions = async (mutate: boolean) => {
      const { wh, dir } = await setup();
      if (mutate) {
        const cut = await wh.one<{ t: string }>(
          "SELECT quantile_disc(ts, 0.85) AS t FROM ohlcv WHERE symbol = 'ETH/USDT'",
        );
        await wh.run(
          "UPDATE ohlcv SET close = close * 1.3, high = high * 1.3 WHERE ts > ?::TIMESTAMP",
          [cut!.t],
        );
      }
      await trainSeries(wh, SERIES, { modelsDir: join(dir, "m"), ...OPTS, pool });
      const rows = await wh.rows<
        {
          origin_ts: string;
          horizon: number;
          yhat: number;
          lower: number;
          upper: number;
          model: string;
        }
      >(
        `SELECT model, origin_ts, horizon, yhat, lower, upper FROM backtest_predictions JOIN model_runs USING (run_id)
         ORDER BY model, origin_ts, horizon`,
      );
      const cut = (await wh.one<{ t: string }>(
        "SELECT quantile_disc(ts, 0.85) AS t FROM ohlcv WHERE symbol = 'ETH/USDT'",
      ))!.t;
      wh.close();
      await Deno.remove(dir, { recursive: true });
      return { rows, cut };
    };
    try {
      const a = await predictions(false);
      const b = await predictions(true);
      const before = (r: { origin_ts: string }) => Date.parse(r.origin_ts) <= Date.parse(a.cut);
      const ra = a.rows.filter(before), rb = b.rows.filter(before);
      assert.ok(ra.length > 300, `${ra.length} predictions before the cut`);
      assert.deepEqual(rb, ra);
      assert.notDeepEqual(b.rows.filter((r) => !before(r)), a.rows.filter((r) => !before(r)));
    } finally {
      pool.close();
    }
  },
});
