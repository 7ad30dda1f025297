/**
 * ccxt `fetch_ohlcv` / freqtrade data files: `[[ms, open, high, low, close,
 * volume], …]`, all numbers. Freqtrade names files `BASE_QUOTE-<tf>.json`,
 * which gives symbol and timeframe; the exchange is never in the file.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { firstInnerArray, jsonRef, openLines, parseJson } from "../_json.ts";
import { arrayRows } from "../_row.ts";
import { hintsFromName } from "../filename.ts";
import { FileFormatError } from "../errors.ts";

/** True when the first row is six numbers. */
export function detect(text: string, _name: string): boolean {
  const r = firstInnerArray(text);
  return !!r && r.length === 6 && r.every((x) => typeof x === "number");
}

/**
 * Reads a ccxt-shaped array.
 *
 * @example
 * ```ts
 * parse("[[1509836520000, 1, 2, 0.5, 1.5, 10]]", { path: "ETH_BTC-1m.json", name: "ETH_BTC-1m.json" }).symbol;
 * // "ETH/BTC"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const data = parseJson(text, ctx.path);
  if (!Array.isArray(data)) throw new FileFormatError(`Cannot ingest ${ctx.path}: not a list`);
  const at = openLines(text, 2);
  const out = arrayRows(
    data,
    (i) => jsonRef(ctx.path, at, i),
    "expected [time, open, high, low, close, volume]",
  );
  const hints = hintsFromName(ctx.name);
  return { ...out, symbol: hints.symbol, timeframe: hints.timeframe, exchange: hints.exchange };
}

/** The ccxt / freqtrade JSON family. */
export const ccxtJson: FileFormat = { name: "ccxt-json", detect, parse };
