/**
 * Evaluation-only runs: models that are measured on the same folds as the
 * return models but never versioned, promoted or served — the volatility
 * models (`vol:*`) and the seed's setup (`seed-reference`). Each is a
 * `model_runs` row with its `run_metrics` and `backtest_predictions`, written
 * inside the series' transaction.
 *
 * @module
 */
import type { ColumnKind, Warehouse } from "../../warehouse/db.ts";
import type { MetricRow } from "../evaluation/score.ts";
import type { BacktestPoint } from "../evaluation/walkforward.ts";
import type { ModelSummary } from "./promotion.ts";
import type { Series } from "../../core/series.ts";
import type { VolPoint } from "../research/volatility.ts";
import { writeRunMetrics } from "./metrics.ts";

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
  y: number;
  yhat: number;
  lower: number | null;
  upper: number | null;
  level: number | null;
}

/** An evaluation-only run to record. */
export interface EvaluationRun {
  model: string;
  params: unknown;
  horizons: readonly number[];
  rows: readonly MetricRow[];
  backtest: readonly BacktestRow[];
  /** The feature set it read, when it read one. */
  featureSet?: { name: string; hash: string };
}

/** What every run of a training shares. */
export interface RunMeta {
  seed: number;
  data: { start: number; end: number; hash: string };
  code: string;
  /** Epoch ms when the training started. */
  started: number;
  durationMs: number;
}

/**
 * Writes one evaluation run; returns its run_id. Call inside a transaction.
 *
 * @example
 * ```ts
 * await wh.transaction(() => recordEvaluationRun(wh, series, run, meta));
 * ```
 */
export async function recordEvaluationRun(
  wh: Warehouse,
  series: Series,
  run: EvaluationRun,
  meta: RunMeta,
): Promise<string> {
  const run_id = `run-${crypto.randomUUID()}`;
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "");
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params,
       feature_set, feature_set_hash, horizons, data_start, data_end, data_fingerprint,
       code_version, started_at, finished_at, duration_ms, status)
     VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?::INTEGER[], ?::TIMESTAMP, ?::TIMESTAMP, ?, ?,
             ?::TIMESTAMP, now()::TIMESTAMP, ?, 'ok')`,
    [
      run_id,
      run.model,
      series.exchange,
      series.symbol,
      series.timeframe,
      meta.seed,
      JSON.stringify(run.params),
      run.featureSet?.name ?? null,
      run.featureSet?.hash ?? null,
      `[${run.horizons.join(",")}]`,
      iso(meta.data.start),
      iso(meta.data.end),
      meta.data.hash,
      meta.code,
      iso(meta.started),
      meta.durationMs,
    ],
  );
  await writeRunMetrics(wh, run_id, run.rows);
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  await wh.append(
    "backtest_predictions",
    BACKTEST_COLUMNS,
    run.backtest.map((b) => [
      run_id,
      series.exchange,
      series.symbol,
      series.timeframe,
      b.fold,
      b.origin_ts,
      b.target_ts,
      b.horizon,
      b.origin_close,
      num(b.y),
      b.yhat,
      num(b.lower),
      num(b.upper),
      num(b.level),
    ]),
  );
  return run_id;
}

/**
 * Backtest rows of a return model's points as prices (as `train.ts` writes
 * them): y, yhat and the 80% interval rebuilt from the origin's close.
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

/**
 * A return model's overall figures from its metric rows (`score.ts` names),
 * for promotion and cards.
 */
export function summaryOf(model: string, rows: readonly MetricRow[], h1: number): ModelSummary {
  const overall = (m: string, h: number | null = null) =>
    rows.find((r) => r.fold === null && r.horizon === h && r.metric === m)?.value ?? NaN;
  return {
    model,
    mase: overall("mase"),
    dirAcc: overall("dir_acc"),
    coverage80: overall("coverage_80"),
    dmP1: overall("dm_p", h1),
    dmStat1: overall("dm_stat", h1),
  };
}
