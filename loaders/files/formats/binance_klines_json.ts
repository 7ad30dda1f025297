/**
 * Raw Binance REST `/api/v3/klines` responses: `[[openTime, "open", "high",
 * "low", "close", "volume", closeTime, "quoteVol", trades, "takerBase",
 * "takerQuote", "0"], …]`. Prices are strings, times ms integers. The
 * response carries no symbol, so `--symbol` is required unless the name tells.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { firstInnerArray, jsonRef, openLines, parseJson } from "../_json.ts";
import { arrayRows } from "../_row.ts";
import { hintsFromName } from "../filename.ts";
import { timeframeFromCloseTime } from "../spacing.ts";
import { FileFormatError } from "../errors.ts";

/** True when the first row is a 12-element kline with a numeric open time and string prices. */
export function detect(text: string, _name: string): boolean {
  const r = firstInnerArray(text);
  return !!r && r.length === 12 && typeof r[0] === "number" && typeof r[6] === "number";
}

/**
 * Reads a klines response; exchange is binance.
 *
 * @example
 * ```ts
 * parse('[[1731748020000,"0.7","0.8","0.6","0.7","10",1731748079999,"7",3,"1","1","0"]]',
 *   { path: "klines.json", name: "klines.json" }).rows.length; // 1
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const data = parseJson(text, ctx.path);
  if (!Array.isArray(data)) throw new FileFormatError(`Cannot ingest ${ctx.path}: not a list`);
  const at = openLines(text, 2);
  const out = arrayRows(
    data,
    (i) => jsonRef(ctx.path, at, i),
    "expected a kline array of 12 values",
  );
  const hints = hintsFromName(ctx.name);
  const r0 = data[0];
  const fromClose = Array.isArray(r0) && typeof r0[0] === "number" && typeof r0[6] === "number"
    ? timeframeFromCloseTime(r0[0], r0[6])
    : undefined;
  return {
    ...out,
    symbol: hints.symbol,
    timeframe: hints.timeframe ?? fromClose,
    exchange: "binance",
  };
}

/** The Binance REST klines family. */
export const binanceKlinesJson: FileFormat = { name: "binance-klines-json", detect, parse };
