/**
 * A series: one market's candles at one timeframe on one exchange, the unit
 * that is ingested, trained, versioned, forecast and served.
 *
 * @module
 */
import type { Timeframe } from "./candles.ts";

/** One (exchange, symbol, timeframe); `symbol` is `BASE/QUOTE`. */
export interface Series {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

/** Anything that names a series, such as a warehouse row. */
export type SeriesLike = { exchange: string; symbol: string; timeframe: string };

/**
 * The series' key for maps and sets: `exchange|symbol|timeframe`.
 *
 * @example
 * ```ts
 * seriesKey({ exchange: "binance", symbol: "BTC/USDT", timeframe: "1h" }); // "binance|BTC/USDT|1h"
 * ```
 */
export function seriesKey(s: SeriesLike): string {
  return `${s.exchange}|${s.symbol}|${s.timeframe}`;
}

/**
 * The series as people read it in messages: `exchange symbol timeframe`.
 *
 * @example
 * ```ts
 * seriesLabel({ exchange: "binance", symbol: "BTC/USDT", timeframe: "1h" }); // "binance BTC/USDT 1h"
 * ```
 */
export function seriesLabel(s: SeriesLike): string {
  return `${s.exchange} ${s.symbol} ${s.timeframe}`;
}
