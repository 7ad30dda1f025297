/**
 * HAR volatility model (Corsi 2009): realized volatility over the next h
 * candles regressed by ordinary least squares on trailing realized
 * volatility over a short, a medium and a long window (1/5/22 days for
 * daily candles, 1/24/168 hours for hourly ones). Fitted on the rows it is
 * given — a fold's training window only.
 *
 * @module
 */
import type { Timeframe } from "../../core/candles.ts";
import { trailingVolatility } from "../evaluation/volatility.ts";

/** HAR windows (in candles) per timeframe: a candle, a day-ish, a week-ish / month. */
export function harWindows(tf: Timeframe): [number, number, number] {
  switch (tf) {
    case "1d":
      return [1, 5, 22];
    case "1w":
      return [1, 4, 13];
    case "4h":
      return [1, 6, 42];
    case "1h":
      return [1, 24, 168];
    case "15m":
      return [1, 96, 672];
    case "5m":
      return [1, 288, 2016];
    case "1m":
      return [1, 1440, 10080];
  }
}

/**
 * The HAR regressors per candle: trailing volatility over each window,
 * causal (see {@link trailingVolatility}).
 *
 * @example
 * ```ts
 * const x = harFeatures(returns, harWindows("1d")); // x[i] = [v1, v5, v22] at candle i
 * ```
 */
export function harFeatures(
  returns: readonly number[],
  windows: readonly number[],
): number[][] {
  const cols = windows.map((k) => trailingVolatility(returns, k));
  return returns.map((_, i) => cols.map((c) => c[i]));
}

/** A fitted linear model: `ŷ = coef[0] + Σ coef[j+1]·x[j]`. */
export interface LinearFit {
  coef: number[];
}

/**
 * Ordinary least squares with an intercept, by the normal equations
 * (Gaussian elimination with partial pivoting; a 1e-12 relative ridge keeps
 * collinear columns solvable).
 *
 * @example
 * ```ts
 * fitOls([[1], [2], [3]], [3, 5, 7]).coef; // ≈ [1, 2]
 * ```
 */
export function fitOls(x: readonly (readonly number[])[], y: readonly number[]): LinearFit {
  if (x.length !== y.length) {
    throw new RangeError(`OLS rows (${x.length}) and targets (${y.length}) differ`);
  }
  const p = (x[0]?.length ?? 0) + 1;
  if (x.length < p) throw new RangeError(`OLS needs at least ${p} rows, got ${x.length}`);
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let r = 0; r < x.length; r++) {
    const row = [1, ...x[r]];
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i][j] += row[i] * row[j];
      a[i][p] += row[i] * y[r];
    }
  }
  for (let i = 0; i < p; i++) a[i][i] += 1e-12 * (a[i][i] || 1);
  for (let c = 0; c < p; c++) {
    let best = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[best][c])) best = r;
    [a[c], a[best]] = [a[best], a[c]];
    if (a[c][c] === 0) throw new RangeError("OLS design matrix is singular");
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  return { coef: a.map((row, i) => row[p] / row[i]) };
}

/** Predictions of a {@link LinearFit} for rows `x`. */
export function predictLinear(fit: LinearFit, x: readonly (readonly number[])[]): number[] {
  return x.map((row) => row.reduce((s, v, j) => s + fit.coef[j + 1] * v, fit.coef[0]));
}
