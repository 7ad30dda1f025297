/**
 * Yahoo Finance history downloads: `Date,Open,High,Low,Close,Adj Close,Volume`,
 * one row per day, oldest first; missing days are written as `null`.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, lines } from "../_text.ts";
import { parseDateTime } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { hintsFromName } from "../filename.ts";

const HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";

/** True when the first line is Yahoo's header. */
export function detect(text: string, _name: string): boolean {
  return headLines(text, 1)[0]?.trim() === HEADER;
}

/**
 * Reads a Yahoo file; exchange is `yahoo`, the symbol comes from the name
 * (`BTC-USD.csv` → BTC/USD), the timeframe is 1d unless the spacing says else.
 *
 * @example
 * ```ts
 * parse(text, { path: "BTC-USD.csv", name: "BTC-USD.csv" }).symbol; // "BTC/USD"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const out = sink();
  for (let i = 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "") continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    if (f.length < 7) {
      pushShort(out, 7, f.length, ref, line);
      continue;
    }
    pushCandle(out, parseDateTime(f[0]), [f[1], f[2], f[3], f[4], f[6]], ref, line, f[0]);
  }
  const hints = hintsFromName(ctx.name);
  return { ...out, symbol: hints.symbol, timeframe: hints.timeframe, exchange: "yahoo" };
}

/** The Yahoo Finance family. */
export const yahoo: FileFormat = { name: "yahoo", detect, parse };
