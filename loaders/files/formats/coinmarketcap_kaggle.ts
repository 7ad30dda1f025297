/**
 * Kaggle's "Cryptocurrency Historical Prices" (CoinMarketCap):
 * `SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap`. Note the order
 * High, Low, Open, Close. `Date` is an end-of-day label (`2021-07-06
 * 23:59:59`), so the candle opens at 00:00 UTC that day. Prices are in USD.
 *
 * A copy re-saved by Excel under a European locale (`29-04-13 23:59`,
 * `14.748.800.659.179.600`) cannot be recovered and is refused whole.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, lines } from "../_text.ts";
import { parseDateTime } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { FileFormatError } from "../errors.ts";

const HEADER = "SNo,Name,Symbol,Date,High,Low,Open,Close,Volume";

/** True when the first line is the Kaggle CoinMarketCap header. */
export function detect(text: string, _name: string): boolean {
  return headLines(text, 1)[0]?.startsWith(HEADER) ?? false;
}

/** Why a row shows the Excel-locale damage, or undefined. */
function excelDamage(f: string[]): string | undefined {
  const d = f[3]?.trim() ?? "";
  if (d.length >= 8 && d[2] === "-" && d[5] === "-") {
    return `date "${d}" is DD-MM-YY`;
  }
  for (let i = 4; i < f.length; i++) {
    const v = f[i];
    const a = v.indexOf(".");
    if (a >= 0 && v.indexOf(".", a + 1) >= 0) return `number "${v}" has several dots`;
  }
  return undefined;
}

/**
 * Reads a Kaggle file; exchange `coinmarketcap`, symbol `<Symbol>/USD`, 1d.
 * Throws FileFormatError on the Excel-damaged copy.
 *
 * @example
 * ```ts
 * parse(text, { path: "coin_Ethereum.csv", name: "coin_Ethereum.csv" }).symbol; // "ETH/USD"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const out = sink();
  let symbol: string | undefined;
  for (let i = 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "") continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    const damage = excelDamage(f);
    if (damage) {
      throw new FileFormatError(
        `Cannot ingest ${ctx.path} line ${i + 1}: ${damage}; the file was re-saved by ` +
          "Excel under a European locale (decimal points became thousands separators), " +
          "so its values cannot be recovered. Nothing was loaded; use the original export.",
      );
    }
    if (f.length < 9) {
      pushShort(out, 10, f.length, ref, line);
      continue;
    }
    symbol ??= f[2].trim().toUpperCase();
    const day = parseDateTime(f[3].trim().slice(0, 10));
    pushCandle(out, day, [f[6], f[4], f[5], f[7], f[8]], ref, line, f[3]);
  }
  return {
    ...out,
    symbol: symbol ? `${symbol}/USD` : undefined,
    timeframe: "1d",
    exchange: "coinmarketcap",
  };
}

/** The Kaggle CoinMarketCap family. */
export const coinmarketcapKaggle: FileFormat = { name: "coinmarketcap-kaggle", detect, parse };
