/**
 * Volatility targets, losses and calibration: realized volatility over the
 * next h candles, exact in time; trailing realized volatility (causal); the
 * QLIKE loss; and the variance scale that turns a forecaster of the mean of
 * realized volatility into a forecaster of its variance.
 *
 * Why the scale: a model fitted to realized volatility by least squares
 * estimates E[RV], and E[RV]² < E[RV²] (Jensen), so its squared forecasts
 * understate the variance and QLIKE punishes that. A single factor fitted
 * inside each fold's training window removes the bias without looking at
 * the test block.
 *
 * @module
 */
import { mean } from "./metrics.ts";

/**
 * `y[i] = √(Σₖ₌₁..ₕ ln(close at tᵢ+k·step / close at tᵢ+(k−1)·step)²)`: the
 * realized volatility of the next h candles, or NaN when any of those
 * candles is missing or beyond the data (never stretched over a gap).
 *
 * @example
 * ```ts
 * realizedVolatility([0, 1, 2], [100, 110, 99], 2, 1); // [√(ln 1.1² + ln 0.9²), NaN, NaN]
 * ```
 */
export function realizedVolatility(
  ts: readonly number[],
  close: readonly number[],
  h: number,
  step: number,
): number[] {
  // next[i] = the row one step after row i, or -1 when that candle is missing.
  const at = new Map<number, number>();
  ts.forEach((t, i) => at.set(t, i));
  const next = ts.map((t, i) => (ts[i + 1] === t + step ? i + 1 : at.get(t + step) ?? -1));
  return ts.map((_, i) => {
    let s = 0;
    for (let k = 0, j = i; k < h; k++) {
      const n = next[j];
      if (n < 0) return NaN;
      s += Math.log(close[n] / close[j]) ** 2;
      j = n;
    }
    return Math.sqrt(s);
  });
}

/**
 * Causal trailing volatility per candle: `√(mean of r² over the last k
 * returns up to i)` (fewer at the start of the series).
 *
 * @example
 * ```ts
 * trailingVolatility([0.01, -0.02, 0.03], 2); // [0.01, √((1e-4+4e-4)/2), √((4e-4+9e-4)/2)]
 * ```
 */
export function trailingVolatility(returns: readonly number[], k: number): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < returns.length; i++) {
    if (i % k === 0) {
      // Resummed every k rows so that rounding does not build up in the running sum.
      s = 0;
      for (let j = Math.max(0, i - k + 1); j <= i; j++) s += sq(returns[j]);
    } else {
      s += sq(returns[i]);
      if (i >= k) s -= sq(returns[i - k]);
    }
    out.push(Math.sqrt(Math.max(0, s) / Math.min(i + 1, k)));
  }
  return out;
}

/**
 * QLIKE of volatility forecasts, in variance terms (Patton 2011):
 * mean of `y²/ŷ² − ln(y²/ŷ²) − 1`, which is 0 for a perfect forecast and
 * robust to noise in the realized-variance proxy. Pairs with y = 0 (no
 * move: the loss is infinite for any forecast) or a non-positive forecast
 * are left out.
 *
 * @example
 * ```ts
 * qlike([0.02], [0.01]); // 4 − ln 4 − 1 ≈ 1.6137
 * ```
 */
export function qlike(y: readonly number[], yhat: readonly number[]): number {
  const losses: number[] = [];
  y.forEach((v, i) => {
    if (!(v > 0) || !(yhat[i] > 0)) return;
    const ratio = (v * v) / (yhat[i] * yhat[i]);
    losses.push(ratio - Math.log(ratio) - 1);
  });
  return mean(losses);
}

/** Mean squared error of the variances (`(y² − ŷ²)²`). */
export function mseVariance(y: readonly number[], yhat: readonly number[]): number {
  return mean(y.map((v, i) => (v * v - yhat[i] * yhat[i]) ** 2));
}

/**
 * The variance scale that minimises QLIKE over (y, ŷ): `c = mean(y²/ŷ²)`,
 * so that `√c · ŷ` is the calibrated volatility forecast. Fit it on a
 * training window only. 1 when nothing is usable.
 *
 * @example
 * ```ts
 * varianceScale([0.02, 0.04], [0.01, 0.02]); // 4: the forecasts were half the volatility
 * ```
 */
export function varianceScale(y: readonly number[], yhat: readonly number[]): number {
  const r: number[] = [];
  y.forEach((v, i) => {
    if (Number.isFinite(v) && yhat[i] > 0) r.push((v * v) / (yhat[i] * yhat[i]));
  });
  const c = mean(r);
  return Number.isFinite(c) && c > 0 ? c : 1;
}

/**
 * The first, middle and last of the horizons: where the costlier
 * evaluation-only models (`vol:xgboost`, `seed-reference`) are fitted.
 *
 * @example
 * ```ts
 * spanHorizons([1, 2, 3, 4, 5, 6, 7]); // [1, 4, 7]
 * ```
 */
export function spanHorizons(horizons: readonly number[]): number[] {
  const s = [...horizons].sort((a, b) => a - b);
  return [...new Set([s[0], s[Math.floor((s.length - 1) / 2)], s[s.length - 1]])];
}

function sq(v: number): number {
  return Number.isFinite(v) ? v * v : 0;
}
