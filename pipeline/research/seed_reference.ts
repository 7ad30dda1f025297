/**
 * The seed project's setup, kept as a reference row: XGBoost on lags and
 * calendar of the price *level* (not returns), one booster per horizon
 * predicting the close h candles ahead, as darts' `XGBModel(lags=…)` with
 * calendar covariates and XGBoost's defaults (depth 6, learning rate 0.3)
 * did.
 *
 * It is evaluated on the same folds and origins as the return models and
 * scored the same way, on three of their horizons (the first, middle and
 * last, see `spanHorizons`: twelve boosters per series instead of one per
 * horizon and fold keep it cheap), with the last min(H, 12) closes as lags: its price forecast p̂ becomes the log return
 * `ln(p̂ / close)`, and its intervals are split-conformal like theirs. Trees
 * cannot extrapolate: once the price leaves the range seen in training, the
 * forecast is stuck at the edge of that range, which is why the seed looked
 * fine in-sample and was wrong out of sample. It is never promoted.
 *
 * @module
 */
import type { XgbParams } from "../models/booster.ts";
import { trainIndices } from "../evaluation/folds.ts";
import { mean, quantile } from "../evaluation/metrics.ts";
import { spanHorizons } from "../evaluation/volatility.ts";
import {
  type BacktestPoint,
  type EvalSetup,
  halfWidths,
  LEVELS,
} from "../evaluation/walkforward.ts";

/** The `model_runs.model` of the reference row. */
export const SEED_REFERENCE = "seed-reference";

/**
 * XGBoost's defaults as the seed used them (depth 6, eta 0.3, no minimum
 * child weight), with 12 rounds instead of 100 to keep training time small
 * (at eta 0.3, 0.7¹² ≈ 1.4% of the initial error is left: close enough to
 * converged). `base_score` is set per fit to the mean training price.
 */
export const SEED_PARAMS: Omit<XgbParams, "seed" | "base_score"> = {
  objective: "reg:linear",
  max_depth: 6,
  eta: 0.3,
  subsample: 1,
  colsample_bytree: 1,
  min_child_weight: 1,
  lambda: 1,
  iterations: 12,
  tree_method: "hist",
};

/**
 * The seed's feature rows: the last `lags` closes (row lags, newest first),
 * hour and weekday. Rows without a full set of lags are null.
 *
 * @example
 * ```ts
 * seedFeatures([0, 3_600_000], [100, 101], 2); // [null, [101, 100, 1, 4]]
 * ```
 */
export function seedFeatures(
  ts: readonly number[],
  close: readonly number[],
  lags: number,
): (number[] | null)[] {
  return ts.map((t, i) => {
    if (i < lags - 1) return null;
    const row: number[] = [];
    for (let k = 0; k < lags; k++) row.push(close[i - k]);
    const d = new Date(t);
    row.push(d.getUTCHours(), d.getUTCDay());
    return row;
  });
}

/** The seed reference's lags for a horizon range: the last min(H, 12) closes. */
export function seedLags(horizons: readonly number[]): number {
  return Math.min(Math.max(...horizons), 12);
}

/**
 * Walk-forward of the seed's setup on the setup's folds and origins, at
 * `horizons` (default: the first, middle and last of the setup's). Returns
 * backtest points on the log-return scale.
 *
 * @example
 * ```ts
 * const points = await seedReferenceWalkForward(setup);
 * const rows = scorePoints(points, naivePoints);
 * ```
 */
export async function seedReferenceWalkForward(
  setup: EvalSetup,
  options: { lags?: number; horizons?: readonly number[] } = {},
): Promise<BacktestPoint[]> {
  const { frame, step } = setup;
  const lags = options.lags ?? seedLags(setup.horizons);
  const x = seedFeatures(frame.ts, frame.close, lags);
  const jobs: Promise<BacktestPoint[]>[] = [];
  for (const h of options.horizons ?? spanHorizons(setup.horizons)) {
    const y = setup.targets.get(h)!;
    const usable = (i: number) => Number.isFinite(y[i]);
    for (const f of setup.folds) {
      const train = trainIndices(frame.ts, f.testStart, h, step, (i) => usable(i) && !!x[i]);
      const test: number[] = [];
      frame.ts.forEach((t, i) => {
        if (t >= f.testStart && t < f.testEnd && usable(i)) test.push(i);
      });
      if (test.some((i) => !x[i])) {
        throw new RangeError(`Seed reference: a test origin of fold ${f.fold} has no ${lags} lags`);
      }
      jobs.push(
        fitFold(setup, { h, train, test, x: x as number[][] }).then((r) =>
          r.preds.map((yhat, j) => ({
            fold: f.fold,
            origin: test[j],
            h,
            y: y[test[j]],
            yhat,
            half: halfWidths(r.q, setup.sigma[test[j]], h),
          }))
        ),
      );
    }
  }
  return (await Promise.all(jobs)).flat();
}

async function fitFold(
  setup: EvalSetup,
  o: { h: number; train: number[]; test: number[]; x: number[][] },
): Promise<{ preds: number[]; q: Record<number, number> }> {
  const { frame, step } = setup;
  const { h, train, test, x } = o;
  const y = setup.targets.get(h)!;
  if (train.length < 50) {
    throw new RangeError(
      `Seed reference: too little history for horizon ${h}: ${train.length} training origins (need 50)`,
    );
  }
  // The same split as walkforward.ts: fit on the first 80%, calibrate on the rest after an embargo.
  const calibStartTs = frame.ts[train[Math.floor(train.length * 0.8)]];
  const fit = train.filter((i) => frame.ts[i] + h * step < calibStartTs);
  const calib = train.filter((i) => frame.ts[i] >= calibStartTs);
  // The target is the price level h candles ahead.
  const price = (i: number) => frame.close[i] * Math.exp(y[i]);
  const target = fit.map(price);
  const r = await setup.pool.fit({
    x: fit.map((i) => x[i]),
    y: target,
    params: { ...SEED_PARAMS, seed: setup.params.seed, base_score: mean(target) },
    predict: [calib.map((i) => x[i]), test.map((i) => x[i])],
    save: false,
  });
  const toReturn = (idx: number[], p: number[]) =>
    p.map((v, j) => Math.log(Math.max(v, 1e-12 * frame.close[idx[j]]) / frame.close[idx[j]]));
  const calibPreds = toReturn(calib, r.preds[0]);
  const scores = calib.map((i, j) =>
    Math.abs(y[i] - calibPreds[j]) / (setup.sigma[i] * Math.sqrt(h))
  );
  const q: Record<number, number> = {};
  for (const l of LEVELS) {
    const n = scores.length;
    q[l] = quantile(scores, Math.min(1, Math.ceil((n + 1) * l) / n));
  }
  return { preds: toReturn(test, r.preds[1]), q };
}
