/**
 * Forecast accuracy metrics, pure functions over aligned arrays.
 *
 * Returns are log returns; prices are rebuilt as `origin · exp(r)`.
 *
 * @module
 */
import { normalCdf } from "../../core/stats.ts";

/** Mean absolute error. */
export function mae(y: readonly number[], yhat: readonly number[]): number {
  return mean(y.map((v, i) => Math.abs(v - yhat[i])));
}

/** Root mean squared error. */
export function rmse(y: readonly number[], yhat: readonly number[]): number {
  return Math.sqrt(mean(y.map((v, i) => (v - yhat[i]) ** 2)));
}

/** Mean absolute percentage error of the rebuilt prices (in %). */
export function mapePrice(y: readonly number[], yhat: readonly number[]): number {
  return 100 * mean(y.map((v, i) => Math.abs(Math.exp(yhat[i] - v) - 1)));
}

/**
 * Share of moves whose sign was called right; zero moves and zero calls are
 * left out (a "no change" forecast calls no direction).
 */
export function directionalAccuracy(y: readonly number[], yhat: readonly number[]): number {
  let hit = 0, n = 0;
  y.forEach((v, i) => {
    if (v === 0 || yhat[i] === 0) return;
    n++;
    if (Math.sign(v) === Math.sign(yhat[i])) hit++;
  });
  return n ? hit / n : NaN;
}

/** Share of up moves: the accuracy a coin that always says "up" would get. */
export function upRate(y: readonly number[]): number {
  return mean(y.map((v) => (v > 0 ? 1 : 0)));
}

/** Share of outcomes inside [lower, upper]. */
export function coverage(
  y: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
): number {
  return mean(y.map((v, i) => (v >= lower[i] && v <= upper[i] ? 1 : 0)));
}

/**
 * Diebold–Mariano test of equal squared-error accuracy, with the
 * Harvey–Leybourne–Newbold small-sample correction and h−1 autocovariance
 * lags. Negative `stat` means the first forecast is more accurate.
 *
 * @example
 * ```ts
 * const { stat, p } = dieboldMariano(errModel, errNaive, 1);
 * ```
 */
export function dieboldMariano(
  e1: readonly number[],
  e2: readonly number[],
  h: number,
): { stat: number; p: number } {
  const d = e1.map((v, i) => v * v - e2[i] * e2[i]);
  const n = d.length;
  if (n < 10) return { stat: NaN, p: NaN };
  const dbar = mean(d);
  const gamma = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += (d[t] - dbar) * (d[t - k] - dbar);
    return s / n;
  };
  let v = gamma(0);
  for (let k = 1; k < h; k++) v += 2 * gamma(k);
  if (!(v > 0)) return { stat: 0, p: 1 };
  const dm = dbar / Math.sqrt(v / n);
  const hln = Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const stat = dm * hln;
  return { stat, p: 2 * (1 - normalCdf(Math.abs(stat))) };
}

/** The empirical quantile (linear interpolation) of `values` at `q`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
