/**
 * Any CSV with a header that names a time column and the OHLCV columns, e.g.
 * Binance.US `open_time,open,high,low,close,volume` with ISO timestamps
 * (`2023-03-01 00:00:00+00:00`) or Token Metrics' `DATE,Open,…,Volume,…`.
 * Times may be ISO strings, dates or epoch numbers (unit per row). The file
 * names no exchange, so `--exchange` is required.
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { fields, headLines, lines, num } from "../_text.ts";
import { epochToMs, parseDateTime } from "../_time.ts";
import { pushCandle, pushShort, sink } from "../_row.ts";
import { withNameHints } from "../filename.ts";

const TIME_NAMES = ["open_time", "opentime", "timestamp", "time", "date", "datetime", "ts"];

interface Columns {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  sym: number;
}

function columns(line: string): Columns | undefined {
  const head = fields(line).map((x) => x.trim().toLowerCase());
  const t = head.findIndex((x) => TIME_NAMES.includes(x));
  const at = (n: string) => head.indexOf(n);
  const cols = {
    t,
    o: at("open"),
    h: at("high"),
    l: at("low"),
    c: at("close"),
    v: at("volume"),
    sym: Math.max(at("symbol"), at("pair")),
  };
  return [cols.t, cols.o, cols.h, cols.l, cols.c, cols.v].every((i) => i >= 0) ? cols : undefined;
}

/** True when the first line names a time column and open, high, low, close, volume. */
export function detect(text: string, _name: string): boolean {
  const [first] = headLines(text, 1);
  return first !== undefined && columns(first) !== undefined;
}

/**
 * Reads a named-column CSV.
 *
 * @example
 * ```ts
 * parse(text, { path: "BTCUSDT_1m_20230301.csv", name: "BTCUSDT_1m_20230301.csv" }).timeframe; // "1m"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const all = lines(text);
  const h = all.findIndex((l) => l.trim() !== "");
  const c = columns(all[h])!;
  const need = Math.max(c.t, c.o, c.h, c.l, c.c, c.v) + 1;
  const out = sink();
  let symbolRaw: string | undefined;
  for (let i = h + 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "") continue;
    const f = fields(line);
    const ref = `${ctx.path}:${i + 1}`;
    if (f.length < need) {
      pushShort(out, need, f.length, ref, line);
      continue;
    }
    if (c.sym >= 0) symbolRaw ??= f[c.sym].trim();
    const tRaw = f[c.t].trim();
    const asNumber = num(tRaw);
    const ts = Number.isFinite(asNumber) ? epochToMs(asNumber) : parseDateTime(tRaw);
    pushCandle(out, ts, [f[c.o], f[c.h], f[c.l], f[c.c], f[c.v]], ref, line, tRaw);
  }
  return withNameHints(out, ctx.name, symbolRaw);
}

/** The generic named-column CSV family (Binance.US ISO files and the like). */
export const namedCsv: FileFormat = { name: "named-csv", detect, parse };
