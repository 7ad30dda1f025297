/**
 * Candle files of every real-world format we have met, recognised from their
 * content: CryptoDataDownload exports (all vintages), data.binance.vision
 * dumps, Binance `/api/v3/klines` JSON, ccxt/freqtrade JSON arrays, JSON
 * objects, Kraken OHLCVT, Yahoo Finance, Kaggle CoinMarketCap and any CSV that
 * names its OHLCV columns. What a file tells (symbol, timeframe, exchange) is
 * inferred; what it does not is asked for through options, with an error that
 * names the option. Rows that cannot be read are never dropped: they become
 * rejects with `file:line` and the reason.
 *
 * @example
 * ```ts
 * const wh = await openWarehouse("data/warehouse.duckdb");
 * const r = await ingestFiles(wh, "downloads/Binance_*_1h.csv");
 * console.log(r.message, r.files);
 * ```
 *
 * @module
 */
import { basename, join } from "node:path";
import { type Timeframe, TIMEFRAMES } from "../../core/candles.ts";
import { type IngestResult, ingestStaged, type SeriesInput, type Stager } from "../store.ts";
import { appendRejects, appendSeries } from "../_stage.ts";
import { stageBinanceDump } from "./binance_dump_fast.ts";
import { hintsFromName } from "./filename.ts";
import { timeframeFromCloseTime } from "./spacing.ts";
import { fields, num } from "./_text.ts";
import type { Rejected } from "../validate.ts";
import type { Warehouse } from "../../warehouse/db.ts";
import type { FileFormat } from "./format.ts";
import { FileFormatError, MissingOptionError } from "./errors.ts";
import { headLines } from "./_text.ts";
import { inferTimeframe } from "./spacing.ts";
import { normalizeSymbol } from "./symbols.ts";
import { brokenLinkError, entryKind } from "./_links.ts";
import { readText } from "./_decode.ts";
import { cryptodatadownload } from "./formats/cryptodatadownload.ts";
import { coinmarketcapKaggle } from "./formats/coinmarketcap_kaggle.ts";
import { yahoo } from "./formats/yahoo.ts";
import { binanceVision } from "./formats/binance_vision.ts";
import { krakenOhlcvt } from "./formats/kraken_ohlcvt.ts";
import { namedCsv } from "./formats/named_csv.ts";
import { binanceKlinesJson } from "./formats/binance_klines_json.ts";
import { ccxtJson } from "./formats/ccxt_json.ts";
import { jsonObjects } from "./formats/json_objects.ts";

export { FileFormatError, MissingOptionError } from "./errors.ts";
export { normalizeSymbol } from "./symbols.ts";

/** What the caller knows that a file may not tell. Options win over the file. */
export interface FileIngestOptions {
  exchange?: string;
  /** `BASE/QUOTE` (also `BASE-QUOTE` or `BASEQUOTE` with a common quote). */
  symbol?: string;
  timeframe?: Timeframe;
  /** Candles not closed by then are rejected. Default `Date.now()`. */
  now?: number;
}

/** Every format family, most specific first; the first whose `detect` says yes reads the file. */
export const FORMATS: readonly FileFormat[] = [
  cryptodatadownload,
  coinmarketcapKaggle,
  yahoo,
  binanceVision,
  krakenOhlcvt,
  binanceKlinesJson,
  ccxtJson,
  jsonObjects,
  namedCsv,
];

/** One file read into series, with the rows that could not be read. */
export interface ReadFile {
  format: string;
  series: SeriesInput[];
  unparsed: Rejected[];
}

/**
 * Parses one file into series (no DB). Throws FileFormatError naming the file
 * (and line) when it is not a market file, MissingOptionError when it does not
 * tell its symbol, timeframe or exchange and the option is missing.
 *
 * @example
 * ```ts
 * const { format, series } = await readCandleFile("Binance_BTCUSDT_1h.csv");
 * // format "cryptodatadownload", series[0].symbol "BTC/USDT", timeframe "1h"
 * ```
 */
export async function readCandleFile(
  path: string,
  options: FileIngestOptions = {},
): Promise<ReadFile> {
  const text = await readText(path);
  return parseCandleText(text, path, options);
}

/** {@link readCandleFile} on text already read; `path` names it in refs and errors. */
export function parseCandleText(
  text: string,
  path: string,
  options: FileIngestOptions = {},
): ReadFile {
  const name = basename(path);
  const format = FORMATS.find((f) => f.detect(text, name));
  if (!format) {
    const first = headLines(text, 1)[0];
    throw new FileFormatError(
      first === undefined
        ? `Cannot ingest ${path}: the file is empty`
        : `Cannot ingest ${path} line 1: not a candle file in any known format ` +
          `(${FORMATS.map((f) => f.name).join(", ")}); it starts with ${
            JSON.stringify(first.slice(0, 80))
          }`,
    );
  }
  const parsed = format.parse(text, { path, name });
  const read = parsed.rows.length + parsed.unparsed.length;
  if (read === 0) throw new FileFormatError(`Cannot ingest ${path}: no data rows`);
  if (parsed.unparsed.length > parsed.rows.length) {
    const u = parsed.unparsed[0];
    throw new FileFormatError(
      `Cannot ingest ${path}: ${parsed.unparsed.length} of ${read} rows cannot be read as ` +
        `${format.name} candles; first at ${u.ref}: ${u.reason}`,
    );
  }
  const symbol = options.symbol !== undefined ? symbolOption(options.symbol) : parsed.symbol;
  if (!symbol) {
    throw new MissingOptionError(
      "--symbol",
      `${path} (${format.name}) does not tell its symbol: pass --symbol BASE/QUOTE`,
    );
  }
  const exchange = options.exchange?.toLowerCase() ?? parsed.exchange;
  if (!exchange) {
    throw new MissingOptionError(
      "--exchange",
      `${path} (${format.name}) does not tell its exchange: pass --exchange <id>`,
    );
  }
  const timeframe = options.timeframe ?? parsed.timeframe ??
    inferTimeframe(parsed.rows.map((r) => r.ts));
  if (!timeframe) {
    throw new MissingOptionError(
      "--timeframe",
      `${path} (${format.name}) does not tell its timeframe and its spacing matches none: ` +
        `pass --timeframe ${Object.keys(TIMEFRAMES).join("|")}`,
    );
  }
  const unparsed = [...parsed.unparsed];
  let rows = parsed.rows;
  if (parsed.asOf !== undefined && Number.isFinite(parsed.asOf)) {
    // The file says when it was written: a candle open then was still in progress.
    const step = TIMEFRAMES[timeframe], asOf = parsed.asOf;
    const open = rows.filter((r) => r.ts + step > asOf);
    rows = rows.filter((r) => r.ts + step <= asOf);
    for (const { ref, ...c } of open) {
      unparsed.push({
        ref,
        reason: `candle ${new Date(c.ts).toISOString()} had not closed when the file was ` +
          `written (${new Date(asOf).toISOString()})`,
        raw: JSON.stringify(c),
      });
    }
  }
  return { format: format.name, series: [{ exchange, symbol, timeframe, rows }], unparsed };
}

function symbolOption(s: string): string {
  const n = normalizeSymbol(s);
  if (!n) throw new RangeError(`--symbol ${JSON.stringify(s)} is not BASE/QUOTE`);
  return n;
}

const DATA_EXTENSIONS = [".csv", ".json"];

/**
 * Expands a path that is a file, a folder (its `.csv` and `.json` files,
 * sorted; not recursive) or a glob (`*`, `?` in any segment) into files.
 * A path that exists is taken as it is, even when its name holds `*` or `?`.
 * Symbolic links are followed (a file reached twice is read once); one that
 * loops or points at nothing is a `Deno.errors.NotFound` naming it, as is a
 * pattern that matches nothing.
 *
 * @example
 * ```ts
 * await expandPaths("data/BTCUSDT-1h-2023-0?.csv"); // the five monthly files, sorted
 * ```
 */
export async function expandPaths(pattern: string): Promise<string[]> {
  const exact = await Deno.stat(pattern).catch((err) => err as Error);
  if (!/[*?]/.test(pattern) || !(exact instanceof Error)) {
    if (exact instanceof Error) {
      throw await brokenLinkError(pattern, exact) ??
        new Deno.errors.NotFound(`No such file or folder: ${pattern}`);
    }
    if (!exact.isDirectory) return [pattern];
    const out: string[] = [];
    for await (const e of Deno.readDir(pattern)) {
      const lower = e.name.toLowerCase();
      if (e.name.startsWith(".") || !DATA_EXTENSIONS.some((x) => lower.endsWith(x))) continue;
      if (await entryKind(pattern, e) === "file") out.push(join(pattern, e.name));
    }
    if (out.length === 0) throw new Deno.errors.NotFound(`No .csv or .json file in ${pattern}`);
    return await distinctFiles(out.sort());
  }
  const parts = pattern.split("/");
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, firstWild).join("/") || (pattern.startsWith("/") ? "/" : ".");
  let dirs = [base];
  for (let i = firstWild; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const re = segmentRegExp(parts[i]);
    const next: string[] = [];
    for (const d of dirs) {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(d));
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!re.test(e.name) || await entryKind(d, e) !== (last ? "file" : "folder")) continue;
        next.push(parts.slice(0, firstWild).length === 0 && d === "." ? e.name : join(d, e.name));
      }
    }
    dirs = next;
  }
  if (dirs.length === 0) throw new Deno.errors.NotFound(`No file matches ${pattern}`);
  return await distinctFiles(dirs.sort());
}

/** Drops a file reached a second time through a symbolic link (the first path is kept). */
async function distinctFiles(paths: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    const real = await Deno.realPath(p);
    if (!seen.has(real)) out.push(p);
    seen.add(real);
  }
  return out;
}

function segmentRegExp(seg: string): RegExp {
  const body = seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll(
    "?",
    "[^/]",
  );
  return new RegExp(`^${body}$`);
}

/** The outcome of {@link ingestFiles}: the run's accounting and what each file was. */
export type FileIngestResult = IngestResult & {
  files: { path: string; format: string; rows: number }[];
};

/**
 * Reads every file the pattern names and ingests them in ONE run (atomic:
 * all or nothing). A file that is not a market file, or lacks a needed
 * option, stops the run before the warehouse is touched. Unreadable rows are
 * rejects too, so rows_read = rows_loaded + rows_rejected + rows_duplicate.
 *
 * @example
 * ```ts
 * const r = await ingestFiles(wh, "klines.json", { symbol: "ADA/USDT" });
 * ```
 */
export async function ingestFiles(
  wh: Warehouse,
  pattern: string,
  options: FileIngestOptions = {},
): Promise<FileIngestResult> {
  const paths = await expandPaths(pattern);
  const files: FileIngestResult["files"] = [];
  const stagers: Stager[] = [];
  const exchanges = new Set<string>();
  let known = 0;
  // Read (or, for big dumps, inspect) every file before the warehouse is touched;
  // stage them in sorted order so that, for the same candle, a later file wins.
  for (const path of paths) {
    const dump = await bigBinanceDump(path, options);
    if (dump) {
      const entry = { path, format: binanceVision.name, rows: 0 };
      files.push(entry);
      exchanges.add(dump.exchange);
      stagers.push(async (ord) => {
        const s = await stageBinanceDump(wh, path, ord, dump);
        entry.rows = s.rows;
        return s.next;
      });
      continue;
    }
    const r = await readCandleFile(path, options);
    const n = r.series.reduce((k, s) => k + s.rows.length, r.unparsed.length);
    known += n;
    for (const s of r.series) exchanges.add(s.exchange);
    files.push({ path, format: r.format, rows: n });
    stagers.push(async (ord) => {
      const next = await appendSeries(wh, r.series, ord);
      await appendRejects(wh, r.unparsed);
      return next;
    });
  }
  const result = await ingestStaged(wh, "file", stagers, {
    now: options.now ?? Date.now(),
    exchanges: [...exchanges],
    rowsRead: known,
    params: {
      pattern,
      files: files.map((f) => f.path),
      exchange: options.exchange,
      symbol: options.symbol,
      timeframe: options.timeframe,
    },
  });
  return { ...result, files };
}

/** Files above this size that are Binance dumps are read by DuckDB, not parsed in JS. */
export const FAST_DUMP_BYTES = 1 << 20;

/** For a Binance dump bigger than {@link FAST_DUMP_BYTES}: its market; otherwise undefined. */
async function bigBinanceDump(
  path: string,
  options: FileIngestOptions,
): Promise<{ exchange: string; symbol: string; timeframe: Timeframe } | undefined> {
  if ((await Deno.stat(path)).size <= FAST_DUMP_BYTES) return undefined;
  const f = await Deno.open(path);
  let head: string;
  try {
    const buf = new Uint8Array(8192);
    const n = (await f.read(buf)) ?? 0;
    head = new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    f.close();
  }
  const name = basename(path);
  if (FORMATS.find((fmt) => fmt.detect(head, name)) !== binanceVision) return undefined;
  const hints = hintsFromName(name);
  const symbol = options.symbol !== undefined ? symbolOption(options.symbol) : hints.symbol;
  if (!symbol) {
    throw new MissingOptionError(
      "--symbol",
      `${path} (${binanceVision.name}) does not tell its symbol: pass --symbol BASE/QUOTE`,
    );
  }
  const first = fields(headLines(head, 2).find((l) => !l.startsWith("open_time")) ?? "");
  const timeframe = options.timeframe ?? hints.timeframe ??
    timeframeFromCloseTime(num(first[0]), num(first[6]));
  if (!timeframe) {
    throw new MissingOptionError(
      "--timeframe",
      `${path} (${binanceVision.name}) does not tell its timeframe: ` +
        `pass --timeframe ${Object.keys(TIMEFRAMES).join("|")}`,
    );
  }
  return { exchange: options.exchange?.toLowerCase() ?? "binance", symbol, timeframe };
}
