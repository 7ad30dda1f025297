/**
 * Kraken OHLCVT downloads: no header, 7 columns (`time, open, high, low,
 * close, volume, trades`), time in seconds, oldest first. Kraken writes no row
 * for an interval without trades, so gaps are normal.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, isPlainNumber, lines, num } from "../_text.ts";
import { epochToMs } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { hintsFromName } from "../filename.ts";

/** True when the first line is 7 numbers, the first an epoch in seconds. */
export function detect(text: string, _name: string): boolean {
  const [first] = headLines(text, 1);
  if (first === undefined) return false;
  const f = fields(first);
  return f.length === 7 && f.every((x) => isPlainNumber(x.trim())) && num(f[0]) > 1e8 &&
    num(f[0]) < 1e11;
}

/**
 * Reads a Kraken file; symbol and timeframe (in minutes) come from the name,
 * e.g. `XBTUSD_1440.csv` → BTC/USD 1d.
 *
 * @example
 * ```ts
 * parse(text, { path: "XBTUSD_60.csv", name: "XBTUSD_60.csv" }).timeframe; // "1h"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const out = sink();
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "") continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    if (f.length < 6) {
      pushShort(out, 7, f.length, ref, line);
      continue;
    }
    pushCandle(out, epochToMs(num(f[0])), [f[1], f[2], f[3], f[4], f[5]], ref, line, f[0]);
  }
  const hints = hintsFromName(ctx.name);
  return { ...out, symbol: hints.symbol, timeframe: hints.timeframe, exchange: "kraken" };
}

/** The Kraken OHLCVT family. */
export const krakenOhlcvt: FileFormat = { name: "kraken-ohlcvt", detect, parse };
