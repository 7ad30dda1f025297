/**
 * Forecast targets: forward log returns over h candles, exact in time (a
 * target across a missing candle is left undefined rather than stretched).
 *
 * @module
 */

/**
 * `y[i] = ln(close at ts[i] + h·step / close[i])`, or NaN when that candle is
 * missing or beyond the data.
 *
 * @example
 * ```ts
 * forwardLogReturns([0, 1, 2], [100, 110, 121], 1, 1); // [ln 1.1, ln 1.1, NaN]
 * ```
 */
export function forwardLogReturns(
  ts: readonly number[],
  close: readonly number[],
  h: number,
  step: number,
): number[] {
  const at = new Map<number, number>();
  ts.forEach((t, i) => at.set(t, i));
  return ts.map((t, i) => {
    const j = at.get(t + h * step);
    return j === undefined ? NaN : Math.log(close[j] / close[i]);
  });
}

/**
 * Causal EWMA volatility of one-period log returns: the value at i uses
 * returns up to i only. Seeded with the first `warmup` returns' variance.
 *
 * @example
 * ```ts
 * const sigma = ewmaVolatility(returns, { lambda: 0.94 });
 * ```
 */
export function ewmaVolatility(
  returns: readonly number[],
  options: { lambda?: number; warmup?: number } = {},
): number[] {
  const lambda = options.lambda ?? 0.94;
  const warmup = Math.min(options.warmup ?? 20, returns.length);
  let v = 0;
  for (let i = 0; i < warmup; i++) v += returns[i] ** 2 / Math.max(1, warmup);
  if (v === 0) v = 1e-8;
  return returns.map((r) => {
    v = lambda * v + (1 - lambda) * r * r;
    return Math.sqrt(v);
  });
}
