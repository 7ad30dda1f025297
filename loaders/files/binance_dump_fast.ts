/**
 * The fast path for big data.binance.vision dumps: DuckDB reads the CSV
 * straight into the staging table (no JS array of rows, so memory stays flat
 * as files grow), times in ms or µs are converted per row in SQL, and the
 * shared SQL validation of `ingestStaged` applies. Fields that are not
 * numbers become rejects with `file:line`, as on the JS path.
 *
 * Line numbers count from the header; DuckDB skips blank lines, so a blank
 * line inside a dump would shift the line numbers after it (dumps have none).
 *
 * @module
 */
import type { Timeframe } from "../candles.ts";
import { type IngestResult, ingestStaged } from "../store.ts";
import type { Warehouse } from "../../warehouse/db.ts";
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

const NAMES = [
  "open_time",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "close_time",
  "quote_volume",
  "count",
  "taker_buy_volume",
  "taker_buy_quote_volume",
  "ignore",
];
const COLUMNS = `{${NAMES.map((n) => `'${n}': 'VARCHAR'`).join(", ")}}`;

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
 * Stages one dump into `_stage` (rows numbered from `ordBase`) and its
 * unreadable lines into `_stage_rejects`. Returns the next free `ord` and
 * how many data lines the file had.
 */
export async function stageBinanceDump(
  wh: Warehouse,
  path: string,
  ordBase: number,
  options: { exchange: string; symbol: string; timeframe: Timeframe },
): Promise<{ next: number; rows: number }> {
  const header = await dumpHasHeader(path);
  const line0 = header ? 2 : 1; // the line of the first data row
  // The path is bound; the options are our own constants.
  const scan = `SELECT row_number() OVER () AS n, * FROM read_csv($path, columns = ${COLUMNS},
    header = ${header}, auto_detect = false, null_padding = true, strict_mode = false,
    quote = '"', escape = '"', delim = ',')`;
  const base = { path };
  await wh.run(
    `INSERT INTO _stage
     SELECT $exchange, $symbol, $timeframe,
            CASE WHEN abs(t) < 1e11 THEN round(t * 1000) WHEN abs(t) < 1e14 THEN round(t)
                 ELSE round(t / 1000) END,
            TRY_CAST(open AS DOUBLE), TRY_CAST(high AS DOUBLE), TRY_CAST(low AS DOUBLE),
            TRY_CAST(close AS DOUBLE), TRY_CAST(volume AS DOUBLE), NULL, $ord + n - 1
     FROM (SELECT *, TRY_CAST(open_time AS DOUBLE) AS t FROM (${scan}))`,
    {
      ...base,
      exchange: options.exchange,
      symbol: options.symbol,
      timeframe: options.timeframe,
      ord: ordBase,
    },
  );
  const c = await wh.one<{ rows: number; unread: number }>(
    `SELECT count(*) AS rows,
            count(*) FILTER (WHERE ts_ms IS NULL OR open IS NULL OR high IS NULL OR low IS NULL
                               OR close IS NULL OR volume IS NULL) AS unread
     FROM _stage WHERE ord >= $ord`,
    { ord: ordBase },
  );
  const rows = Number(c?.rows ?? 0), unread = Number(c?.unread ?? 0);
  if (rows === 0) throw new FileFormatError(`Cannot ingest ${path}: no data rows`);
  await wh.run(
    `INSERT INTO _stage_sources VALUES ($ord, $last, $path, $line0)`,
    { ord: ordBase, last: ordBase + rows - 1, path, line0 },
  );
  if (unread > 0) {
    if (unread > rows - unread) {
      throw new FileFormatError(
        `Cannot ingest ${path}: ${unread} of ${rows} rows cannot be read as binance-vision candles`,
      );
    }
    // Rare: read the file again for the original text of the unreadable lines only.
    await wh.run(
      `INSERT INTO _stage_rejects
       SELECT $path || ':' || (n - 1 + $line0),
              CASE WHEN TRY_CAST(open_time AS DOUBLE) IS NULL
                     THEN 'time ' || to_json(coalesce(open_time, '')) || ' is not a time'
                   ELSE (SELECT f.k || ' ' || to_json(coalesce(f.v, '')) || ' is not a number'
                         FROM (VALUES (1, 'open', open), (2, 'high', high), (3, 'low', low),
                                      (4, 'close', close), (5, 'volume', volume)) f(i, k, v)
                         WHERE TRY_CAST(f.v AS DOUBLE) IS NULL ORDER BY f.i LIMIT 1) END,
              concat_ws(',', open_time, open, high, low, close, volume, close_time,
                        quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore)
       FROM (${scan})
       WHERE $ord + n - 1 IN (SELECT ord FROM _stage WHERE ord >= $ord AND (ts_ms IS NULL
         OR open IS NULL OR high IS NULL OR low IS NULL OR close IS NULL OR volume IS NULL))`,
      { ...base, ord: ordBase, line0 },
    );
    await wh.run(
      `DELETE FROM _stage WHERE ord >= $ord AND (ts_ms IS NULL OR open IS NULL OR high IS NULL
         OR low IS NULL OR close IS NULL OR volume IS NULL)`,
      { ord: ordBase },
    );
  }
  return { next: ordBase + rows, rows };
}
