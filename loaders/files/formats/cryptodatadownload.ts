/**
 * CryptoDataDownload CSV exports, every vintage seen in the wild:
 * - current: URL banner, `Unix,Date,Symbol,…,Volume <BASE>,Volume USDT,tradecount`, ms;
 * - re-saved by Excel: banner with trailing commas, CRLF, `Unix` in scientific
 *   notation (precision lost, so `Date` in `M/D/YYYY` is used instead);
 * - 2020: `Timestamps are UTC timezone,…` banner, `Unix Timestamp`, float seconds;
 * - 2021 splices: lower-case header, ms and float-second rows mixed.
 * Rows run newest first. The unit of `Unix` is read per row.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, lines } from "../_text.ts";
import { epochToMs, parseDateTime } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { withNameHints } from "../filename.ts";
import { normalizeSymbol } from "../symbols.ts";

function isHeader(line: string): boolean {
  const f = fields(line).map((x) => x.trim().toLowerCase());
  return (f[0] === "unix" || f[0] === "unix timestamp") && f[1] === "date" &&
    f.includes("open") && f.includes("close") && f.some((x) => x.startsWith("volume"));
}

/** True for a CDD export: its `Unix,Date,…` header within the first three lines. */
export function detect(text: string, _name: string): boolean {
  return headLines(text, 3).some(isHeader);
}

/**
 * Reads a CDD export; `Unix` wins over `Date` unless it is missing or in
 * scientific notation.
 *
 * @example
 * ```ts
 * const { rows, symbol } = parse(text, { path: "Binance_BTCUSDT_d.csv", name: "Binance_BTCUSDT_d.csv" });
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const h = all.findIndex(isHeader);
  const head = fields(all[h]).map((x) => x.trim().toLowerCase());
  const col = (n: string) => head.indexOf(n);
  const iUnix = 0, iDate = 1, iSym = col("symbol");
  const iO = col("open"), iH = col("high"), iL = col("low"), iC = col("close");
  const out = sink();
  let symbolRaw: string | undefined;
  // `Volume <BASE>`: the base volume, matched by prefix once the symbol is known.
  let iV = -1;
  const need = Math.max(iO, iH, iL, iC) + 1;
  for (let i = h + 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "" || /^,*$/.test(line)) continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    if (f.length < need) {
      pushShort(out, head.length, f.length, ref, line);
      continue;
    }
    if (symbolRaw === undefined && iSym >= 0) {
      symbolRaw = f[iSym].trim();
      iV = volumeColumn(head, normalizeSymbol(symbolRaw)?.split("/")[0]);
    } else if (iV < 0) iV = volumeColumn(head, undefined);
    const u = f[iUnix].trim();
    let ts = NaN;
    if (u !== "" && u.indexOf("E") < 0 && u.indexOf("e") < 0) ts = epochToMs(Number(u));
    if (!Number.isFinite(ts)) ts = parseDateTime(f[iDate]);
    pushCandle(out, ts, [f[iO], f[iH], f[iL], f[iC], f[iV]], ref, line, `${u} / ${f[iDate]}`);
  }
  return withNameHints(out, ctx.name, symbolRaw);
}

function volumeColumn(head: string[], base: string | undefined): number {
  if (base) {
    const i = head.indexOf(`volume ${base.toLowerCase()}`);
    if (i >= 0) return i;
  }
  return head.findIndex((x) => x.startsWith("volume"));
}

/** The CryptoDataDownload family. */
export const cryptodatadownload: FileFormat = { name: "cryptodatadownload", detect, parse };
