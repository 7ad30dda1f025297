/**
 * Volatility forecasting, evaluated walk-forward on the return models'
 * folds: the target is the realized volatility of the next h candles
 * (`evaluation/volatility.ts`), and four forecasters are compared.
 *
 * - `vol:unconditional` — the baseline: the root mean realized variance of
 *   the fold's training window (a constant per fold).
 * - `vol:ewma` — RiskMetrics: the causal EWMA σ of one-candle returns (λ per
 *   timeframe, as for the intervals) × √h.
 * - `vol:har` — HAR: OLS of the target on trailing volatility over 1/5/22
 *   days (1/24/168 hours), see `har.ts`.
 * - `vol:xgboost` — XGBoost on the `core` features predicting the target
 *   (depth 3, 20 rounds at eta 0.3); on three horizons only (the first,
 *   middle and last: `spanHorizons`) to keep training time small — its
 *   overall figures average those three.
 *
 * The first two are variance forecasts already and are not rescaled
 * (`var_scale` 1). HAR and XGBoost
 * are fitted to realized volatility, so they estimate its mean: each is
 * fitted on the first 80% of a fold's training origins and its variance
 * scale (`varianceScale`, the QLIKE-optimal factor) on the last 20%, out of
 * its sample, with the same embargo of h candles as the return models; then
 * it forecasts the test block. HAR and XGBoost forecasts are floored at 10% of
 * the fit window's root mean realized variance so that QLIKE never divides
 * by a forecast near zero.
 *
 * Metrics (per fold and horizon; pooled per horizon with fold NULL; the
 * mean over horizons with both NULL): `n`, `qlike` (after calibration),
 * `qlike_raw` (before), `mse_var` (MSE of the variance), `rmse_vol`,
 * `qlike_vs_ewma`, `mse_var_vs_ewma` and `qlike_vs_unconditional` (ratios
 * to those models on the same origins; below 1 is better), and `var_scale`
 * (per fold and horizon only; its mean when pooled). the registry stores the
 * backtest rows (y = realized volatility, yhat = forecast, no interval) at
 * the first, middle and last horizons only; all horizons are scored.
 *
 * @module
 */
import type { Timeframe } from "../../core/candles.ts";
import type { FeatureFrame } from "../features/core.ts";
import type { Fold } from "../evaluation/folds.ts";
import { trainIndices } from "../evaluation/folds.ts";
import { fitOls, harFeatures, harWindows, predictLinear } from "./har.ts";
import { mean } from "../evaluation/metrics.ts";
import type { MetricRow } from "../evaluation/score.ts";
import {
  mseVariance,
  qlike,
  realizedVolatility,
  spanHorizons,
  varianceScale,
} from "../evaluation/volatility.ts";
import type { XgbPool } from "../models/pool.ts";
import type { XgbParams } from "../models/booster.ts";

/** The volatility models, baseline first. */
export const VOL_MODELS = ["vol:unconditional", "vol:ewma", "vol:har", "vol:xgboost"] as const;
/** A volatility model's `model_runs.model`. */
export type VolModel = (typeof VOL_MODELS)[number];

/**
 * XGBoost for realized volatility: faster-learning and less regularised
 * than the return model (volatility has signal), and few rounds to stay
 * cheap; `base_score` is set per fit to the mean training target.
 */
export const VOL_XGB_PARAMS: Omit<XgbParams, "seed" | "base_score"> = {
  objective: "reg:linear",
  max_depth: 3,
  eta: 0.3,
  subsample: 0.8,
  colsample_bytree: 0.8,
  min_child_weight: 50,
  lambda: 1,
  iterations: 20,
  tree_method: "hist",
};

/** One out-of-sample volatility forecast. */
export interface VolPoint {
  fold: number;
  /** Index into the frame. */
  origin: number;
  h: number;
  /** Realized volatility of the next h candles. */
  y: number;
  /** Calibrated forecast (`√scale · raw`). */
  yhat: number;
  /** The model's forecast before calibration. */
  raw: number;
  /** The fold's variance scale. */
  scale: number;
}

/** What {@link evaluateVolatility} needs: the return models' setup, plus returns and timeframe. */
export interface VolSetup {
  frame: FeatureFrame;
  /** One-candle log returns aligned with the frame (causal). */
  returns: number[];
  /** Causal EWMA σ of one-candle returns aligned with the frame. */
  sigma: number[];
  horizons: number[];
  folds: Fold[];
  step: number;
  tf: Timeframe;
  lambda: number;
  pool: XgbPool;
  seed: number;
}

/** A volatility model's evaluation. */
export interface VolEvaluation {
  model: VolModel;
  params: Record<string, unknown>;
  horizons: number[];
  points: VolPoint[];
  rows: MetricRow[];
}

/** Overall figures of a volatility model, for cards and logs. */
export interface VolSummary {
  model: string;
  qlike: number;
  qlikeRaw: number;
  qlikeVsEwma: number;
  qlikeVsUnconditional: number;
  rmseVol: number;
}

/**
 * Evaluates every volatility model on the setup's folds and horizons.
 *
 * @example
 * ```ts
 * const vol = await evaluateVolatility({ frame, returns, sigma, horizons, folds, step, tf: "1d", lambda: 0.94, pool, seed: 42 });
 * vol.find((v) => v.model === "vol:har")!.rows;
 * ```
 */
export async function evaluateVolatility(setup: VolSetup): Promise<VolEvaluation[]> {
  const { frame, step } = setup;
  const windows = harWindows(setup.tf);
  const har = harFeatures(setup.returns, windows);
  const xgbHorizons = spanHorizons(setup.horizons);
  const points = new Map<VolModel, Promise<VolPoint[]>[]>(VOL_MODELS.map((m) => [m, []]));
  for (const h of setup.horizons) {
    const y = realizedVolatility(frame.ts, frame.close, h, step);
    const usable = (i: number) => Number.isFinite(y[i]);
    for (const f of setup.folds) {
      const train = trainIndices(frame.ts, f.testStart, h, step, usable);
      if (train.length < 50) {
        throw new RangeError(
          `Too little history for volatility at horizon ${h}, fold ${f.fold}: ${train.length} training origins (need 50)`,
        );
      }
      const test: number[] = [];
      frame.ts.forEach((t, i) => {
        if (t >= f.testStart && t < f.testEnd && usable(i)) test.push(i);
      });
      const calibStartTs = frame.ts[train[Math.floor(train.length * 0.8)]];
      const fit = train.filter((i) => frame.ts[i] + h * step < calibStartTs);
      const calib = train.filter((i) => frame.ts[i] >= calibStartTs);
      const rms = Math.sqrt(mean(fit.map((i) => y[i] ** 2)));
      const floor = (v: number) => Math.max(v, 0.1 * rms);
      const ctx = { fold: f.fold, h, y, calib, test };
      // Variance forecasts already: no scale.
      const uncond = Math.sqrt(mean(train.map((i) => y[i] ** 2)));
      points.get("vol:unconditional")!.push(Promise.resolve(calibrated(ctx, () => uncond, false)));
      points.get("vol:ewma")!.push(
        Promise.resolve(calibrated(ctx, (i) => setup.sigma[i] * Math.sqrt(h), false)),
      );
      const ols = fitOls(fit.map((i) => har[i]), fit.map((i) => y[i]));
      points.get("vol:har")!.push(
        Promise.resolve(calibrated(ctx, (i) => floor(predictLinear(ols, [har[i]])[0]))),
      );
      if (xgbHorizons.includes(h)) {
        const target = fit.map((i) => y[i]);
        points.get("vol:xgboost")!.push(
          setup.pool.fit({
            x: fit.map((i) => frame.x[i]),
            y: target,
            params: { ...VOL_XGB_PARAMS, seed: setup.seed, base_score: mean(target) },
            predict: [calib.map((i) => frame.x[i]), test.map((i) => frame.x[i])],
            save: false,
          }).then((r) => {
            const at = new Map<number, number>();
            calib.forEach((i, j) => at.set(i, floor(r.preds[0][j])));
            test.forEach((i, j) => at.set(i, floor(r.preds[1][j])));
            return calibrated(ctx, (i) => at.get(i)!);
          }),
        );
      }
    }
  }
  const done = new Map<VolModel, VolPoint[]>();
  for (const m of VOL_MODELS) done.set(m, (await Promise.all(points.get(m)!)).flat());
  const common = {
    target: "realized volatility of the next h candles: sqrt(sum of squared log returns)",
  };
  const calibration =
    "variance scale mean(y²/ŷ²) on the last 20% of each fold's training origins (embargo h)";
  const params: Record<VolModel, Record<string, unknown>> = {
    "vol:unconditional": {
      ...common,
      forecast: "sqrt(mean realized variance of the training window)",
    },
    "vol:ewma": { ...common, ewma_lambda: setup.lambda, forecast: "EWMA sigma × sqrt(h)" },
    "vol:har": {
      ...common,
      calibration,
      har_windows: windows,
      floor: "10% of the fit window's RMS",
    },
    "vol:xgboost": {
      ...common,
      calibration,
      ...VOL_XGB_PARAMS,
      seed: setup.seed,
      base_score: "mean training target",
      horizons: xgbHorizons,
      floor: "10% of the fit window's RMS",
    },
  };
  const ewma = done.get("vol:ewma")!, base = done.get("vol:unconditional")!;
  return VOL_MODELS.map((model) => ({
    model,
    params: params[model],
    horizons: model === "vol:xgboost" ? xgbHorizons : [...setup.horizons],
    points: done.get(model)!,
    rows: scoreVolatility(done.get(model)!, { ewma, unconditional: base }),
  }));
}

function calibrated(
  ctx: { fold: number; h: number; y: number[]; calib: number[]; test: number[] },
  raw: (i: number) => number,
  scaled = true,
): VolPoint[] {
  const scale = scaled ? varianceScale(ctx.calib.map((i) => ctx.y[i]), ctx.calib.map(raw)) : 1;
  const s = Math.sqrt(scale);
  return ctx.test.map((i) => {
    const r = raw(i);
    return { fold: ctx.fold, origin: i, h: ctx.h, y: ctx.y[i], yhat: s * r, raw: r, scale };
  });
}

/**
 * Metric rows of a volatility model's points (see the module doc), with
 * ratios to the reference models' points on the same origins.
 *
 * @example
 * ```ts
 * const rows = scoreVolatility(harPoints, { ewma: ewmaPoints, unconditional: basePoints });
 * ```
 */
export function scoreVolatility(
  points: readonly VolPoint[],
  refs: { ewma: readonly VolPoint[]; unconditional: readonly VolPoint[] },
): MetricRow[] {
  const groups = groupPoints(points);
  const ewma = groupedRefs(refs.ewma), base = groupedRefs(refs.unconditional);
  const rows: MetricRow[] = [];
  const perHorizon = new Map<string, number[]>();
  for (const [k, g] of groups) {
    const [foldS, hS] = k.split("|");
    const fold = foldS === "null" ? null : Number(foldS);
    const same = (r: VolPoint[] | undefined) => {
      if (!r || r.length !== g.length || r.some((p, i) => p.origin !== g[i].origin)) {
        throw new Error(
          `Volatility model and reference were scored on different origins (fold ${foldS}, h ${hS})`,
        );
      }
      return r;
    };
    const y = g.map((p) => p.y), yhat = g.map((p) => p.yhat);
    const e = same(ewma.get(k)), b = same(base.get(k));
    const q = qlike(y, yhat), mse = mseVariance(y, yhat);
    const m: Record<string, number> = {
      n: g.length,
      qlike: q,
      qlike_raw: qlike(y, g.map((p) => p.raw)),
      mse_var: mse,
      rmse_vol: Math.sqrt(mean(g.map((p) => (p.y - p.yhat) ** 2))),
      qlike_vs_ewma: q / qlike(y, e.map((p) => p.yhat)),
      mse_var_vs_ewma: mse / mseVariance(y, e.map((p) => p.yhat)),
      qlike_vs_unconditional: q / qlike(y, b.map((p) => p.yhat)),
      var_scale: mean(g.map((p) => p.scale)),
    };
    for (const [metric, value] of Object.entries(m)) {
      rows.push({ fold, horizon: Number(hS), metric, value });
      if (fold === null) {
        const list = perHorizon.get(metric) ?? [];
        list.push(value);
        perHorizon.set(metric, list);
      }
    }
  }
  for (const [metric, values] of perHorizon) {
    rows.push({ fold: null, horizon: null, metric, value: mean(values.filter(Number.isFinite)) });
  }
  return rows;
}

const refGroups = new WeakMap<readonly VolPoint[], Map<string, VolPoint[]>>();
/** {@link groupPoints} of a reference, computed once per reference array. */
function groupedRefs(points: readonly VolPoint[]): Map<string, VolPoint[]> {
  let g = refGroups.get(points);
  if (!g) refGroups.set(points, g = groupPoints(points));
  return g;
}

/** Points per `fold|h` and pooled `null|h`, each ordered by (fold, origin). */
function groupPoints(points: readonly VolPoint[]): Map<string, VolPoint[]> {
  const sorted = [...points].sort((a, b) => a.h - b.h || a.fold - b.fold || a.origin - b.origin);
  const groups = new Map<string, VolPoint[]>();
  let h = NaN, fold = NaN;
  let g: VolPoint[] = [], pooled: VolPoint[] = [];
  for (const p of sorted) {
    if (p.h !== h) {
      h = p.h;
      fold = NaN;
      groups.set(`null|${h}`, pooled = []);
    }
    if (p.fold !== fold) {
      fold = p.fold;
      groups.set(`${fold}|${h}`, g = []);
    }
    g.push(p);
    pooled.push(p);
  }
  return groups;
}

/**
 * Overall figures (fold and horizon NULL) of each volatility model.
 *
 * @example
 * ```ts
 * for (const s of volSummaries(vol)) console.log(s.model, s.qlike);
 * ```
 */
export function volSummaries(evals: readonly VolEvaluation[]): VolSummary[] {
  return evals.map((v) => {
    const overall = (m: string) =>
      v.rows.find((r) => r.fold === null && r.horizon === null && r.metric === m)?.value ?? NaN;
    return {
      model: v.model,
      qlike: overall("qlike"),
      qlikeRaw: overall("qlike_raw"),
      qlikeVsEwma: overall("qlike_vs_ewma"),
      qlikeVsUnconditional: overall("qlike_vs_unconditional"),
      rmseVol: overall("rmse_vol"),
    };
  });
}
