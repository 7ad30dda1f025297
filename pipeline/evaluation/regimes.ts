/**
 * Interval coverage and width by volatility regime: an 80% interval must
 * cover about 80% when markets are calm and when they are wild, not 95% in
 * one and 60% in the other.
 *
 * The regime of a test origin is the tercile of its forecast volatility
 * (the causal EWMA σ that scales the intervals), with the tercile
 * thresholds fitted on the candles before the fold's test block only. So a
 * calm test block can put most of its origins in `low`: the counts
 * (`n_vol_*`) say so.
 *
 * Metric names (per fold and horizon, pooled per horizon with fold NULL,
 * and averaged over horizons with both NULL, as in `score.ts`):
 * `coverage_{50,80,95}_vol_{low,mid,high}`, `width_{50,80,95}_vol_{low,mid,high}`
 * (mean width as a fraction of the origin price), `n_vol_{low,mid,high}`,
 * and the overall `width_50` and `width_95` (`width_80` is in `score.ts`).
 *
 * @module
 */
import type { Fold } from "./folds.ts";
import type { MetricRow } from "./score.ts";
import type { BacktestPoint } from "./walkforward.ts";
import { mean, quantile } from "./metrics.ts";

/** The three regimes, calm to wild. */
export const REGIMES = ["low", "mid", "high"] as const;
/** A volatility regime. */
export type Regime = (typeof REGIMES)[number];

const LEVEL_NAMES = [[0.5, "50"], [0.8, "80"], [0.95, "95"]] as const;

/**
 * Tercile thresholds of the forecast volatility seen before `testStart`.
 *
 * @example
 * ```ts
 * const [lo, hi] = regimeThresholds(sigma, ts, fold.testStart);
 * ```
 */
export function regimeThresholds(
  sigma: readonly number[],
  ts: readonly number[],
  testStart: number,
): [number, number] {
  const seen = sigma.filter((s, i) => ts[i] < testStart && Number.isFinite(s));
  if (seen.length < 3) {
    throw new RangeError(
      `Too little history before ${new Date(testStart).toISOString()} for volatility terciles`,
    );
  }
  return [quantile(seen, 1 / 3), quantile(seen, 2 / 3)];
}

/** The regime of a volatility given tercile thresholds. */
export function regimeOf(sigma: number, [lo, hi]: readonly [number, number]): Regime {
  return sigma <= lo ? "low" : sigma <= hi ? "mid" : "high";
}

/**
 * Coverage and width of the 50/80/95% intervals per volatility regime (and
 * the overall 50/95% widths) for a return model's backtest points.
 *
 * @param sigma the forecast volatility at each frame row (causal)
 * @example
 * ```ts
 * const rows = regimeRows(points, { sigma, ts: frame.ts, folds });
 * rows.find((r) => r.fold === null && r.horizon === null && r.metric === "coverage_80_vol_high");
 * ```
 */
export function regimeRows(
  points: readonly BacktestPoint[],
  options: { sigma: readonly number[]; ts: readonly number[]; folds: readonly Fold[] },
): MetricRow[] {
  const thresholds = new Map(
    options.folds.map((f) => [f.fold, regimeThresholds(options.sigma, options.ts, f.testStart)]),
  );
  const groups = new Map<string, { p: BacktestPoint; regime: Regime }[]>();
  const add = (k: string, v: { p: BacktestPoint; regime: Regime }) => {
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  };
  for (const p of points) {
    const th = thresholds.get(p.fold);
    if (!th) throw new RangeError(`Backtest point in unknown fold ${p.fold}`);
    const v = { p, regime: regimeOf(options.sigma[p.origin], th) };
    add(`${p.fold}|${p.h}`, v);
    add(`null|${p.h}`, v);
  }
  const rows: MetricRow[] = [];
  const perHorizon = new Map<string, number[]>();
  for (const [k, g] of groups) {
    const [foldS, hS] = k.split("|");
    const fold = foldS === "null" ? null : Number(foldS);
    for (const [metric, value] of Object.entries(metricsOf(g))) {
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

function metricsOf(g: { p: BacktestPoint; regime: Regime }[]): Record<string, number> {
  // One pass: counts, hits and width sums per regime and level.
  const acc = new Map(REGIMES.map((r) => [r, { n: 0, hit: [0, 0, 0], width: [0, 0, 0] }]));
  const all = { n: 0, width: [0, 0, 0] };
  for (const { p, regime } of g) {
    const a = acc.get(regime)!;
    a.n++;
    all.n++;
    LEVEL_NAMES.forEach(([l], k) => {
      const lo = p.yhat - p.half[l], hi = p.yhat + p.half[l];
      const w = Math.exp(hi) - Math.exp(lo);
      if (p.y >= lo && p.y <= hi) a.hit[k]++;
      a.width[k] += w;
      all.width[k] += w;
    });
  }
  const ratio = (x: number, n: number) => (n ? x / n : NaN);
  const out: Record<string, number> = {
    width_50: ratio(all.width[0], all.n),
    width_95: ratio(all.width[2], all.n),
  };
  for (const r of REGIMES) {
    const a = acc.get(r)!;
    out[`n_vol_${r}`] = a.n;
    LEVEL_NAMES.forEach(([, name], k) => {
      out[`coverage_${name}_vol_${r}`] = ratio(a.hit[k], a.n);
      out[`width_${name}_vol_${r}`] = ratio(a.width[k], a.n);
    });
  }
  return out;
}
