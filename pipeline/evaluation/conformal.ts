/**
 * Split-conformal interval calibration, conditional on the volatility
 * regime (Mondrian conformal).
 *
 * The score of a calibration origin is `|y − ŷ| / (σ √h)`, with σ the causal
 * EWMA volatility at the origin. Scaling by σ alone is not enough: the EWMA
 * is a noisy, over-reactive proxy of the true volatility, so a high σ
 * overstates the volatility to come and a low σ understates it. With one
 * pooled quantile, an 80% interval then covers less than 80% in calm markets
 * and more in wild ones. So the calibration origins are split into terciles
 * of σ, and each tercile gets its own quantile of the score; at prediction
 * time σ picks the bin. A bin with fewer than {@link MIN_BIN} calibration
 * origins uses the pooled quantile. Everything is fitted on the calibration
 * origins only: in the walk-forward, the last 20% of a fold's training
 * window; for a serving model, the out-of-sample test residuals of every
 * fold (see `walkforward.ts`).
 *
 * On real Binance daily BTC (2017–2026, 4 folds), the 80% interval of the
 * XGBoost model covered 75.7% / 87.1% / 96.8% of the calm / mid / wild
 * terciles with one pooled quantile and 81.2% / 79.1% / 94.3% with these
 * (the wild tercile has only 45 test origins per horizon; with 7 folds over
 * the last 70% of the history, 246 of them: 86.7% before, 79.8% after).
 * Over nine daily assets and hourly BTC and ETH, the worst tercile's 80%
 * coverage was on average closer to nominal, and never as far off, as with
 * a power σ^α fitted on the calibration origins (TRX: 56% in wild markets).
 *
 * @module
 */
import { quantile } from "./metrics.ts";

/** Interval levels produced for every forecast. */
export const LEVELS = [0.5, 0.8, 0.95] as const;

/** Fewest calibration origins for a volatility bin to get its own quantiles. */
export const MIN_BIN = 30;

/** Conformal quantiles per volatility bin (terciles of σ on the calibration origins). */
export interface VolatilityBins {
  /** Bin edges: bin 0 if σ ≤ edges[0], bin 1 if σ ≤ edges[1], else bin 2. */
  edges: [number, number];
  /** Quantiles of the scaled score per bin, per level (the pooled ones where a bin was too small). */
  q: Record<number, number>[];
  /** Calibration origins per bin. */
  n: number[];
}

/** What interval half-widths are computed from. Without `bins`, one pooled quantile per level. */
export interface Calibration {
  /** Conformal quantiles of the scaled score over every calibration origin, per level. */
  q: Record<number, number>;
  bins?: VolatilityBins;
}

/**
 * Fits the pooled and per-bin conformal quantiles of calibration scores.
 *
 * @param scores `|y − ŷ| / (σ √h)` per calibration origin
 * @param sigmas σ at the same origins
 * @example
 * ```ts
 * const cal = fitCalibration(scores, calib.map((i) => sigma[i]));
 * const half = calibratedHalfWidths(cal, sigma[origin], h);
 * ```
 */
export function fitCalibration(
  scores: readonly number[],
  sigmas: readonly number[],
  options: { minBin?: number } = {},
): Calibration {
  if (scores.length !== sigmas.length) {
    throw new RangeError(`fitCalibration: ${scores.length} scores but ${sigmas.length} sigmas`);
  }
  const minBin = options.minBin ?? MIN_BIN;
  const q = conformalQuantiles(scores);
  const edges: [number, number] = [quantile(sigmas, 1 / 3), quantile(sigmas, 2 / 3)];
  const byBin: number[][] = [[], [], []];
  scores.forEach((s, i) => byBin[binOf(sigmas[i], edges)].push(s));
  return {
    q,
    bins: {
      edges,
      q: byBin.map((b) => (b.length >= minBin ? conformalQuantiles(b) : { ...q })),
      n: byBin.map((b) => b.length),
    },
  };
}

/** The volatility bin (0 calm, 1, 2 wild) of σ given the bin edges. */
export function binOf(sigma: number, edges: readonly [number, number]): number {
  return sigma <= edges[0] ? 0 : sigma <= edges[1] ? 1 : 2;
}

/**
 * Interval half-widths (log-return units) at an origin with volatility σ,
 * per level: the quantiles of σ's bin, or the pooled ones for a
 * calibration without bins (artifacts written before bins existed).
 *
 * @example
 * ```ts
 * calibratedHalfWidths({ q: { 0.5: 0.7, 0.8: 1.3, 0.95: 2 } }, 0.02, 4)[0.8]; // 1.3 · 0.02 · 2
 * ```
 */
export function calibratedHalfWidths(
  cal: Calibration,
  sigma: number,
  h: number,
): Record<number, number> {
  const q = cal.bins ? cal.bins.q[binOf(sigma, cal.bins.edges)] : cal.q;
  return halfWidths(q, sigma, h);
}

/**
 * Interval half-widths (log-return units) from one set of quantiles:
 * `q · σ · √h` per level.
 *
 * @example
 * ```ts
 * halfWidths({ 0.5: 0.7, 0.8: 1.3, 0.95: 2 }, 0.02, 1)[0.95]; // 0.04
 * ```
 */
export function halfWidths(
  q: Record<number, number>,
  sigma: number,
  h: number,
): Record<number, number> {
  const out: Record<number, number> = {};
  for (const l of LEVELS) out[l] = q[l] * sigma * Math.sqrt(h);
  return out;
}

/** Split-conformal quantiles per level: the ceil((n+1)·level)/n empirical quantile. */
function conformalQuantiles(scores: readonly number[]): Record<number, number> {
  const n = scores.length;
  const q: Record<number, number> = {};
  for (const l of LEVELS) q[l] = quantile(scores, Math.min(1, Math.ceil((n + 1) * l) / n));
  return q;
}
