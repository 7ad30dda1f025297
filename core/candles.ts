/**
 * Candles and timeframes: the shapes every loader produces and the pure
 * helpers that go with them.
 *
 * @module
 */

/** One OHLCV candle; `ts` is its open time in milliseconds since the epoch (UTC). */
export interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The timeframes Prévision knows, with their length in milliseconds. */
export const TIMEFRAMES = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
  "1w": 604_800_000,
} as const;

/** A timeframe name such as `1h`. */
export type Timeframe = keyof typeof TIMEFRAMES;

/** True when `s` names a known timeframe. */
export function isTimeframe(s: string): s is Timeframe {
  return Object.hasOwn(TIMEFRAMES, s);
}

/**
 * The length of a timeframe in milliseconds.
 *
 * @example
 * ```ts
 * timeframeMs("1h"); // 3600000
 * ```
 */
export function timeframeMs(tf: string): number {
  if (!isTimeframe(tf)) {
    throw new RangeError(
      `Unknown timeframe "${tf}": expected one of ${Object.keys(TIMEFRAMES).join(", ")}`,
    );
  }
  return TIMEFRAMES[tf];
}

/**
 * The open time of the bucket holding `ms`. Weeks start on Monday 00:00 UTC
 * (as on Binance); every other timeframe is aligned to the epoch.
 */
export function bucketStart(ms: number, tf: Timeframe): number {
  const step = TIMEFRAMES[tf];
  if (tf === "1w") {
    const monday = 4 * 86_400_000; // 1970-01-05 was a Monday
    return Math.floor((ms - monday) / step) * step + monday;
  }
  return Math.floor(ms / step) * step;
}

/**
 * The open time of the last candle that has closed by `now`.
 *
 * @example
 * ```ts
 * lastClosedOpen(Date.parse("2026-01-01T10:30:00Z"), "1h"); // 09:00 that day
 * ```
 */
export function lastClosedOpen(now: number, tf: Timeframe): number {
  return bucketStart(now, tf) - TIMEFRAMES[tf];
}

/**
 * Resamples candles (oldest first) to a coarser timeframe with OHLCV
 * semantics: first open, max high, min low, last close, summed volume.
 * Only buckets that have closed by `until` (exclusive end, ms) are kept.
 *
 * @example
 * ```ts
 * const daily = resample(hourly, "1d", { until: Date.now() });
 * ```
 */
export function resample(
  candles: readonly Candle[],
  tf: Timeframe,
  options: { until?: number } = {},
): Candle[] {
  const until = options.until ?? Infinity;
  const out: Candle[] = [];
  let cur: Candle | undefined;
  for (const c of candles) {
    const b = bucketStart(c.ts, tf);
    if (!cur || cur.ts !== b) {
      if (cur) out.push(cur);
      cur = { ...c, ts: b };
    } else {
      cur.high = Math.max(cur.high, c.high);
      cur.low = Math.min(cur.low, c.low);
      cur.close = c.close;
      cur.volume += c.volume;
    }
  }
  if (cur) out.push(cur);
  return out.filter((c) => c.ts + TIMEFRAMES[tf] <= until);
}
