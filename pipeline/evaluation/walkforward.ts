/**
 * Walk-forward evaluation of return forecasters on the same folds, with
 * split-conformal intervals fitted inside each fold only, and the serving
 * models fitted on the whole history.
 *
 * For each horizon h and fold: the model is fitted on the first 80% of the
 * fold's training origins, calibrated on the last 20% (both separated by an
 * embargo of h candles, as is the test block), and then predicts the test
 * block. Interval half-widths are `q · σ · √h`, where σ is the causal EWMA
 * volatility at the origin and q the conformal quantile of
 * `|y − ŷ| / (σ √h)` on the calibration origins of σ's tercile (see
 * `conformal.ts`: the tercile edges and quantiles come from the calibration
 * origins only).
 *
 * The serving model has no test block to keep out, so it is fitted on every
 * origin whose target is known, up to the latest one: holding back its last
 * 20% for calibration would leave the model that forecasts blind to the most
 * recent months. Its intervals are calibrated, with the same per-tercile
 * method, on the walk-forward test residuals of the same recipe at the same
 * horizon, each out of sample for the model that made it (cross-conformal,
 * as in CV+): those of the latest fold, and of the folds before it while
 * fewer than {@link MIN_SERVING_SCORES}. The latest rather than all, because
 * the tercile edges are levels of σ, and an older era's levels and errors
 * sit less well with the market served now. Measured on nine Binance daily
 * assets, calibrating for each of the last 3 of 7 folds' test blocks as a
 * serving model would have been (XGBoost, h = 1, 4, 7): the latest fold's
 * residuals covered 79.4% with the 80% interval on average (|coverage − 80|
 * 1.8 points; the worst σ tercile of the block 6.4 points off on average, 8.8
 * at most), the latest four folds' 80.5% (2.0; 7.6, 11.7: wild markets
 * over-covered), and the fold's own last 20% of training, as serving models
 * were calibrated before, 79.0% (2.4; 6.8, 11.8).
 *
 * @module
 */
import type { FeatureFrame } from "../features/core.ts";
import { type ModelKind, MODELS, type XgbParams, type XgbPool } from "../models/mod.ts";
import { type Fold, trainIndices } from "./folds.ts";
import {
  calibratedHalfWidths,
  type Calibration,
  fitCalibration,
  halfWidths,
  LEVELS,
} from "./conformal.ts";

export { halfWidths, LEVELS };

/**
 * Fewest walk-forward test residuals a serving model's intervals are
 * calibrated on, taking whole folds from the latest back: about 67 per σ
 * tercile. With the default 4 folds, a daily series of four years or more
 * has that many in its latest fold (Binance BTC 2017–2026: 298 at h = 1).
 */
export const MIN_SERVING_SCORES = 200;

/** What one model needs to be evaluated. */
export interface EvalSetup {
  frame: FeatureFrame;
  /** Forward log returns per horizon, aligned with the frame (NaN = unknown). */
  targets: Map<number, number[]>;
  /** Causal EWMA volatility of one-candle returns, aligned with the frame. */
  sigma: number[];
  horizons: number[];
  folds: Fold[];
  step: number;
  pool: XgbPool;
  params: XgbParams;
  /**
   * Fewest calibration origins for a volatility bin to get its own interval
   * quantiles (default `MIN_BIN`); `Infinity` pools them all, as before bins.
   */
  minBin?: number;
}

/** One out-of-sample prediction (log-return scale). */
export interface BacktestPoint {
  fold: number;
  origin: number; // index into the frame
  h: number;
  y: number;
  yhat: number;
  /** Interval half-width per level, in log-return units. */
  half: Record<number, number>;
}

/**
 * A fitted serving model for one horizon. Its calibration (`q`, `bins`) sets
 * the intervals; artifacts written before `bins` existed have `q` only.
 */
export interface HorizonModel extends Calibration {
  h: number;
  /** Drift models: the constant forecast. */
  constant?: number;
  /** XGBoost models: the booster bytes. */
  booster?: Uint8Array;
  /** The origins the model was fitted on (first, last, count; times in ms). */
  trainedOn: { from: number; to: number; rows: number };
  /**
   * The out-of-sample walk-forward residuals its intervals were calibrated
   * on: first and last origin, count, folds. Absent from artifacts written
   * before serving models were fitted on the whole history (those were
   * fitted on its first 80% and calibrated on the rest).
   */
  calibratedOn?: { from: number; to: number; n: number; folds: number };
}

/**
 * Evaluates one model kind on every fold and horizon, and fits its serving
 * models on the whole history, calibrated on the folds' test residuals.
 *
 * @example
 * ```ts
 * const { points, serving } = await walkForward("xgboost", setup);
 * ```
 */
export async function walkForward(
  kind: ModelKind,
  setup: EvalSetup,
): Promise<{ points: BacktestPoint[]; serving: HorizonModel[] }> {
  const { frame, folds, step } = setup;
  const jobs: Promise<{ points: BacktestPoint[]; model: HorizonModel }>[] = [];
  for (const h of setup.horizons) {
    const y = setup.targets.get(h)!;
    const usable = (i: number) => Number.isFinite(y[i]);
    const perFold = folds.map((f) => {
      const train = trainIndices(frame.ts, f.testStart, h, step, usable);
      const test: number[] = [];
      frame.ts.forEach((t, i) => {
        if (t >= f.testStart && t < f.testEnd && usable(i)) test.push(i);
      });
      return evaluateFold(kind, setup, h, train, test).then((r) =>
        r.testPreds.map((yhat, j): BacktestPoint => ({
          fold: f.fold,
          origin: test[j],
          h,
          y: y[test[j]],
          yhat,
          half: calibratedHalfWidths(r.calibration, setup.sigma[test[j]], h),
        }))
      );
    });
    const all = trainIndices(frame.ts, Infinity, h, step, usable);
    jobs.push(
      Promise.all([Promise.all(perFold), fitServing(kind, setup, h, all)]).then(
        ([blocks, fit]) => {
          const points = blocks.flat();
          return { points, model: calibrateServing(fit, points, setup) };
        },
      ),
    );
  }
  const done = await Promise.all(jobs);
  return {
    points: done.flatMap((d) => d.points),
    serving: done.map((d) => d.model).sort((a, b) => a.h - b.h),
  };
}

/** Fits one fold's model on its training origins, calibrates it, predicts its test block. */
async function evaluateFold(
  kind: ModelKind,
  setup: EvalSetup,
  h: number,
  train: number[],
  test: number[],
): Promise<{ testPreds: number[]; calibration: Calibration }> {
  const { frame, step } = setup;
  const y = setup.targets.get(h)!;
  enoughOrigins(train, h);
  // Calibration = the last 20% of the training origins, after an embargo of h.
  const calibStartTs = frame.ts[train[Math.floor(train.length * 0.8)]];
  const fit = train.filter((i) => frame.ts[i] + h * step < calibStartTs);
  const calib = train.filter((i) => frame.ts[i] >= calibStartTs);
  const r = await MODELS[kind].fit({
    x: rows(setup, fit),
    y: fit.map((i) => y[i]),
    predict: [rows(setup, calib), rows(setup, test)],
    save: false,
    pool: setup.pool,
    params: setup.params,
  });
  const [calibPreds, testPreds] = r.preds;
  const calibration = fitCalibration(
    calib.map((i, j) => score(y[i], calibPreds[j], setup.sigma[i], h)),
    calib.map((i) => setup.sigma[i]),
    { minBin: setup.minBin },
  );
  return { testPreds, calibration };
}

/** Fits the serving model of one horizon on every usable origin (no calibration yet). */
async function fitServing(
  kind: ModelKind,
  setup: EvalSetup,
  h: number,
  all: number[],
): Promise<Omit<HorizonModel, "q">> {
  const { ts } = setup.frame;
  const y = setup.targets.get(h)!;
  enoughOrigins(all, h);
  const { constant, booster } = await MODELS[kind].fit({
    x: rows(setup, all),
    y: all.map((i) => y[i]),
    predict: [],
    save: true,
    pool: setup.pool,
    params: setup.params,
  });
  return {
    h,
    constant,
    booster,
    trainedOn: { from: ts[all[0]], to: ts[all[all.length - 1]], rows: all.length },
  };
}

/**
 * A serving model with its intervals calibrated on the walk-forward test
 * residuals of the latest folds (at least {@link MIN_SERVING_SCORES}, or all).
 */
function calibrateServing(
  fit: Omit<HorizonModel, "q">,
  testPoints: readonly BacktestPoint[],
  setup: EvalSetup,
): HorizonModel {
  const { sigma, frame } = setup;
  const latest = [...new Set(testPoints.map((p) => p.fold))].sort((a, b) => b - a);
  let points: BacktestPoint[] = [];
  for (const fold of latest) {
    if (points.length >= MIN_SERVING_SCORES) break;
    points = [...testPoints.filter((p) => p.fold === fold), ...points];
  }
  if (points.length === 0) {
    throw new RangeError(`No walk-forward test origins to calibrate horizon ${fit.h} on`);
  }
  const calibration = fitCalibration(
    points.map((p) => score(p.y, p.yhat, sigma[p.origin], p.h)),
    points.map((p) => sigma[p.origin]),
    { minBin: setup.minBin },
  );
  const origins = points.map((p) => frame.ts[p.origin]);
  return {
    h: fit.h,
    q: calibration.q,
    bins: calibration.bins,
    constant: fit.constant,
    booster: fit.booster,
    trainedOn: fit.trainedOn,
    calibratedOn: {
      from: origins.reduce((a, b) => Math.min(a, b)),
      to: origins.reduce((a, b) => Math.max(a, b)),
      n: points.length,
      folds: new Set(points.map((p) => p.fold)).size,
    },
  };
}

/** The conformal score of one prediction: its absolute error in units of σ √h. */
function score(y: number, yhat: number, sigma: number, h: number): number {
  return Math.abs(y - yhat) / (sigma * Math.sqrt(h));
}

function rows(setup: EvalSetup, idx: readonly number[]): number[][] {
  return idx.map((i) => setup.frame.x[i]);
}

function enoughOrigins(train: readonly number[], h: number): void {
  if (train.length < 50) {
    throw new RangeError(
      `Too little history for horizon ${h}: ${train.length} training origins (need 50)`,
    );
  }
}
