/**
 * A small published warehouse for API tests, written by SQL (no training):
 * two sample symbols (BTC/USDT, ETH/USDT) at 1h and 1d; per series three
 * model runs with metrics, versions (naive, drift, xgboost) and an alias
 * history ending with xgboost as champion; the champions' forecasts (six
 * issues of horizons 1–3 at 50/80/95%); a few backtest predictions; the
 * synthetic market-wide signal and ten days of a per-asset source; a key;
 * and a snapshot.
 *
 * @module
 */
import { join } from "node:path";
import { lastClosedOpen } from "../../core/candles.ts";
import { openWarehouse, tsParam, type Warehouse } from "../../warehouse/db.ts";
import { createKey, exportKeys, keysFile } from "../../warehouse/keys.ts";
import { publishSnapshot } from "../../warehouse/publish.ts";
import { snapshotRoot } from "../../warehouse/snapshot.ts";

/** The fixture's clock: its newest candles and forecasts are as of this time. */
export const FIXTURE_NOW = Date.UTC(2025, 5, 1, 12, 30);

/** Where each timeframe's candles start. */
const FIRST: Record<"1h" | "1d", number> = {
  "1h": Date.UTC(2025, 2, 1),
  "1d": Date.UTC(2024, 6, 16),
};

/** Paths of the fixture and a valid key. */
export interface ApiFixture {
  dir: string;
  db: string;
  root: string;
  keysPath: string;
  key: string;
}

/**
 * Builds the fixture in a temporary folder.
 *
 * @example
 * ```ts
 * const fx = await makeApiFixture();
 * ```
 */
export async function makeApiFixture(): Promise<ApiFixture> {
  const dir = await Deno.makeTempDir({ prefix: "prevision-api-" });
  const db = join(dir, "warehouse.duckdb");
  const wh = await openWarehouse(db);
  try {
    for (const tf of ["1h", "1d"] as const) await insertCandles(wh, tf, FIRST[tf], FIXTURE_NOW);
    await insertModels(wh);
    await insertForecasts(wh, FIXTURE_NOW, 6);
    await insertBacktests(wh);
    await insertSignals(wh);
    const { key } = await createKey(wh, { name: "test" });
    const keysPath = keysFile(db);
    await exportKeys(wh, keysPath);
    await publishSnapshot(wh);
    return { dir, db, root: snapshotRoot(db), keysPath, key };
  } finally {
    wh.close();
  }
}

/**
 * What a pipeline run adds by `now`: the candles closed since the last
 * stored ones, and one forecast from each champion issued at `now`.
 * Publishing is left to the caller.
 */
async function advanceFixture(wh: Warehouse, now: number): Promise<void> {
  for (const tf of ["1h", "1d"] as const) await insertCandles(wh, tf, FIRST[tf], now);
  await insertForecasts(wh, now, 1);
}

/**
 * Advances the fixture's warehouse to `now` ({@link advanceFixture}) and
 * publishes a snapshot, as a writer's run would; returns the snapshot's id.
 *
 * @example
 * ```ts
 * const id = await publishNext(fx, Date.UTC(2025, 5, 2, 12, 30));
 * ```
 */
export async function publishNext(fx: { db: string }, now: number): Promise<string> {
  const wh = await openWarehouse(fx.db);
  try {
    await advanceFixture(wh, now);
    return (await publishSnapshot(wh)).id;
  } finally {
    wh.close();
  }
}

/**
 * Candles of both symbols opening from `from` to the last one closed by
 * `now`, prices a smooth function of the candle's index (so a later call
 * continues the same series); candles already stored are kept.
 */
async function insertCandles(
  wh: Warehouse,
  tf: "1h" | "1d",
  from: number,
  now: number,
): Promise<void> {
  const step = tf === "1h" ? 3600 : 86400;
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
     WITH g AS (
       SELECT s.symbol, s.p, t, epoch(t) / ? AS i
       FROM (VALUES ('BTC/USDT', 60000.0), ('ETH/USDT', 3000.0)) s(symbol, p),
            generate_series(?::TIMESTAMP, ?::TIMESTAMP, to_seconds(?)) AS g(t)
     ), px AS (
       SELECT symbol, t, i,
              p * (1 + 0.05 * sin(i / 17) + 0.02 * cos(i / 5.3)) AS close,
              p * (1 + 0.05 * sin((i - 1) / 17) + 0.02 * cos((i - 1) / 5.3)) AS open
       FROM g
     )
     SELECT 'sample', symbol, ?, t, open, greatest(open, close) * 1.004,
            least(open, close) * 0.996, close, 100 + i % 37, 'fixture'
     FROM px
     WHERE NOT EXISTS (SELECT 1 FROM ohlcv o WHERE o.exchange = 'sample'
                       AND o.symbol = px.symbol AND o.timeframe = ? AND o.ts = px.t)`,
    [step, tsParam(from), tsParam(lastClosedOpen(now, tf)), step, tf, tf],
  );
}

/**
 * Per series, one run of each model kind with its metrics and version; the
 * naive version was champion first, then xgboost took over.
 */
async function insertModels(wh: Warehouse): Promise<void> {
  const models =
    `(VALUES ('naive', 1.0, 0), ('drift', 1.04, 1), ('xgboost', 0.93, 2)) m(model, mase, n)`;
  const id = (prefix: string) =>
    `'${prefix}-' || m.model || '-' || replace(s.symbol, '/', '-') || '-' || s.timeframe`;
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params,
       feature_set, feature_set_hash, horizons, data_start, data_end, data_fingerprint,
       code_version, started_at, finished_at, duration_ms, status)
     SELECT ${id("run")}, m.model, s.exchange, s.symbol, s.timeframe, 7, '{"fixture":true}',
            'fixture-v1', 'f1x', [1, 2, 3], s.first_ts, TIMESTAMP '2025-05-20', 'fixture',
            'fixture', TIMESTAMP '2025-05-20' + to_minutes(m.n),
            TIMESTAMP '2025-05-20' + to_minutes(m.n + 1), 60000, 'ok'
     FROM markets s, ${models}`,
  );
  await wh.run(
    `INSERT INTO run_metrics (run_id, fold, horizon, metric, value)
     SELECT ${id("run")}, NULL, NULL, x.metric, x.value
     FROM markets s, ${models},
          LATERAL (VALUES ('mase', m.mase), ('mae', m.mase * 0.01 * s.last_close),
                          ('coverage_80', 0.8)) x(metric, value)`,
  );
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
       artifact_path, artifact_sha256, card_path, created_at)
     SELECT ${id("v")}, ${id("run")}, m.model, s.exchange, s.symbol, s.timeframe,
            'models/' || ${id("v")} || '.json', sha256(${id("v")}),
            'models/' || ${id("v")} || '.md', TIMESTAMP '2025-05-20' + to_minutes(m.n + 1)
     FROM markets s, ${models}`,
  );
  await wh.run(
    `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at, unset_at,
       reason)
     SELECT 'champion', ${id("v")}, s.exchange, s.symbol, s.timeframe,
            CASE m.model WHEN 'naive' THEN TIMESTAMP '2025-05-20 00:02'
                         ELSE TIMESTAMP '2025-05-20 00:03' END,
            CASE m.model WHEN 'naive' THEN TIMESTAMP '2025-05-20 00:03' END,
            CASE m.model WHEN 'naive' THEN 'first version' ELSE 'beats naive' END
     FROM markets s, ${models} WHERE m.model <> 'drift'`,
  );
}

/**
 * Forecasts from each champion over its series' last `issues` closed
 * candles: the newest issued at `now`, each older one half an hour after
 * its origin candle closed. Horizons 1–3, intervals at 50, 80 and 95%.
 */
async function insertForecasts(wh: Warehouse, now: number, issues: number): Promise<void> {
  await wh.run(
    `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
       horizon, yhat, lower, upper, level)
     WITH o AS (
       SELECT c.version_id, x.exchange, x.symbol, x.timeframe, x.ts, x.close, x.step,
              row_number() OVER (PARTITION BY x.exchange, x.symbol, x.timeframe
                                 ORDER BY x.ts DESC) - 1 AS k
       FROM champions c
       JOIN (SELECT *, CASE timeframe WHEN '1h' THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END
                         AS step FROM ohlcv) x USING (exchange, symbol, timeframe)
       WHERE x.ts + x.step <= ?::TIMESTAMP
     ), p AS (
       SELECT o.*, h, close * (1 + 0.001 * h) AS yhat, l.level, l.z
       FROM o, range(1, 4) r(h), (VALUES (0.5, 0.674), (0.8, 1.2816), (0.95, 1.96)) l(level, z)
       WHERE k < ?
     )
     SELECT version_id, exchange, symbol, timeframe,
            CASE WHEN k = 0 THEN ?::TIMESTAMP ELSE ts + step + INTERVAL 30 MINUTE END,
            ts, ts + h * step, h, yhat, yhat * (1 - z * 0.01 * sqrt(h)),
            yhat * (1 + z * 0.01 * sqrt(h)), level
     FROM p`,
    [tsParam(now), issues, tsParam(now)],
  );
}

/** The xgboost runs' one-step walk-forward predictions over their series' last ten candles. */
async function insertBacktests(wh: Warehouse): Promise<void> {
  await wh.run(
    `INSERT INTO backtest_predictions (run_id, exchange, symbol, timeframe, fold, origin_ts,
       target_ts, horizon, origin_close, y, yhat, lower, upper, level)
     WITH x AS (
       SELECT *, lead(ts) OVER w AS next_ts, lead(close) OVER w AS next_close,
              row_number() OVER (PARTITION BY exchange, symbol, timeframe ORDER BY ts DESC) AS k
       FROM ohlcv WINDOW w AS (PARTITION BY exchange, symbol, timeframe ORDER BY ts)
     )
     SELECT v.run_id, x.exchange, x.symbol, x.timeframe, 1, x.ts, x.next_ts, 1, x.close,
            x.next_close, x.close * 1.001, x.close * 0.98, x.close * 1.02, 0.8
     FROM x JOIN model_versions v USING (exchange, symbol, timeframe)
     WHERE v.model = 'xgboost' AND x.k BETWEEN 2 AND 11`,
  );
}

/**
 * The synthetic market-wide signal (`sample-fear-greed`, daily, known a day
 * later) over the daily candles, and a per-asset source (`token-metrics`)
 * with two names a day for ten days from 2025-05-01.
 */
async function insertSignals(wh: Warehouse): Promise<void> {
  await wh.run(
    `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw, run_id)
     SELECT 'sample-fear-greed', NULL, ts, 'value',
            greatest(0, least(100, round(50 + 40 * sin(epoch(ts) / 86400 / 9)))),
            ts + INTERVAL 1 DAY, '{"synthetic":true}', 'fixture'
     FROM ohlcv WHERE symbol = 'BTC/USDT' AND timeframe = '1d'`,
  );
  await wh.run(
    `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw, run_id)
     SELECT 'token-metrics', 'BTC/USDT', TIMESTAMP '2025-05-01' + to_days(i // 2),
            CASE WHEN i % 2 = 1 THEN 'tm_trader_grade' ELSE 'trading_signal' END,
            CASE WHEN i % 2 = 1 THEN 40 + i ELSE [1, 0, -1][i % 3 + 1] END,
            TIMESTAMP '2025-05-01' + to_days(i // 2 + 1), '{}', 'fixture'
     FROM range(0, 20) r(i)`,
  );
}
