/**
 * Turns backtest points into metric rows: per fold and horizon, pooled per
 * horizon (fold = null), and overall (fold = null, horizon = null).
 *
 * @module
 */
import type { BacktestPoint } from "./walkforward.ts";
import {
  coverage,
  dieboldMariano,
  directionalAccuracy,
  mae,
  mapePrice,
  mean,
  rmse,
  upRate,
} from "./metrics.ts";

/** One row of `run_metrics` (without run_id). */
export interface MetricRow {
  fold: number | null;
  horizon: number | null;
  metric: string;
  value: number;
}

/**
 * Scores a model's points against the naive baseline's points on the same
 * origins.
 *
 * @example
 * ```ts
 * const rows = scorePoints(xgbPoints, naivePoints);
 * ```
 */
export function scorePoints(
  points: readonly BacktestPoint[],
  naive: readonly BacktestPoint[],
): MetricRow[] {
  const key = (p: BacktestPoint) => `${p.fold}|${p.h}|${p.origin}`;
  const naiveBy = new Map(naive.map((p) => [key(p), p]));
  const groups = new Map<string, BacktestPoint[]>();
  const add = (k: string, p: BacktestPoint) => {
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  };
  for (const p of points) {
    add(`${p.fold}|${p.h}`, p);
    add(`null|${p.h}`, p);
  }
  const rows: MetricRow[] = [];
  const perHorizon = new Map<string, number[]>();
  for (const [k, g] of groups) {
    const [foldS, hS] = k.split("|");
    const fold = foldS === "null" ? null : Number(foldS);
    const h = Number(hS);
    g.sort((a, b) => a.origin - b.origin);
    const base = g.map((p) => naiveBy.get(key(p)));
    if (base.some((b) => !b)) {
      throw new Error("Baseline and model were scored on different origins");
    }
    const m = metricsOf(g, base as BacktestPoint[], h);
    for (const [metric, value] of Object.entries(m)) {
      rows.push({ fold, horizon: h, metric, value });
      if (fold === null) {
        const list = perHorizon.get(metric) ?? [];
        list.push(value);
        perHorizon.set(metric, list);
      }
    }
  }
  for (const [metric, values] of perHorizon) {
    if (metric === "dm_stat" || metric === "dm_p") continue;
    rows.push({ fold: null, horizon: null, metric, value: mean(values.filter(Number.isFinite)) });
  }
  return rows;
}

function metricsOf(g: BacktestPoint[], base: BacktestPoint[], h: number): Record<string, number> {
  const y = g.map((p) => p.y), yhat = g.map((p) => p.yhat);
  const nMae = mae(base.map((p) => p.y), base.map((p) => p.yhat));
  const lo = (l: number) => g.map((p) => p.yhat - p.half[l]);
  const hi = (l: number) => g.map((p) => p.yhat + p.half[l]);
  const width = (l: number) =>
    mean(g.map((p) => Math.exp(p.yhat + p.half[l]) - Math.exp(p.yhat - p.half[l])));
  const dm = dieboldMariano(
    g.map((p) => p.y - p.yhat),
    base.map((p) => p.y - p.yhat),
    h,
  );
  return {
    n: g.length,
    mae: mae(y, yhat),
    rmse: rmse(y, yhat),
    mape: mapePrice(y, yhat),
    mase: nMae > 0 ? mae(y, yhat) / nMae : NaN,
    dir_acc: directionalAccuracy(y, yhat),
    up_rate: upRate(y),
    coverage_50: coverage(y, lo(0.5), hi(0.5)),
    coverage_80: coverage(y, lo(0.8), hi(0.8)),
    coverage_95: coverage(y, lo(0.95), hi(0.95)),
    width_80: width(0.8),
    dm_stat: dm.stat,
    dm_p: dm.p,
  };
}
