/**
 * Missing candles inside a fetched range: pure, so the loader and its tests
 * agree on what a gap is.
 *
 * @module
 */

/** A run of missing candles: open times from `start` (inclusive) to `end` (exclusive). */
export interface Gap {
  start: number;
  end: number;
  /** Candles missing. */
  count: number;
}

/**
 * The gaps between the first and the last of `times` (candle open times),
 * for candles `step` ms apart. Before the first and after the last is not a
 * gap: a market may have listed later, or the range may end there.
 *
 * @example
 * ```ts
 * findGaps([0, 1, 4, 5], 1); // [{ start: 2, end: 4, count: 2 }]
 * ```
 */
export function findGaps(times: readonly number[], step: number): Gap[] {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const gaps: Gap[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const missing = Math.round((sorted[i] - sorted[i - 1]) / step) - 1;
    if (missing > 0) {
      const start = sorted[i - 1] + step;
      gaps.push({ start, end: start + missing * step, count: missing });
    }
  }
  return gaps;
}
