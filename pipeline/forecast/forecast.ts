/**
 * `forecast`: from every champion, the next horizons after the last closed
 * candle, with 50/80/95% intervals, written to `forecasts`.
 *
 * A forecast row's `ts` is the target candle's open time (like `ohlcv.ts`);
 * `yhat` is that candle's predicted close. The artifact is checked against
 * its sha256 before use.
 *
 * Each series stands alone: a champion whose artifact fails its check (or
 * whose feature set this code no longer computes) is reported and skipped,
 * the others are forecast and written. A series whose stored candles stop
 * before the last candle closed by the clock is still forecast from its last
 * stored candle (historical files need that) and reported as stale; the
 * ledger marks its targets that had already closed `late`. Forecasting is
 * deterministic, so a forecast already stored for the same version and origin
 * is not written again.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { lastClosedOpen, type Timeframe, timeframeMs } from "../../core/candles.ts";
import { seriesLabel } from "../../core/series.ts";
import { loadFeatures } from "../features/core.ts";
import { ewmaVolatility } from "../evaluation/targets.ts";
import { calibratedHalfWidths } from "../evaluation/conformal.ts";
import { servableArtifact } from "../registry/mod.ts";
import { modelOf } from "../models/mod.ts";

/** One forecast point. */
export interface ForecastPoint {
  ts: number;
  horizon: number;
  yhat: number;
  lower: number;
  upper: number;
  level: number;
}

/** A registered version as forecasting needs it. */
export interface VersionRef {
  version_id: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  artifact_path: string;
  artifact_sha256: string;
}

/** A champion's forecast for one series. */
export interface SeriesForecast {
  version_id: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  origin_ts: number;
  /** Candles closed by the clock after the origin (0: the origin is the last closed candle). */
  behind: number;
  points: ForecastPoint[];
}

/** A champion that could not forecast, and why. */
export interface ForecastFailure {
  version_id: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  reason: string;
}

/** What {@link forecastChampions} did, series by series. */
export interface ForecastReport {
  /** Every champion's forecast that could be made, by exchange, symbol and timeframe. */
  forecasts: SeriesForecast[];
  /** Those written now; the others were stored already (same version and origin). */
  written: SeriesForecast[];
  /** Rows written to `forecasts`. */
  rows: number;
  /** Champions skipped, with the reason. */
  failed: ForecastFailure[];
}

/**
 * Forecasts every series that has a champion, each on its own: a failing
 * one is reported in `failed` and the rest are still forecast. Writes the
 * new forecasts in one transaction, leaving out those already stored for the
 * same (version, origin). `now` is the clock (default `Date.now()`): the
 * origin is the last stored candle closed by then.
 *
 * @example
 * ```ts
 * const r = await forecastChampions(wh);
 * for (const f of r.failed) console.error(`${f.symbol} ${f.timeframe}: ${f.reason}`);
 * ```
 */
export async function forecastChampions(
  wh: Warehouse,
  options: { now?: number } = {},
): Promise<ForecastReport> {
  const now = options.now ?? Date.now();
  const champions = await wh.rows<VersionRef>(
    `SELECT version_id, exchange, symbol, timeframe, artifact_path, artifact_sha256
     FROM champions ORDER BY exchange, symbol, timeframe`,
  );
  const forecasts: SeriesForecast[] = [];
  const failed: ForecastFailure[] = [];
  for (const c of champions) {
    try {
      forecasts.push(await forecastVersion(wh, c, { now }));
    } catch (err) {
      failed.push({
        version_id: c.version_id,
        exchange: c.exchange,
        symbol: c.symbol,
        timeframe: c.timeframe,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }
  const issued = new Date(now).toISOString().replace("Z", "");
  const written: SeriesForecast[] = [];
  let rows = 0;
  await wh.transaction(async () => {
    for (const f of forecasts) {
      const stored = await wh.one(
        "SELECT 1 FROM forecasts WHERE version_id = ? AND origin_ts = epoch_ms(?::BIGINT) LIMIT 1",
        [f.version_id, f.origin_ts],
      );
      if (stored) continue;
      for (const p of f.points) {
        await wh.run(
          `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
             horizon, yhat, lower, upper, level)
           VALUES (?, ?, ?, ?, ?::TIMESTAMP, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), ?, ?, ?, ?, ?)`,
          [
            f.version_id,
            f.exchange,
            f.symbol,
            f.timeframe,
            issued,
            f.origin_ts,
            p.ts,
            p.horizon,
            p.yhat,
            p.lower,
            p.upper,
            p.level,
          ],
        );
      }
      written.push(f);
      rows += f.points.length;
    }
  });
  return { forecasts, written, rows, failed };
}

/**
 * One line naming a failed champion and why.
 *
 * @example
 * ```ts
 * describeFailure(failure); // "sample BTC/USDT 1h (version v1): Model artifact … is missing: …"
 * ```
 */
export function describeFailure(f: ForecastFailure): string {
  return `${seriesLabel(f)} (version ${f.version_id}): ${f.reason}`;
}

/**
 * One line warning that a forecast starts from a stale candle, or undefined
 * when its origin is the last closed candle.
 *
 * @example
 * ```ts
 * describeStale(forecast); // "sample BTC/USDT 1h: last stored candle 2025-05-29T11:00:00Z is 49 candles behind …"
 * ```
 */
export function describeStale(f: SeriesForecast): string | undefined {
  if (f.behind <= 0) return undefined;
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  const latest = f.origin_ts + f.behind * timeframeMs(f.timeframe);
  return `${seriesLabel(f)}: last stored candle ${iso(f.origin_ts)} is ${f.behind} candle${
    f.behind === 1 ? "" : "s"
  } behind the last closed one (${
    iso(latest)
  }); forecast from it anyway, its targets already closed are marked late in the ledger (ingest newer candles: deno task update or ingest)`;
}

/**
 * Forecasts one version from the last stored candle of its series that has
 * closed by `now` (default `Date.now()`).
 *
 * @example
 * ```ts
 * const f = await forecastVersion(wh, champion);
 * ```
 */
export async function forecastVersion(
  wh: Warehouse,
  v: VersionRef,
  options: { now?: number } = {},
): Promise<SeriesForecast> {
  const tf = v.timeframe as Timeframe;
  // The artifact, checked, and the signal columns it was trained with.
  const { artifact: a, signals } = await servableArtifact(v, tf);
  const model = modelOf(a.model);
  const frame = await loadFeatures(
    wh,
    { exchange: v.exchange, symbol: v.symbol, timeframe: tf },
    signals,
  );
  // A stored candle that has not closed yet (a partial one from a file) is no origin.
  const closed = lastClosedOpen(options.now ?? Date.now(), tf);
  if (frame.ts.length === 0) throw new Error(`No candles to forecast ${v.symbol} ${tf} from`);
  const last = frame.ts.findLastIndex((t) => t <= closed);
  if (last < 0) {
    throw new Error(
      `No closed candle to forecast ${v.symbol} ${tf} from: every stored one is open`,
    );
  }
  const sigma = ewmaVolatility(frame.x.map((r) => r[0]), { lambda: a.sigma.lambda })[last];
  const step = timeframeMs(tf);
  const origin = frame.ts[last], close = frame.close[last];
  const points: ForecastPoint[] = [];
  for (const hm of a.horizons) {
    const r = await model.predict(hm, frame.x[last], a.params);
    // Quantiles of σ's volatility bin; the pooled ones for artifacts without bins.
    const half = calibratedHalfWidths(hm, sigma, hm.h);
    for (const level of a.levels) {
      points.push({
        ts: origin + hm.h * step,
        horizon: hm.h,
        yhat: close * Math.exp(r),
        lower: close * Math.exp(r - half[level]),
        upper: close * Math.exp(r + half[level]),
        level,
      });
    }
  }
  return {
    version_id: v.version_id,
    exchange: v.exchange,
    symbol: v.symbol,
    timeframe: v.timeframe,
    origin_ts: origin,
    behind: Math.max(0, Math.round((closed - origin) / step)),
    points,
  };
}
