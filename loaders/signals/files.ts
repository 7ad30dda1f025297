/**
 * Signal files, recognised from their header (the first line naming a time
 * column: `ts`, `date`, `timestamp`, `time`, `datetime` or `day`; lines before
 * it, such as the JSON fragments of a broken export, are skipped):
 *
 * - **long** — `ts,symbol,name,value[,available_at]`, one value per line, for
 *   any signal a user has. `symbol` may be empty (market-wide) or absent (then
 *   `--symbol`, else market-wide); `available_at`, when given, is the time the
 *   value was published and is kept as is.
 * - **Fear & Greed** — a value column named `fng_value`, `fear_greed_score`,
 *   `fear_greed_index`, `fear_greed` or `fng`, or `value` beside a
 *   classification column (the CSVs people save from alternative.me). Stored
 *   market-wide under the name `value`, like the live pull.
 * - **Token Metrics** — columns such as `TM_TRADER_GRADE`, `TA_GRADE`,
 *   `QUANT_GRADE`, `TRADING_SIGNAL` beside `DATE`: every grade column, and the
 *   signal, trend and returns fields, are kept under their lower-case names;
 *   price and volume columns are candles (load them with `ingest --file`) and
 *   are left out. Per asset: the symbol comes from `--symbol`, else from a
 *   `TOKEN_SYMBOL` column (stored as `TOKEN/USD`).
 * - **wide** — any other table with a time column: every other column is a
 *   signal named after it, market-wide unless `--symbol` is given.
 * - **JSON** — an alternative.me answer (`{ data: [{ value, timestamp }] }`) or
 *   a Token Metrics answer (`{ data: [rows] }` or a list of rows).
 *
 * Times: unix numbers (s, ms or µs) or date strings. Fear & Greed and Token
 * Metrics values are daily: stored on their UTC day (a `05:30` stamp is that
 * day's value) and known at the end of it. In long and wide files, when every
 * time is 00:00 UTC the file is daily and treated the same way; otherwise each
 * value is taken as observed at its time. CRLF, newest-first order, empty cells
 * (no value) and a stray trailer (rejected with its line) are all fine.
 *
 * @module
 */
import type { Rejected } from "../validate.ts";
import { fields, lines } from "../files/_text.ts";
import { epochToMs, parseDateTime } from "../files/_time.ts";
import { FileFormatError, MissingOptionError } from "../files/errors.ts";
import { readText } from "../files/_decode.ts";
import { normalizeSymbol } from "../files/symbols.ts";
import { firstChar } from "../files/_json.ts";
import { dailyAvailableAt, DAY_MS, dayOf } from "./available.ts";
import { NAME_RE, type SignalRow } from "./store.ts";
import { TOKEN_METRICS_NAMES } from "./token_metrics.ts";
import { parseJsonBody, TM_MARKERS } from "./_json_file.ts";

/** What kind of signal file a text is. */
export type SignalFileKind =
  | "long"
  | "fear-greed"
  | "token-metrics"
  | "wide"
  | "fear-greed-json"
  | "token-metrics-json";

/** Options for {@link parseSignalText}. */
export interface SignalFileOptions {
  /** The source name rows are stored under (`--source`). */
  source: string;
  /** `BASE/QUOTE` for per-asset values the file does not name (`--symbol`). */
  symbol?: string;
}

/** A parsed signal file. */
export interface ParsedSignalFile {
  path: string;
  kind: SignalFileKind;
  rows: SignalRow[];
  rejects: Rejected[];
  /** Lines skipped before the header. */
  skipped: number;
  /** Columns left out (prices, volumes). */
  ignored: string[];
}

const TIME_COLUMNS = ["date", "day", "ts", "timestamp", "time", "datetime"];
const FG_VALUE_COLUMNS = ["fng_value", "fear_greed_score", "fear_greed_index", "fear_greed", "fng"];
const FG_CLASS_COLUMNS = ["classification", "value_classification", "fng_classification"];
/** Columns that describe the row rather than carry a signal value. */
const LABEL_COLUMNS = new Set([
  "symbol",
  "token_symbol",
  "token_name",
  "token_id",
  "tm_link",
  "available_at",
  ...FG_CLASS_COLUMNS,
  "time_until_update",
]);

/** Reads a signal file from disk; see {@link parseSignalText}. */
export async function readSignalFile(
  path: string,
  options: SignalFileOptions,
): Promise<ParsedSignalFile> {
  return parseSignalText(await readText(path), path, options);
}

/**
 * Parses the text of a signal file into signal values and rejected rows.
 *
 * @throws FileFormatError when no kind matches; MissingOptionError when a
 *   per-asset file names no symbol and `--symbol` was not given.
 *
 * @example
 * ```ts
 * const f = parseSignalText("ts,symbol,name,value\n2025-01-02,BTC/USDT,my_score,0.4\n", "s.csv",
 *   { source: "mine" });
 * f.rows[0]; // { source: "mine", symbol: "BTC/USDT", name: "my_score", ts: 2025-01-02, … }
 * ```
 */
export function parseSignalText(
  text: string,
  path: string,
  options: SignalFileOptions,
): ParsedSignalFile {
  const c = firstChar(text);
  if (c === "{" || c === "[") {
    let body: unknown;
    try {
      body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      body = undefined; // e.g. a CSV that starts with JSON fragments
    }
    if (body !== undefined) return parseJsonBody(body, text, path, options);
  }
  return parseTable(text, path, options);
}

function parseTable(text: string, path: string, options: SignalFileOptions): ParsedSignalFile {
  const all = lines(text);
  let h = -1;
  for (let i = 0; i < Math.min(all.length, 50); i++) {
    const cols = header(all[i]);
    if (cols.length >= 2 && cols.some((c) => TIME_COLUMNS.includes(c))) {
      h = i;
      break;
    }
  }
  if (h < 0) {
    throw new FileFormatError(
      `Cannot read ${path} as signals: no header line naming a time column (${
        TIME_COLUMNS.join(", ")
      }) in its first 50 lines`,
    );
  }
  const cols = header(all[h]);
  const original = fields(all[h]).map((c) => c.trim().replace(/^"|"$/g, ""));
  const has = (c: string) => cols.includes(c);
  const timeCol = TIME_COLUMNS.map((c) => cols.indexOf(c)).find((i) => i >= 0)!;
  const skipped = all.slice(0, h).filter((l) => l.trim() !== "").length;
  const out: ParsedSignalFile = { path, kind: "wide", rows: [], rejects: [], skipped, ignored: [] };
  const fgValue = FG_VALUE_COLUMNS.find(has) ??
    (has("value") && FG_CLASS_COLUMNS.some(has) ? "value" : undefined);
  const isLong = has("name") && has("value");
  let valueCols: { i: number; name: string }[];
  let daily: boolean;
  let symbolOf: (cells: string[]) => string | null;
  if (isLong) {
    out.kind = "long";
    valueCols = [{ i: cols.indexOf("value"), name: "" }];
    const si = cols.indexOf("symbol");
    const fallback = options.symbol ?? null;
    symbolOf = si >= 0
      ? (cells) => (cells[si]?.trim() ? cleanSymbol(cells[si]) : null)
      : () => fallback;
    daily = allMidnight(all, h, timeCol);
  } else if (fgValue) {
    out.kind = "fear-greed";
    valueCols = [{ i: cols.indexOf(fgValue), name: "value" }];
    symbolOf = () => null;
    daily = true;
  } else {
    const tm = TM_MARKERS.some(has);
    out.kind = tm ? "token-metrics" : "wide";
    valueCols = [];
    cols.forEach((c, i) => {
      if (i === timeCol || LABEL_COLUMNS.has(c)) return;
      const keep = !tm || c.includes("grade") ||
        (TOKEN_METRICS_NAMES as readonly string[]).includes(c);
      if (keep) valueCols.push({ i, name: signalName(c) });
      else out.ignored.push(original[i]);
    });
    if (valueCols.length === 0) {
      throw new FileFormatError(`Cannot read ${path} as signals: no value column beside the time`);
    }
    const ti = cols.indexOf("token_symbol");
    if (tm) {
      if (!options.symbol && ti < 0) {
        throw new MissingOptionError(
          "--symbol",
          `${path} holds Token Metrics values for one asset but does not name it: pass --symbol BASE/QUOTE`,
        );
      }
      const fixed = options.symbol ?? null;
      symbolOf = fixed ? () => fixed : (cells) => {
        const t = cells[ti]?.trim().toUpperCase();
        return t ? `${t}/USD` : null;
      };
      daily = true;
    } else {
      symbolOf = () => options.symbol ?? null;
      daily = allMidnight(all, h, timeCol);
    }
  }
  const ai = isLong ? cols.indexOf("available_at") : -1;
  const ni = isLong ? cols.indexOf("name") : -1;
  for (let i = h + 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === "") continue;
    const ref = `${path}:${i + 1}`;
    const cells = fields(line);
    const rawObj: Record<string, string> = {};
    original.forEach((c, j) => rawObj[c] = cells[j] ?? "");
    const raw = JSON.stringify(rawObj);
    if (cells.length < cols.length) {
      out.rejects.push({
        ref,
        reason: `line has ${cells.length} fields, the header ${cols.length}: not a data row`,
        raw: line,
      });
      continue;
    }
    const t = timeOf(cells[timeCol]);
    if (!Number.isFinite(t)) {
      out.rejects.push({
        ref,
        reason: `${original[timeCol]} "${cells[timeCol].trim()}" is not a date or time`,
        raw,
      });
      continue;
    }
    const ts = daily ? dayOf(t) : t;
    let available = daily ? dailyAvailableAt(ts) : ts;
    if (ai >= 0 && cells[ai]?.trim()) {
      const a = timeOf(cells[ai]);
      if (!Number.isFinite(a)) {
        out.rejects.push({ ref, reason: `available_at "${cells[ai].trim()}" is not a time`, raw });
        continue;
      }
      available = a;
    }
    let symbol: string | null;
    try {
      symbol = symbolOf(cells);
    } catch (err) {
      out.rejects.push({ ref, reason: (err as Error).message, raw });
      continue;
    }
    for (const v of valueCols) {
      const cell = (cells[v.i] ?? "").trim();
      if (cell === "") continue; // an empty cell holds no value
      const name = isLong ? signalName(cells[ni] ?? "") : v.name;
      const value = Number(cell);
      const where = valueCols.length > 1 ? `${ref} ${original[v.i]}` : ref;
      if (!Number.isFinite(value)) {
        out.rejects.push({ ref: where, reason: `${original[v.i]} "${cell}" is not a number`, raw });
        continue;
      }
      if (out.kind === "fear-greed" && (value < 0 || value > 100)) {
        out.rejects.push({
          ref: where,
          reason: `Fear & Greed value ${value} is outside 0–100`,
          raw,
        });
        continue;
      }
      if (
        (name === "trading_signal" || name === "token_trend") && ![-1, 0, 1].includes(value)
      ) {
        out.rejects.push({ ref: where, reason: `${name} is ${value}, not -1, 0 or 1`, raw });
        continue;
      }
      out.rows.push({
        source: options.source,
        symbol,
        ts,
        name,
        value,
        available_at: available,
        raw,
        ref: where,
      });
    }
  }
  return out;
}

function header(line: string): string[] {
  return fields(line).map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase());
}

function timeOf(cell: string | undefined): number {
  const s = (cell ?? "").trim();
  if (s === "") return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  return parseDateTime(s);
}

function allMidnight(all: string[], h: number, timeCol: number): boolean {
  let seen = 0;
  for (let i = h + 1; i < all.length; i++) {
    if (all[i].trim() === "") continue;
    const t = timeOf(fields(all[i])[timeCol]);
    if (!Number.isFinite(t)) continue;
    seen++;
    if (t % DAY_MS !== 0) return false;
  }
  return seen > 0;
}

/** A column or long-format name as a stored signal name: lower case, `_` for other characters. */
export function signalName(raw: string): string {
  return raw.trim().toLowerCase().replace(/[^a-z0-9_.:-]+/g, "_").replace(/^_+|_+$/g, "");
}

function cleanSymbol(raw: string): string {
  const s = raw.trim();
  if (/^[A-Za-z0-9]+$/.test(s) && !normalizeSymbol(s)) return s.toUpperCase(); // a bare asset: BTC
  const n = normalizeSymbol(s);
  if (!n) throw new Error(`symbol "${s}" is not BASE/QUOTE`);
  return n;
}

/** Source names users may give: lower case, not the reserved `sample…`. */
export function checkSourceName(name: string): string {
  const s = name.trim().toLowerCase();
  if (!NAME_RE.test(s)) {
    throw new RangeError(
      `--source "${name}" must be a name of letters, digits, '.', '_', ':' or '-' (e.g. my-signal)`,
    );
  }
  if (s.startsWith("sample")) {
    throw new RangeError(
      `--source "${name}": names starting with "sample" are reserved for the synthetic sample`,
    );
  }
  return s;
}
