/**
 * The staging area every source fills before an ingest run validates it in
 * SQL. `_stage` holds candles as read (numbers may be NaN or NULL), one row
 * per source row, in source order: a row's `rowid` is its `ord`, and a later
 * `ord` wins a conflict. Market names live once per series in
 * `_stage_series` (rows carry a small `sid`), a row's own ref (`file:line`
 * or request) in `_stage_refs`, and rows a file reader staged without one
 * take `path:line` from `_stage_sources`. `_stage_rejects` holds rows a
 * reader could not even read as candles.
 *
 * The stage is filled outside the run's transaction (it is temporary, so the
 * warehouse is untouched) so that `rowid` counts from 0 in staging order.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../core/candles.ts";
import type { Rejected } from "./validate.ts";
import type { SeriesInput } from "./store.ts";

/** Creates (empties) the temp staging tables of a run. */
export async function createStage(wh: Warehouse): Promise<void> {
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage (
    sid INTEGER, ts_ms DOUBLE, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_series (
    sid INTEGER, exchange VARCHAR, symbol VARCHAR, timeframe VARCHAR, step BIGINT)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_refs (ord BIGINT, ref VARCHAR)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_rejects (
    ref VARCHAR, reason VARCHAR, raw VARCHAR)`);
  // Rows without an own ref take `path:line`. The data lines of a file that
  // the reader could not read are gaps in its ords: each sits at
  // gap_ord = first_ord + (its index among data lines) - (unread lines before it),
  // the ord of the next row staged. The row with ord o, staged from the file
  // whose range holds o, is on line
  // line0 + (o - first_ord) + #{gaps with gap_ord <= o} - gaps_before,
  // where gaps_before counts the gaps of the files staged earlier.
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_sources (
    first_ord BIGINT, last_ord BIGINT, path VARCHAR, line0 BIGINT, gaps_before BIGINT)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_gaps (gap_ord BIGINT)`);
}

/** Drops the staging tables once a run is done with them. */
export async function dropStage(wh: Warehouse): Promise<void> {
  for (
    const t of [
      "_stage",
      "_stage_series",
      "_stage_refs",
      "_stage_rejects",
      "_stage_sources",
      "_stage_gaps",
    ]
  ) {
    await wh.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** The number of rows staged so far, which is the `ord` of the next one. */
export async function stagedRows(wh: Warehouse): Promise<number> {
  return Number((await wh.one<{ n: number }>("SELECT count(*) AS n FROM _stage"))?.n ?? 0);
}

/**
 * The staging id of a series, registering it on first use.
 *
 * @example
 * ```ts
 * const sid = await seriesId(wh, "binance", "BTC/USDT", "1m");
 * ```
 */
export async function seriesId(
  wh: Warehouse,
  exchange: string,
  symbol: string,
  timeframe: Timeframe,
): Promise<number> {
  const step = timeframeMs(timeframe); // RangeError on an unknown timeframe
  const key = { exchange, symbol, timeframe };
  const found = await wh.one<{ sid: number }>(
    `SELECT sid FROM _stage_series WHERE exchange = $exchange AND symbol = $symbol
       AND timeframe = $timeframe`,
    key,
  );
  if (found) return found.sid;
  const row = await wh.one<{ sid: number }>(
    `INSERT INTO _stage_series
     SELECT (SELECT coalesce(max(sid), 0) + 1 FROM _stage_series), $exchange, $symbol, $timeframe, $step
     RETURNING sid`,
    { ...key, step },
  );
  return row!.sid;
}

/**
 * Appends JS rows to `_stage` (and their refs to `_stage_refs`) through
 * appenders, from `ordBase` on; returns the next free `ord`. Values that are
 * not numbers are staged as NULL, so SQL rejects them as "not a number";
 * times are rounded to the millisecond.
 */
export async function appendSeries(
  wh: Warehouse,
  series: readonly SeriesInput[],
  ordBase: number,
): Promise<number> {
  const sids: number[] = [];
  for (const s of series) sids.push(await seriesId(wh, s.exchange, s.symbol, s.timeframe));
  // Times are kept to the millisecond, as stored: two rows for the same
  // stored candle are the same candle.
  const candles = function* () {
    for (const [i, s] of series.entries()) {
      for (const c of s.rows) {
        const ts = typeof c.ts === "number" ? Math.round(c.ts) : c.ts;
        yield [sids[i], ts, c.open, c.high, c.low, c.close, c.volume];
      }
    }
  };
  const refs = function* () {
    let ord = ordBase;
    for (const s of series) for (const c of s.rows) yield [ord++, String(c.ref)];
  };
  const n = await wh.append("_stage", ["integer", ...Array(6).fill("double")], candles(), {
    temp: true,
  });
  await wh.append("_stage_refs", ["bigint", "varchar"], refs(), { temp: true });
  return ordBase + n;
}

/** Appends rows a reader could not read to `_stage_rejects`. */
export async function appendRejects(wh: Warehouse, rejects: readonly Rejected[]): Promise<void> {
  if (rejects.length === 0) return;
  await wh.append(
    "_stage_rejects",
    ["varchar", "varchar", "varchar"],
    rejects.map((r) => [r.ref, r.reason, r.raw]),
    { temp: true },
  );
}
