/**
 * The one writer of `backtest_predictions`: a run's out-of-sample
 * predictions, one row per origin and horizon, with the rows' builders for
 * return models (prices rebuilt from log returns) and volatility models.
 *
 * @module
 */
import type { ColumnKind, Warehouse } from "../../warehouse/db.ts";
import type { Series } from "../../core/series.ts";
import type { BacktestPoint } from "../evaluation/walkforward.ts";
import type { VolPoint } from "../research/volatility.ts";

/**
 * The columns of `backtest_predictions`, in table order: run_id, exchange,
 * symbol, timeframe, fold, origin_ts, target_ts, horizon, origin_close, y,
 * yhat, lower, upper, level.
 */
export const BACKTEST_COLUMNS: readonly ColumnKind[] = [
  "varchar",
  "varchar",
  "varchar",
  "varchar",
  "integer",
  "timestamp",
  "timestamp",
  "integer",
  "double",
  "double",
  "double",
  "double",
  "double",
  "double",
];

/** One `backtest_predictions` row (without run_id and series). */
export interface BacktestRow {
  fold: number;
  origin_ts: number;
  target_ts: number;
  horizon: number;
  origin_close: number;
  y: number | null;
  yhat: number;
  lower: number | null;
  upper: number | null;
  level: number | null;
}

/**
 * Appends a run's backtest rows as given (a NaN stays NaN, see
 * {@link withNulls}). Call inside the series' transaction.
 *
 * @example
 * ```ts
 * await writeBacktest(wh, runId, series, priceBacktestRows(points, frame, step));
 * ```
 */
export async function writeBacktest(
  wh: Warehouse,
  runId: string,
  series: Series,
  rows: readonly BacktestRow[],
): Promise<void> {
  await wh.append(
    "backtest_predictions",
    BACKTEST_COLUMNS,
    rows.map((b) => [
      runId,
      series.exchange,
      series.symbol,
      series.timeframe,
      b.fold,
      b.origin_ts,
      b.target_ts,
      b.horizon,
      b.origin_close,
      b.y,
      b.yhat,
      b.lower,
      b.upper,
      b.level,
    ]),
  );
}

/**
 * A row whose non-finite y, lower, upper and level become null (stored as
 * NULL): how evaluation-only runs store theirs.
 *
 * @example
 * ```ts
 * withNulls({ ...row, lower: NaN }).lower; // null
 * ```
 */
export function withNulls(b: BacktestRow): BacktestRow {
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  return { ...b, y: num(b.y), lower: num(b.lower), upper: num(b.upper), level: num(b.level) };
}

/**
 * Backtest rows of a return model's points as prices: y, yhat and the 80%
 * interval rebuilt from the origin's close.
 *
 * @example
 * ```ts
 * const rows = priceBacktestRows(points, frame, timeframeMs("1d"));
 * ```
 */
export function priceBacktestRows(
  points: readonly BacktestPoint[],
  frame: { ts: readonly number[]; close: readonly number[] },
  step: number,
): BacktestRow[] {
  return points.map((p) => {
    const c = frame.close[p.origin];
    return {
      fold: p.fold,
      origin_ts: frame.ts[p.origin],
      target_ts: frame.ts[p.origin] + p.h * step,
      horizon: p.h,
      origin_close: c,
      y: c * Math.exp(p.y),
      yhat: c * Math.exp(p.yhat),
      lower: c * Math.exp(p.yhat - p.half[0.8]),
      upper: c * Math.exp(p.yhat + p.half[0.8]),
      level: 0.8,
    };
  });
}

/**
 * Backtest rows of a volatility model: y = realized volatility of the next
 * h candles, yhat = the calibrated forecast; no interval.
 *
 * @example
 * ```ts
 * const rows = volBacktestRows(evaluation.points, frame, timeframeMs("1d"));
 * ```
 */
export function volBacktestRows(
  points: readonly VolPoint[],
  frame: { ts: readonly number[]; close: readonly number[] },
  step: number,
): BacktestRow[] {
  return points.map((p) => ({
    fold: p.fold,
    origin_ts: frame.ts[p.origin],
    target_ts: frame.ts[p.origin] + p.h * step,
    horizon: p.h,
    origin_close: frame.close[p.origin],
    y: p.y,
    yhat: p.yhat,
    lower: null,
    upper: null,
    level: null,
  }));
}
