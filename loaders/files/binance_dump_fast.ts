/**
 * The fast path for big data.binance.vision dumps: DuckDB reads the CSV
 * straight into the staging table, typed and in parallel (no JS array of
 * rows, so memory stays flat as files grow), times in ms or µs are converted
 * per row in SQL, and the shared SQL validation of `ingestStaged` applies.
 * Lines whose fields are not numbers become rejects with `file:line`, as on
 * the JS path.
 *
 * Line numbers count from the header. DuckDB skips blank lines: the line of
 * an unreadable row is exact, but a blank line inside a dump would shift the
 * line numbers of rule rejects after it (dumps have none).
 *
 * @module
 */
import type { Timeframe } from "../../core/candles.ts";
import { type IngestResult, ingestStaged } from "../store.ts";
import { seriesId, stagedRows } from "../_stage.ts";
import { literalPath, type Warehouse } from "../../warehouse/db.ts";
import { FileFormatError } from "./errors.ts";
import { headLines } from "./_text.ts";

/** What the caller of {@link ingestBinanceDump} tells about the dump. */
export interface DumpOptions {
  /** Default `binance`. */
  exchange?: string;
  /** `BASE/QUOTE`. */
  symbol: string;
  timeframe: Timeframe;
  /** Candles not closed by then are rejected. */
  now: number;
}

// Only the first six of the twelve columns are read; the rest of a line is ignored.
const COLUMNS = `{${
  ["open_time", "open", "high", "low", "close", "volume"].map((n) => `'${n}': 'DOUBLE'`).join(", ")
}}`;

/**
 * Ingests one Binance kline dump as one accounted run.
 *
 * @example
 * ```ts
 * const r = await ingestBinanceDump(wh, "BTCUSDT-1m-2025-01.csv", {
 *   symbol: "BTC/USDT", timeframe: "1m", now: Date.now(),
 * });
 * ```
 */
export async function ingestBinanceDump(
  wh: Warehouse,
  path: string,
  options: DumpOptions,
): Promise<IngestResult> {
  const exchange = options.exchange ?? "binance";
  return await ingestStaged(
    wh,
    "file",
    [async (ord) => (await stageBinanceDump(wh, path, ord, { ...options, exchange })).next],
    { now: options.now, exchanges: [exchange], params: { files: [path], fast: true } },
  );
}

/** True when the dump's first non-blank line is the `open_time,…` header. */
export async function dumpHasHeader(path: string): Promise<boolean> {
  const f = await Deno.open(path);
  try {
    const buf = new Uint8Array(8192);
    const n = (await f.read(buf)) ?? 0;
    const head = headLines(new TextDecoder().decode(buf.subarray(0, n)), 1)[0] ?? "";
    return head.startsWith("open_time");
  } finally {
    f.close();
  }
}

/**
 * Stages one dump into `_stage` (rows numbered from `ordBase`, which must be
 * the number of rows staged so far) and its unreadable lines into
 * `_stage_rejects`. Returns the next free `ord` and how many data lines the
 * file had.
 *
 * DuckDB reads the six typed columns in parallel, in file order; a line whose
 * fields are not numbers (an empty field included) or that is too short is
 * kept by DuckDB's `store_rejects` with its line number and text, and
 * becomes a reject here.
 */
export async function stageBinanceDump(
  wh: Warehouse,
  path: string,
  ordBase: number,
  options: { exchange: string; symbol: string; timeframe: Timeframe },
): Promise<{ next: number; rows: number }> {
  const header = await dumpHasHeader(path);
  const line0 = header ? 2 : 1; // the line of the first data row
  const sid = await seriesId(wh, options.exchange, options.symbol, options.timeframe);
  for (const t of ["_csv_errors", "_csv_scans"]) await wh.run(`DROP TABLE IF EXISTS ${t}`);
  // The path is bound, with its glob characters escaped (DuckDB globs every
  // path it reads); the options are our own constants. An empty field is
  // not NULL here (no field equals the \x01 null string), so it fails as a
  // number. 4 MB read buffers (not 32 MB) keep the reader small.
  await wh.run(
    `INSERT INTO _stage
     SELECT $sid,
            CASE WHEN abs(open_time) < 1e11 THEN round(open_time * 1000)
                 WHEN abs(open_time) < 1e14 THEN round(open_time)
                 ELSE round(open_time / 1000) END,
            open, high, low, close, volume
     FROM read_csv($path, columns = ${COLUMNS}, header = ${header}, auto_detect = false,
                   strict_mode = false, delim = ',', quote = '"', escape = '"', nullstr = '\\x01',
                   buffer_size = ${1 << 22}, store_rejects = true,
                   rejects_table = '_csv_errors', rejects_scan = '_csv_scans')`,
    { path: literalPath(path), sid },
  );
  const staged = await stagedRows(wh) - ordBase;
  const errors = await wh.one<{ n: number }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '_csv_errors' AND temporary",
  );
  await wh.run(
    'CREATE OR REPLACE TEMP TABLE _csv_lines (line BIGINT, e STRUCT(type VARCHAR, "column" VARCHAR, message VARCHAR, text VARCHAR))',
  );
  if (Number(errors?.n) > 0) {
    // One reject per unreadable line, for its first bad field.
    await wh.run(`INSERT INTO _csv_lines
      SELECT line, arg_min({'type': error_type::VARCHAR, 'column': column_name, 'message': error_message,
                            'text': csv_line}, column_idx)
      FROM _csv_errors WHERE scan_id = (SELECT max(scan_id) FROM _csv_errors) GROUP BY line`);
  }
  const unread = Number((await wh.one<{ n: number }>("SELECT count(*) AS n FROM _csv_lines"))?.n);
  if (unread > 0) {
    await wh.run(
      `INSERT INTO _stage_rejects
       SELECT $path || ':' || line,
              CASE WHEN e.type = 'CAST'
                     THEN CASE e.column WHEN 'open_time' THEN 'time ' ELSE e.column || ' ' END
                       || to_json(regexp_extract(e.message, 'Could not convert string "(.*)" to ''', 1))
                       || CASE e.column WHEN 'open_time' THEN ' is not a time' ELSE ' is not a number' END
                   ELSE 'cannot read the line: ' || e.message END,
              e.text
       FROM _csv_lines ORDER BY line`,
      { path },
    );
  }
  const rows = staged + unread;
  if (rows === 0) throw new FileFormatError(`Cannot ingest ${path}: no data rows`);
  if (unread > staged) {
    throw new FileFormatError(
      `Cannot ingest ${path}: ${unread} of ${rows} rows cannot be read as binance-vision candles`,
    );
  }
  await wh.run(
    `INSERT INTO _stage_sources
     SELECT $ord, $last, $path, $line0, (SELECT count(*) FROM _stage_gaps)`,
    { ord: ordBase, last: ordBase + staged - 1, path, line0 },
  );
  await wh.run(
    `INSERT INTO _stage_gaps
     SELECT $ord + line - $line0 - (row_number() OVER (ORDER BY line) - 1) FROM _csv_lines`,
    { ord: ordBase, line0 },
  );
  for (const t of ["_csv_lines", "_csv_errors", "_csv_scans"]) {
    await wh.run(`DROP TABLE IF EXISTS ${t}`);
  }
  return { next: ordBase + staged, rows };
}
