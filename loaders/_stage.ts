/**
 * The staging area every source fills before an ingest run validates it in
 * SQL: `_stage` holds candles as read (numbers may be NaN or NULL), one row
 * per source row, ordered by `ord` (a later `ord` wins a conflict);
 * `_stage_rejects` holds rows a reader could not even read as candles.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { timeframeMs } from "./candles.ts";
import type { Rejected } from "./validate.ts";
import type { SeriesInput } from "./store.ts";

/** Creates (empties) the temp staging tables of a run. */
export async function createStage(wh: Warehouse): Promise<void> {
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage (
    exchange VARCHAR, symbol VARCHAR, timeframe VARCHAR, ts_ms DOUBLE,
    open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE,
    ref VARCHAR, ord BIGINT)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_rejects (
    ref VARCHAR, reason VARCHAR, raw VARCHAR)`);
  // Rows staged with a NULL ref take `path:line` from here (line = ord - first_ord + line0).
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stage_sources (
    first_ord BIGINT, last_ord BIGINT, path VARCHAR, line0 BIGINT)`);
}

/** Drops the staging tables once a run is done with them. */
export async function dropStage(wh: Warehouse): Promise<void> {
  await wh.run("DROP TABLE IF EXISTS _stage");
  await wh.run("DROP TABLE IF EXISTS _stage_rejects");
  await wh.run("DROP TABLE IF EXISTS _stage_sources");
}

/**
 * Appends JS rows to `_stage` through an appender, numbering them from
 * `ordBase`; returns the next free `ord`. Values that are not numbers are
 * staged as NULL, so SQL rejects them as "not a number".
 */
export async function appendSeries(
  wh: Warehouse,
  series: readonly SeriesInput[],
  ordBase: number,
): Promise<number> {
  for (const s of series) timeframeMs(s.timeframe); // RangeError on an unknown timeframe
  const a = await wh.conn.createAppender("_stage", "main", "temp");
  let ord = ordBase;
  try {
    for (const s of series) {
      for (const c of s.rows) {
        a.appendVarchar(s.exchange);
        a.appendVarchar(s.symbol);
        a.appendVarchar(s.timeframe);
        for (const v of [c.ts, c.open, c.high, c.low, c.close, c.volume]) {
          if (typeof v === "number") a.appendDouble(v);
          else a.appendNull();
        }
        a.appendVarchar(String(c.ref));
        a.appendBigInt(BigInt(ord++));
        a.endRow();
      }
    }
  } finally {
    a.closeSync();
  }
  return ord;
}

/** Appends rows a reader could not read to `_stage_rejects`. */
export async function appendRejects(wh: Warehouse, rejects: readonly Rejected[]): Promise<void> {
  if (rejects.length === 0) return;
  const a = await wh.conn.createAppender("_stage_rejects", "main", "temp");
  try {
    for (const r of rejects) {
      a.appendVarchar(r.ref);
      a.appendVarchar(r.reason);
      a.appendVarchar(r.raw);
      a.endRow();
    }
  } finally {
    a.closeSync();
  }
}
