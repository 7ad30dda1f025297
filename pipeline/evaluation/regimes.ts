/**
 * Interval coverage and width by volatility regime: an 80% interval must
 * cover about 80% when markets are calm and when they are wild, not 95% in
 * one and 60% in the other.
 *
 * The regime of a test origin is the tercile of its forecast volatility
 * (the causal EWMA σ that scales the intervals) among the test origins of
 * the same horizon, pooled over every fold. So each regime holds a third of
 * the test origins per horizon (ties aside), and its coverage is measured on
 * as many origins as the others. σ is known at each origin before its
 * outcome, and the regimes only stratify the scoring: no prediction sees
 * them, so they leak nothing. The per-fold rows use the same thresholds, so
 * a calm test block can put most of its origins in `low`: the counts
 * (`n_vol_*`) say so.
 *
 * Thresholds fitted on the candles before each test block (as before) made
 * the groups very unequal after calm years: on real Binance daily BTC,
 * 953 / 223 / 45 test origins per horizon from calm to wild, and the wild
 * group's coverage was noise.
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
 * Tercile thresholds of a set of volatilities (the non-finite ones left out).
 *
 * @example
 * ```ts
 * tercileThresholds([1, 2, 3, 4, 5, 6, 7]); // [3, 5]
 * ```
 */
export function tercileThresholds(sigmas: readonly number[]): [number, number] {
  const seen = sigmas.filter(Number.isFinite);
  if (seen.length === 0) throw new RangeError("No finite volatility to split into terciles");
  return [quantile(seen, 1 / 3), quantile(seen, 2 / 3)];
}

/** The regime of a volatility given tercile thresholds. */
export function regimeOf(sigma: number, [lo, hi]: readonly [number, number]): Regime {
  return sigma <= lo ? "low" : sigma <= hi ? "mid" : "high";
}

/**
 * Coverage and width of the 50/80/95% intervals per volatility regime (and
 * the overall 50/95% widths) for a return model's backtest points. The
 * regimes are the terciles of σ over each horizon's test origins (see the
 * module doc).
 *
 * @param sigma the forecast volatility at each frame row (causal)
 * @param folds when given, every point must belong to one of them
 * @param ts when given with `folds`, every origin must lie in its fold's test block
 * @example
 * ```ts
 * const rows = regimeRows(points, { sigma, ts: frame.ts, folds });
 * rows.find((r) => r.fold === null && r.horizon === null && r.metric === "coverage_80_vol_high");
 * ```
 */
export function regimeRows(
  points: readonly BacktestPoint[],
  options: { sigma: readonly number[]; ts?: readonly number[]; folds?: readonly Fold[] },
): MetricRow[] {
  const { sigma, ts, folds } = options;
  const blocks = folds && new Map(folds.map((f) => [f.fold, f]));
  const byHorizon = new Map<number, number[]>();
  for (const p of points) {
    const s = sigma[p.origin];
    if (!Number.isFinite(s)) {
      throw new RangeError(`Volatility at origin ${p.origin} (fold ${p.fold}) is ${s}`);
    }
    if (blocks) {
      const f = blocks.get(p.fold);
      if (!f) throw new RangeError(`Backtest point in unknown fold ${p.fold}`);
      if (ts && !(ts[p.origin] >= f.testStart && ts[p.origin] < f.testEnd)) {
        throw new RangeError(
          `Backtest origin ${
            new Date(ts[p.origin]).toISOString()
          } is outside fold ${p.fold}'s test block`,
        );
      }
    }
    const list = byHorizon.get(p.h) ?? [];
    list.push(s);
    byHorizon.set(p.h, list);
  }
  const thresholds = new Map([...byHorizon].map(([h, s]) => [h, tercileThresholds(s)]));
  // One pass over the points; each adds to its fold's group and to the pooled one.
  const groups = new Map<string, Tally>();
  const tally = (fold: number | null, h: number) => {
    const k = `${fold}|${h}`;
    let t = groups.get(k);
    if (!t) groups.set(k, t = { fold, h, n: [0, 0, 0], hit: [], width: [], all: [0, 0, 0] });
    return t;
  };
  let last: BacktestPoint | undefined, own: Tally | undefined, pooled: Tally | undefined;
  for (const p of points) {
    if (!last || last.fold !== p.fold || last.h !== p.h) {
      own = tally(p.fold, p.h);
      pooled = tally(null, p.h);
    }
    last = p;
    const r = REGIMES.indexOf(regimeOf(sigma[p.origin], thresholds.get(p.h)!));
    for (const t of [own!, pooled!]) t.n[r]++;
    LEVEL_NAMES.forEach(([l], k) => {
      const half = p.half[l];
      const lo = p.yhat - half, hi = p.yhat + half;
      const w = Math.exp(hi) - Math.exp(lo), hit = p.y >= lo && p.y <= hi ? 1 : 0;
      for (const t of [own!, pooled!]) {
        t.hit[3 * r + k] = (t.hit[3 * r + k] ?? 0) + hit;
        t.width[3 * r + k] = (t.width[3 * r + k] ?? 0) + w;
        t.all[k] += w;
      }
    });
  }
  const rows: MetricRow[] = [];
  const perHorizon = new Map<string, number[]>();
  for (const t of groups.values()) {
    for (const [metric, value] of Object.entries(metricsOf(t))) {
      rows.push({ fold: t.fold, horizon: t.h, metric, value });
      if (t.fold === null) {
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

/** Counts per regime, hits and width sums per (regime, level) at 3·regime + level. */
interface Tally {
  fold: number | null;
  h: number;
  n: number[];
  hit: number[];
  width: number[];
  /** Width sums per level over every regime. */
  all: number[];
}

function metricsOf(t: Tally): Record<string, number> {
  const ratio = (x: number | undefined, n: number) => (n ? (x ?? 0) / n : NaN);
  const total = t.n[0] + t.n[1] + t.n[2];
  const out: Record<string, number> = {
    width_50: ratio(t.all[0], total),
    width_95: ratio(t.all[2], total),
  };
  REGIMES.forEach((r, i) => {
    out[`n_vol_${r}`] = t.n[i];
    LEVEL_NAMES.forEach(([, name], k) => {
      out[`coverage_${name}_vol_${r}`] = ratio(t.hit[3 * i + k], t.n[i]);
      out[`width_${name}_vol_${r}`] = ratio(t.width[3 * i + k], t.n[i]);
    });
  });
  return out;
}
