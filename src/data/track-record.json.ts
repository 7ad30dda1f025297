/**
 * Data loader → `track-record.json`: every forecast that was published,
 * beside what happened. Per series and model version: how many forecasts
 * matured (their target candle has closed), the live MAE of the log return
 * against the naive "no change" error on the same targets, directional hits,
 * and how often the 50/80/95% intervals held the outcome — with the version's
 * walk-forward figures beside them. The points of the latest origins are
 * included for the chart.
 *
 * A forecast re-issued from the same origin by the same version (a second
 * `forecast` before a new candle) counts once: the latest issue. A forecast
 * issued after its target candle had closed (`late`, from a stale series) is
 * left out, as in the `forecast_ledger` view.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { runLoader, type SeriesRow, sig } from "./_snapshot.ts";
import { TIMEFRAMES } from "../../core/candles.ts";
import { seriesKey } from "../../core/series.ts";

/** A timeframe's candle length in milliseconds. */
const STEP_MS: Record<string, number> = TIMEFRAMES;

/** At most this many forecast points per series go to the chart (newest origins first). */
const POINTS_PER_SERIES = 480;

await runLoader("track-record.json", async (db) => {
  // Candle lengths, so a target counts as realized only once its candle has closed.
  await db.run(
    `CREATE TEMP TABLE steps AS SELECT * FROM (VALUES ${
      Object.keys(STEP_MS).map(() => "(?, ?)").join(", ")
    }) AS t(timeframe, step_ms)`,
    Object.entries(STEP_MS).flat(),
  );
  await db.run(`
    CREATE TEMP TABLE tr AS
    WITH d AS (
      SELECT * FROM forecasts
      QUALIFY issued_at = max(issued_at) OVER (PARTITION BY version_id, origin_ts)
    )
    SELECT d.exchange, d.symbol, d.timeframe, d.version_id, d.issued_at, d.origin_ts, d.ts,
           d.horizon, round(d.level, 4) AS level, d.yhat, d.lower, d.upper,
           o.close AS origin_close, a.close AS actual
    FROM d
    LEFT JOIN ohlcv o ON o.exchange = d.exchange AND o.symbol = d.symbol
      AND o.timeframe = d.timeframe AND o.ts = d.origin_ts
    LEFT JOIN steps s ON s.timeframe = d.timeframe
    LEFT JOIN ohlcv a ON a.exchange = d.exchange AND a.symbol = d.symbol
      AND a.timeframe = d.timeframe AND a.ts = d.ts
      AND epoch_ms(a.ts) + s.step_ms <= epoch_ms(now())
    -- Late forecasts (issued after their target had closed: a stale series) are no
    -- forecasts at all; the ledger leaves them out too.
    WHERE s.step_ms IS NULL OR epoch_ms(d.ts) + s.step_ms > epoch_ms(d.issued_at)`);
  // One row per forecast point (the levels folded into columns).
  await db.run(`
    CREATE TEMP TABLE pts AS
    SELECT exchange, symbol, timeframe, version_id, issued_at, origin_ts, ts, horizon,
           any_value(yhat) AS yhat, any_value(origin_close) AS origin_close,
           any_value(actual) AS actual,
           any_value(lower) FILTER (WHERE level = 0.8) AS lo80,
           any_value(upper) FILTER (WHERE level = 0.8) AS hi80,
           ln(any_value(yhat) / any_value(origin_close)) AS r_hat,
           ln(any_value(actual) / any_value(origin_close)) AS r
    FROM tr GROUP BY ALL`);
  return await build(db);
});

async function build(db: Warehouse): Promise<unknown[]> {
  const series = await db.rows<SeriesRow>(`
    SELECT exchange, symbol, timeframe, max(ts) AS last_candle FROM ohlcv
    WHERE (exchange, symbol, timeframe) IN (SELECT (exchange, symbol, timeframe) FROM pts)
    GROUP BY ALL ORDER BY ALL`);
  const versions = await db.rows<SeriesRow>(`
    SELECT p.exchange, p.symbol, p.timeframe, p.version_id, v.model, v.run_id,
           p.version_id IN (SELECT version_id FROM champions) AS champion,
           min(p.origin_ts) AS first_origin, max(p.origin_ts) AS last_origin,
           count(DISTINCT p.origin_ts) AS issues,
           count(p.r) AS matured, count(*) - count(p.r) AS pending,
           min(p.ts) FILTER (WHERE p.r IS NULL) AS next_target,
           avg(abs(p.r - p.r_hat)) AS mae, avg(abs(p.r)) AS naive_mae,
           count(*) FILTER (WHERE p.r IS NOT NULL AND p.r_hat <> 0 AND p.r <> 0) AS dir_n,
           count(*) FILTER (WHERE p.r IS NOT NULL AND p.r_hat <> 0 AND sign(p.r) = sign(p.r_hat))
             AS dir_hits
    FROM pts p LEFT JOIN model_versions v USING (version_id)
    GROUP BY ALL ORDER BY p.exchange, p.symbol, p.timeframe, first_origin DESC, p.version_id`);
  const coverage = await db.rows(`
    SELECT version_id, level, count(*) AS n,
           count(*) FILTER (WHERE actual BETWEEN lower AND upper) AS hits
    FROM tr WHERE actual IS NOT NULL AND level IS NOT NULL
    GROUP BY ALL ORDER BY version_id, level`);
  const byHorizon = await db.rows(`
    SELECT version_id, horizon, count(*) AS n, avg(abs(r - r_hat)) AS mae,
           avg(abs(r)) AS naive_mae,
           count(*) FILTER (WHERE actual BETWEEN lo80 AND hi80) AS hits80
    FROM pts WHERE r IS NOT NULL
    GROUP BY ALL ORDER BY version_id, horizon`);
  const backtest = await db.rows(`
    SELECT v.version_id, m.metric, m.value
    FROM model_versions v JOIN run_metrics m USING (run_id)
    WHERE m.fold IS NULL AND m.horizon IS NULL
      AND m.metric IN ('mae', 'mase', 'dir_acc', 'coverage_50', 'coverage_80', 'coverage_95')
      AND v.version_id IN (SELECT version_id FROM pts)
    ORDER BY ALL`);
  const points = await db.rows<SeriesRow>(
    `WITH o AS (
       SELECT exchange, symbol, timeframe, version_id, origin_ts, count(*) AS k FROM pts GROUP BY ALL
     ), keep AS (
       SELECT *, sum(k) OVER (PARTITION BY exchange, symbol, timeframe
                              ORDER BY origin_ts DESC, version_id) AS running
       FROM o
     )
     SELECT p.exchange, p.symbol, p.timeframe, p.version_id, epoch_ms(p.origin_ts) AS origin,
            epoch_ms(p.ts) AS target, p.horizon, p.origin_close, p.yhat, p.lo80, p.hi80, p.actual
     FROM pts p JOIN keep USING (exchange, symbol, timeframe, version_id, origin_ts)
     WHERE keep.running - keep.k < ?
     ORDER BY p.exchange, p.symbol, p.timeframe, p.origin_ts, p.version_id, p.horizon`,
    [POINTS_PER_SERIES],
  );

  return series.map((s) => {
    const pts = points.filter((p) => seriesKey(p) === seriesKey(s));
    const versionIds = [...new Set(pts.map((p) => p.version_id as string))];
    return {
      exchange: s.exchange,
      symbol: s.symbol,
      timeframe: s.timeframe,
      last_candle: s.last_candle,
      versions: versions.filter((v) => seriesKey(v) === seriesKey(s)).map((v) => ({
        version_id: v.version_id,
        model: v.model ?? null,
        champion: v.champion,
        first_origin: v.first_origin,
        last_origin: v.last_origin,
        issues: v.issues,
        matured: v.matured,
        pending: v.pending,
        next_target: v.next_target,
        // The target candle's ts is its open time; it is known once it closes, a candle later.
        next_close: v.next_target
          ? new Date(Date.parse(v.next_target as string) + STEP_MS[s.timeframe as string])
            .toISOString()
          : null,
        mae: sig(v.mae),
        naive_mae: sig(v.naive_mae),
        dir_n: v.dir_n,
        dir_hits: v.dir_hits,
        coverage: coverage.filter((c) => c.version_id === v.version_id).map((c) => ({
          level: c.level,
          n: c.n,
          hits: c.hits,
        })),
        by_horizon: byHorizon.filter((b) => b.version_id === v.version_id).map((b) => ({
          horizon: b.horizon,
          n: b.n,
          mae: sig(b.mae),
          naive_mae: sig(b.naive_mae),
          hits80: b.hits80,
        })),
        backtest: Object.fromEntries(
          backtest.filter((b) => b.version_id === v.version_id).map((
            b,
          ) => [b.metric, sig(b.value)]),
        ),
      })),
      // Columns, to keep the payload small; `version` indexes `version_ids`.
      points: {
        version_ids: versionIds,
        version: pts.map((p) => versionIds.indexOf(p.version_id as string)),
        origin: pts.map((p) => p.origin),
        target: pts.map((p) => p.target),
        horizon: pts.map((p) => p.horizon),
        origin_close: pts.map((p) => sig(p.origin_close)),
        yhat: pts.map((p) => sig(p.yhat)),
        lo80: pts.map((p) => sig(p.lo80)),
        hi80: pts.map((p) => sig(p.hi80)),
        actual: pts.map((p) => sig(p.actual)),
      },
    };
  });
}
