/**
 * A timeframe inferred from the spacing of timestamps, for files that do not
 * name theirs.
 *
 * @module
 */
import { type Timeframe, TIMEFRAMES } from "../../core/candles.ts";
import { epochToMs } from "./_time.ts";

/**
 * The timeframe whose length is the most common gap between consecutive
 * distinct timestamps (robust to gaps, so sparse Kraken minutes still read as
 * 1m), or undefined when that gap is not a known timeframe or there are fewer
 * than two timestamps.
 *
 * @example
 * ```ts
 * inferTimeframe([0, 3_600_000, 7_200_000, 14_400_000]); // "1h"
 * ```
 */
export function inferTimeframe(ts: readonly number[]): Timeframe | undefined {
  const sorted = [...new Set(ts)].sort((a, b) => a - b);
  const counts = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i] - sorted[i - 1];
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0, bestN = 0;
  for (const [d, n] of counts) if (n > bestN || (n === bestN && d < best)) best = d, bestN = n;
  for (const [tf, ms] of Object.entries(TIMEFRAMES)) if (ms === best) return tf as Timeframe;
  return undefined;
}

/**
 * The timeframe of a kline from its open and close times (Binance writes the
 * close as the last ms or µs of the candle), or undefined.
 *
 * @example
 * ```ts
 * timeframeFromCloseTime(1672531200000, 1672534799999); // "1h"
 * ```
 */
export function timeframeFromCloseTime(open: number, close: number): Timeframe | undefined {
  // In the file's own unit: the close is the candle's last ms (or µs).
  const perUnit = epochToMs(open) / open;
  const len = Math.round((close - open + 1) * perUnit);
  for (const [tf, ms] of Object.entries(TIMEFRAMES)) if (ms === len) return tf as Timeframe;
  return undefined;
}
