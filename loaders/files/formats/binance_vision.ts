/**
 * data.binance.vision spot kline dumps: 12 columns (`open_time, open, high,
 * low, close, volume, close_time, quote_volume, count, taker_buy_volume,
 * taker_buy_quote_volume, ignore`), with or without a header line. Times are
 * ms up to 2024-12 and µs from 2025-01; the unit is read per row.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, isPlainNumber, lines, num } from "../_text.ts";
import { epochToMs } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { hintsFromName } from "../filename.ts";
import { timeframeFromCloseTime } from "../spacing.ts";

const HEADER = "open_time,open,high,low,close,volume,close_time";

function isRow(f: string[]): boolean {
  return f.length === 12 && isPlainNumber(f[0]) && isPlainNumber(f[6]) && num(f[6]) > num(f[0]);
}

/** True for a 12-column kline dump (first line a kline or the `open_time,…` header). */
export function detect(text: string, _name: string): boolean {
  const [first, second] = headLines(text, 2);
  if (first === undefined) return false;
  if (first.startsWith(HEADER)) return fields(first).length === 12 && !!second;
  return isRow(fields(first));
}

/**
 * Reads a dump; exchange is binance, symbol and timeframe come from the name
 * (`BTCUSDT-1h-2023-01.csv`).
 *
 * @example
 * ```ts
 * parse(text, { path: "BTCUSDT-1h-2025-01.csv", name: "BTCUSDT-1h-2025-01.csv" }).rows[0].ts;
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const out = sink();
  let fromClose: ReturnType<typeof timeframeFromCloseTime>;
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "" || (i === 0 && line.startsWith("open_time"))) continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    if (f.length < 6) {
      pushShort(out, 12, f.length, ref, line);
      continue;
    }
    fromClose ??= timeframeFromCloseTime(num(f[0]), num(f[6]));
    pushCandle(out, epochToMs(num(f[0])), [f[1], f[2], f[3], f[4], f[5]], ref, line, f[0]);
  }
  const hints = hintsFromName(ctx.name);
  return {
    ...out,
    symbol: hints.symbol,
    timeframe: hints.timeframe ?? fromClose,
    exchange: "binance",
  };
}

/** The Binance public-data family. */
export const binanceVision: FileFormat = { name: "binance-vision", detect, parse };
