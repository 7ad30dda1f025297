/**
 * The first step of training a series: load its features, build the folds
 * and targets, evaluate every return model kind walk-forward on them (and,
 * on the same folds, the research rows: the seed's setup, the volatility
 * models and the judged signals), and score them.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../../core/candles.ts";
import { type Series, seriesLabel } from "../../core/series.ts";
import { type FeatureFrame, loadFeatures, type SignalSpec, signalSpecs } from "../features/mod.ts";
import {
  type BacktestPoint,
  type EvalSetup,
  ewmaVolatility,
  type Fold,
  forwardLogReturns,
  type HorizonModel,
  makeFolds,
  type MetricRow,
  regimeRows,
  scorePoints,
  walkForward,
} from "../evaluation/mod.ts";
import {
  DEFAULT_XGB_PARAMS,
  MODEL_KINDS,
  type ModelKind,
  type XgbParams,
  XgbPool,
} from "../models/mod.ts";
import { type ModelSummary, summaryOf } from "../registry/mod.ts";
import {
  evaluateVolatility,
  judgeSignal,
  SEED_REFERENCE,
  seedReferenceWalkForward,
  type SignalJudgement,
  type VolEvaluation,
} from "../research/mod.ts";

/** A series too short to evaluate honestly; callers may skip it. */
export class InsufficientDataError extends RangeError {}

/** Default horizons: 1..24 hours for hourly series, 1..7 days for daily ones. */
export function defaultHorizons(tf: Timeframe): number[] {
  const n = tf === "1d" ? 7 : tf === "1h" ? 24 : tf === "1w" ? 4 : 12;
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** EWMA decay for interval scaling, per timeframe. */
export function ewmaLambda(tf: Timeframe): number {
  return tf === "1d" || tf === "1w" ? 0.94 : 0.97;
}

/** How to evaluate (the training options that matter here). */
export interface EvaluateOptions {
  horizons?: number[];
  folds?: number;
  seed?: number;
  params?: Partial<XgbParams>;
  pool?: XgbPool;
  log?: (line: string) => void;
}

/** One return model kind's walk-forward: its test points, serving fits and metric rows. */
export interface KindEvaluation {
  points: BacktestPoint[];
  serving: HorizonModel[];
  metrics: MetricRow[];
}

/** Everything a series' evaluation measured, for the decision and the registry. */
export interface SeriesEvaluation {
  series: Series & { timeframe: Timeframe };
  frame: FeatureFrame;
  signals: SignalSpec[];
  horizons: number[];
  folds: Fold[];
  step: number;
  lambda: number;
  seed: number;
  params: XgbParams;
  /** The return model kinds, in `MODEL_KINDS` order. */
  kinds: Map<ModelKind, KindEvaluation>;
  /** Their summaries, then the seed reference's. */
  summaries: ModelSummary[];
  /** The seed's setup on the same folds (a reference row, never promoted). */
  seedReference: { points: BacktestPoint[]; metrics: MetricRow[] };
  vol: VolEvaluation[];
  judgements: SignalJudgement[];
}

/**
 * Evaluates every return model of one series on the same folds, with the
 * research rows beside them. Pure of writes: it only reads the warehouse.
 *
 * @example
 * ```ts
 * const e = await evaluateSeries(wh, { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" });
 * e.summaries.map((s) => `${s.model} ${s.mase}`);
 * ```
 */
export async function evaluateSeries(
  wh: Warehouse,
  series: Series & { timeframe: Timeframe },
  options: EvaluateOptions = {},
): Promise<SeriesEvaluation> {
  const tf = series.timeframe;
  const step = timeframeMs(tf);
  const horizons = options.horizons ?? defaultHorizons(tf);
  const seed = options.seed ?? 42;
  const params: XgbParams = { ...DEFAULT_XGB_PARAMS, ...options.params, seed };
  const signals = await signalSpecs(wh, series);
  const frame = await loadFeatures(wh, series, signals);
  const H = Math.max(...horizons);
  if (frame.ts.length < 200 + H) {
    throw new InsufficientDataError(
      `Not enough candles to train ${
        seriesLabel(series)
      }: ${frame.ts.length} usable rows after warm-up, need at least ${200 + H}`,
    );
  }
  const targets = new Map(
    horizons.map((h) => [h, forwardLogReturns(frame.ts, frame.close, h, step)]),
  );
  const lambda = ewmaLambda(tf);
  const returns = frame.x.map((r) => r[0]);
  const sigma = ewmaVolatility(returns, { lambda });
  const folds = makeFolds(frame.ts[0], frame.ts[frame.ts.length - 1], {
    k: options.folds ?? 4,
    step,
  });
  // Signals are judged as forecasters of the next candle on the same folds.
  const next = targets.get(1) ?? forwardLogReturns(frame.ts, frame.close, 1, step);
  const judgements = signals.map((spec, k) =>
    judgeSignal({ spec, ts: frame.ts, values: frame.signals[k], y: next, folds })
  );
  const ownPool = !options.pool;
  const pool = options.pool ?? new XgbPool();
  const setup: EvalSetup = { frame, targets, sigma, horizons, folds, step, pool, params };
  const results = new Map<ModelKind, Awaited<ReturnType<typeof walkForward>>>();
  let extra;
  try {
    for (const kind of MODEL_KINDS) {
      const k0 = performance.now();
      results.set(kind, await walkForward(kind, setup));
      options.log?.(
        `  ${series.symbol} ${tf} ${kind}: ${folds.length} folds × ${horizons.length} horizons in ${
          seconds(k0)
        } s`,
      );
    }
    // Evaluation-only rows on the same folds: the seed's setup and the volatility models.
    const e0 = performance.now();
    extra = await Promise.all([
      seedReferenceWalkForward(setup),
      evaluateVolatility({ ...setup, returns, tf, lambda, seed }),
    ]);
    options.log?.(
      `  ${series.symbol} ${tf} seed-reference + volatility models in ${seconds(e0)} s`,
    );
  } finally {
    if (ownPool) pool.close();
  }
  const naivePoints = results.get("naive")!.points;
  const scored = (points: BacktestPoint[]) => [
    ...scorePoints(points, naivePoints),
    ...regimeRows(points, { sigma, ts: frame.ts, folds }),
  ];
  const kinds = new Map<ModelKind, KindEvaluation>();
  const summaries: ModelSummary[] = [];
  for (const kind of MODEL_KINDS) {
    const { points, serving } = results.get(kind)!;
    const metrics = scored(points);
    kinds.set(kind, { points, serving, metrics });
    summaries.push(summaryOf(kind, metrics, horizons[0], { atH1: true }));
  }
  const [seedPoints, vol] = extra;
  const seedMetrics = scored(seedPoints);
  summaries.push(summaryOf(SEED_REFERENCE, seedMetrics, horizons[0]));
  return {
    series,
    frame,
    signals,
    horizons,
    folds,
    step,
    lambda,
    seed,
    params,
    kinds,
    summaries,
    seedReference: { points: seedPoints, metrics: seedMetrics },
    vol,
    judgements,
  };
}

function seconds(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}
