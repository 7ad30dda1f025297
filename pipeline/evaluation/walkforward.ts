/**
 * Walk-forward evaluation of return forecasters on the same folds, with
 * split-conformal intervals fitted inside each fold only.
 *
 * For each horizon h and fold: the model is fitted on the first 80% of the
 * fold's training origins, calibrated on the last 20% (both separated by an
 * embargo of h candles, as is the test block), and then predicts the test
 * block. Interval half-widths are `q · σ · √h`, where σ is the causal EWMA
 * volatility at the origin and q the conformal quantile of
 * `|y − ŷ| / (σ √h)` on the calibration origins of σ's tercile (see
 * `conformal.ts`: the tercile edges and quantiles come from the calibration
 * origins only). The serving model is the same recipe with the whole history
 * as its training window, and carries its edges and quantiles.
 *
 * @module
 */
import type { FeatureFrame } from "../features/core.ts";
import type { XgbPool } from "../models/pool.ts";
import type { XgbParams } from "../models/xgboost.ts";
import { type Fold, trainIndices } from "./folds.ts";
import { mean } from "./metrics.ts";
import {
  calibratedHalfWidths,
  type Calibration,
  fitCalibration,
  halfWidths,
  LEVELS,
} from "./conformal.ts";

export { halfWidths, LEVELS };

/** The model kinds the walk-forward knows. */
export type ModelKind = "naive" | "drift" | "xgboost";

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
  trainedOn: { from: number; to: number; rows: number };
}

/**
 * Evaluates one model kind on every fold and horizon, and fits its serving
 * models on the whole history.
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
  const jobs: Promise<{ points: BacktestPoint[]; model?: HorizonModel }>[] = [];
  for (const h of setup.horizons) {
    const y = setup.targets.get(h)!;
    const usable = (i: number) => Number.isFinite(y[i]);
    for (const f of folds) {
      const train = trainIndices(frame.ts, f.testStart, h, step, usable);
      const test: number[] = [];
      frame.ts.forEach((t, i) => {
        if (t >= f.testStart && t < f.testEnd && usable(i)) test.push(i);
      });
      jobs.push(
        fitOne(kind, setup, h, train, test, false).then((r) => ({
          points: r.testPreds.map((yhat, j) => ({
            fold: f.fold,
            origin: test[j],
            h,
            y: y[test[j]],
            yhat,
            half: calibratedHalfWidths(r.calibration, setup.sigma[test[j]], h),
          })),
        })),
      );
    }
    const all = trainIndices(frame.ts, Infinity, h, step, usable);
    jobs.push(fitOne(kind, setup, h, all, [], true).then((r) => ({ points: [], model: r.model })));
  }
  const done = await Promise.all(jobs);
  return {
    points: done.flatMap((d) => d.points),
    serving: done.flatMap((d) => (d.model ? [d.model] : [])).sort((a, b) => a.h - b.h),
  };
}

async function fitOne(
  kind: ModelKind,
  setup: EvalSetup,
  h: number,
  train: number[],
  test: number[],
  keep: boolean,
): Promise<{ testPreds: number[]; calibration: Calibration; model: HorizonModel }> {
  const { frame, step } = setup;
  const y = setup.targets.get(h)!;
  if (train.length < 50) {
    throw new RangeError(
      `Too little history for horizon ${h}: ${train.length} training origins (need 50)`,
    );
  }
  // Calibration = the last 20% of the training origins, after an embargo of h.
  const calibStartTs = frame.ts[train[Math.floor(train.length * 0.8)]];
  const fit = train.filter((i) => frame.ts[i] + h * step < calibStartTs);
  const calib = train.filter((i) => frame.ts[i] >= calibStartTs);
  const rows = (idx: number[]) => idx.map((i) => frame.x[i]);
  let calibPreds: number[], testPreds: number[];
  let constant: number | undefined, booster: Uint8Array | undefined;
  if (kind === "naive") {
    calibPreds = calib.map(() => 0);
    testPreds = test.map(() => 0);
  } else if (kind === "drift") {
    constant = mean(fit.map((i) => y[i]));
    calibPreds = calib.map(() => constant!);
    testPreds = test.map(() => constant!);
  } else {
    const r = await setup.pool.fit({
      x: rows(fit),
      y: fit.map((i) => y[i]),
      params: setup.params,
      predict: [rows(calib), rows(test)],
      save: keep,
    });
    [calibPreds, testPreds] = r.preds;
    booster = r.bytes;
  }
  const scores = calib.map((i, j) =>
    Math.abs(y[i] - calibPreds[j]) / (setup.sigma[i] * Math.sqrt(h))
  );
  const calibration = fitCalibration(scores, calib.map((i) => setup.sigma[i]), {
    minBin: setup.minBin,
  });
  return {
    testPreds,
    calibration,
    model: {
      h,
      q: calibration.q,
      bins: calibration.bins,
      constant,
      booster,
      trainedOn: { from: frame.ts[fit[0]], to: frame.ts[fit[fit.length - 1]], rows: fit.length },
    },
  };
}
