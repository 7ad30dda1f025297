/**
 * `train`: for each series, evaluate → decide → register. Evaluate builds
 * features and folds and measures naive, drift and XGBoost walk-forward on
 * the same folds (with the research rows beside them); decide picks the
 * champion, defending the one in place; register records runs, metrics,
 * backtests, versioned artifacts with their cards and the aliases, in one
 * transaction. The steps live in `training/`; research rows (the seed's
 * setup, volatility models, judged signals) are measured and recorded with
 * them.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import type { Timeframe } from "../core/candles.ts";
import type { Series } from "../core/series.ts";
import type { ModelSummary } from "./registry/mod.ts";
import type { SignalJudgement } from "./research/mod.ts";
import {
  decideSeries,
  type EvaluateOptions,
  evaluateSeries,
  registerSeries,
} from "./training/mod.ts";

export { defaultHorizons, ewmaLambda, InsufficientDataError } from "./training/mod.ts";

/** Options for {@link trainSeries}. */
export interface TrainOptions extends EvaluateOptions {
  modelsDir: string;
}

/** What a series' training produced. */
export interface TrainResult {
  series: Series;
  champion: string;
  reason: string;
  summaries: ModelSummary[];
  versions: Record<string, string>;
  /** External signals judged on the same folds (see `research/signals.ts`). */
  signals: SignalJudgement[];
  ms: number;
}

/**
 * Trains and evaluates every model of one series and promotes a champion.
 *
 * @example
 * ```ts
 * const r = await trainSeries(wh, { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" }, { modelsDir: "models" });
 * console.log(r.champion, r.reason);
 * ```
 */
export async function trainSeries(
  wh: Warehouse,
  series: Series & { timeframe: Timeframe },
  options: TrainOptions,
): Promise<TrainResult> {
  const t0 = performance.now();
  const started = new Date().toISOString();
  const evaluation = await evaluateSeries(wh, series, options);
  const verdict = await decideSeries(wh, evaluation);
  const versions = await registerSeries(wh, evaluation, verdict, {
    modelsDir: options.modelsDir,
    started,
    t0,
  });
  return {
    series,
    champion: verdict.champion,
    reason: verdict.reason,
    summaries: evaluation.summaries,
    versions,
    signals: evaluation.judgements,
    ms: performance.now() - t0,
  };
}
