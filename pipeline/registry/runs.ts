/**
 * The one writer of `model_runs`: every evaluated model of a training
 * (return models, the seed's setup, volatility models, judged signals) is
 * a run row, written with its `run_metrics` and, when it has them, its
 * `backtest_predictions`, inside the series' transaction.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { Series } from "../../core/series.ts";
import type { MetricRow } from "../evaluation/score.ts";
import { writeRunMetrics } from "./metrics.ts";
import { type BacktestRow, writeBacktest } from "./backtests.ts";

/** What every run of a training shares. */
export interface RunMeta {
  seed: number;
  /** The data's window (epoch ms) and fingerprint. */
  data: { start: number; end: number; hash: string };
  /** The code version (see `codeVersion`). */
  code: string;
  /** Epoch ms when the training started. */
  started: number;
  durationMs: number;
}

/** One run to record. */
export interface RunRecord {
  /** The `model_runs.model`: a kind, `seed-reference`, `vol:*` or `signal:<source>:<name>`. */
  model: string;
  params: unknown;
  horizons: readonly number[];
  /** The feature set it read (name, and its hash when known), when it read one. */
  featureSet?: { name: string; hash: string | null };
  /** Its metric rows, written to `run_metrics`. */
  metrics: readonly MetricRow[];
  /** Its backtest rows, written to `backtest_predictions`. */
  backtest?: readonly BacktestRow[];
  /** The seed recorded, when not the training's (signals record 0). */
  seed?: number;
}

/**
 * Writes one run with its metrics and backtest rows; returns its run_id.
 * Call inside the series' transaction.
 *
 * @example
 * ```ts
 * const runId = await wh.transaction(() => recordRun(wh, series, run, meta));
 * ```
 */
export async function recordRun(
  wh: Warehouse,
  series: Series,
  run: RunRecord,
  meta: RunMeta,
): Promise<string> {
  const run_id = `run-${crypto.randomUUID()}`;
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
      run.seed ?? meta.seed,
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
  await writeRunMetrics(wh, run_id, run.metrics);
  if (run.backtest) await writeBacktest(wh, run_id, series, run.backtest);
  return run_id;
}

/** A TIMESTAMP parameter: the ISO time without its zone (UTC). */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}
