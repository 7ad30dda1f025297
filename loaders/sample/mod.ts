/**
 * Ingests the embedded sample market (SYNTHETIC, exchange `sample`): two
 * years of hourly and daily candles ending at the last closed candle.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { lastClosedOpen, type Timeframe, TIMEFRAMES } from "../../core/candles.ts";
import { type IngestResult, ingestSeries } from "../store.ts";
import { generateSample, SAMPLE_EXCHANGE, SAMPLE_SYMBOLS } from "./generator.ts";

export { generateSample, SAMPLE_EXCHANGE, SAMPLE_SYMBOLS } from "./generator.ts";

/** Options for {@link ingestSample}. */
export interface IngestSampleOptions {
  /** The clock; default `Date.now()`. */
  now?: number;
  /** Days of history; default 730 (two years). */
  days?: number;
  symbols?: readonly string[];
  timeframes?: readonly Timeframe[];
}

/**
 * Generates and ingests the sample market. Idempotent: a second run on the
 * same day loads only the candles that closed since, the rest are duplicates.
 *
 * @example
 * ```ts
 * const r = await ingestSample(wh, { days: 90 });
 * ```
 */
export async function ingestSample(
  wh: Warehouse,
  options: IngestSampleOptions = {},
): Promise<IngestResult> {
  const now = options.now ?? Date.now();
  const timeframes = options.timeframes ?? ["1h", "1d"];
  const days = options.days ?? 730;
  // End at the last full hour; daily candles end at the last full day.
  const end = lastClosedOpen(now, "1h") + TIMEFRAMES["1h"];
  const start = lastClosedOpen(now, "1d") + TIMEFRAMES["1d"] - days * TIMEFRAMES["1d"];
  const series = generateSample({
    start,
    end,
    symbols: options.symbols ?? SAMPLE_SYMBOLS,
    timeframes,
  });
  return await ingestSeries(
    wh,
    "sample",
    series.map((s) => ({
      exchange: SAMPLE_EXCHANGE,
      symbol: s.symbol,
      timeframe: s.timeframe,
      rows: s.candles.map((c) => ({
        ...c,
        ref: `sample ${s.symbol} ${s.timeframe} ${new Date(c.ts).toISOString()}`,
      })),
    })),
    { now, params: { days, timeframes, symbols: options.symbols ?? SAMPLE_SYMBOLS } },
  );
}
