/**
 * Writes validated candles to the warehouse as one accounted ingest run.
 *
 * A run is one transaction: it loads new candles, counts identical ones as
 * duplicates, replaces conflicting ones (the newer source wins; the replaced
 * values go to `rejects` with reason "superseded") and records every rejected
 * row with its `file:line` or request. `ingest_runs` keeps
 * rows_read = rows_loaded + rows_rejected + rows_duplicate. If anything
 * fails, the warehouse is left as it was and a `failed` run is recorded; a
 * run killed mid-way is marked `interrupted` by the next one (`_runs.ts`).
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import type { Series } from "../core/series.ts";
import type { Rejected, SourcedCandle } from "./validate.ts";
import { appendRejects, appendSeries, createStage, dropStage, stagedRows } from "./_stage.ts";
import { dropValidation, recordRejects, validateStage } from "./_validate_sql.ts";
import { beginRun, endRun } from "./_runs.ts";

/** One series as read from a source. */
export interface SeriesInput extends Series {
  rows: SourcedCandle[];
}

/**
 * DuckDB's memory budget while an ingest run stages, validates and stores
 * its rows (the setting in force is restored afterwards). Past it, DuckDB
 * spills to the warehouse's temp directory (`<file>.tmp`, beside it), so a
 * 3M-row dump peaks at about the memory of a 1M-row one.
 */
export const INGEST_MEMORY_LIMIT = "128MB";

/** The accounting of one ingest run. */
export interface IngestResult {
  run_id: string;
  status: "ok" | "failed";
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_duplicate: number;
  message: string;
}

/** Options for {@link ingestSeries}. */
export interface IngestOptions {
  /** Candles opening later than `now - timeframe` are still open and rejected. */
  now: number;
  /** Recorded with the run in `ingest_runs.params`. */
  params?: unknown;
  /**
   * Rows the source could not even read as candles (bad numbers, missing
   * fields). They count in rows_read and rows_rejected and go to `rejects`.
   */
  extraRejects?: readonly Rejected[];
}

/**
 * Ingests series into `ohlcv` as one run, atomically.
 *
 * @example
 * ```ts
 * const r = await ingestSeries(wh, "sample", series, { now: Date.now() });
 * console.log(`${r.rows_loaded} loaded, ${r.rows_duplicate} already there`);
 * ```
 */
export async function ingestSeries(
  wh: Warehouse,
  source: string,
  series: readonly SeriesInput[],
  options: IngestOptions,
): Promise<IngestResult> {
  const extra = options.extraRejects ?? [];
  return await ingestStaged(wh, source, [async (ord) => {
    const next = await appendSeries(wh, series, ord);
    await appendRejects(wh, extra);
    return next;
  }], {
    now: options.now,
    params: options.params,
    exchanges: [...new Set(series.map((s) => s.exchange))],
    rowsRead: series.reduce((n, s) => n + s.rows.length, 0) + extra.length,
  });
}

/**
 * Fills the staging tables (see `_stage.ts`) with rows whose `ord` (their
 * `rowid` in `_stage`) starts at the given one, and returns the next free
 * `ord`.
 */
export type Stager = (ord: number) => Promise<number>;

/** Options for {@link ingestStaged}. */
export interface StagedOptions {
  now: number;
  params?: unknown;
  /** Recorded in `ingest_runs.exchange`. */
  exchanges: readonly string[];
  /** For the message of a failed run, when known before staging. */
  rowsRead?: number;
}

/**
 * Ingests whatever the stagers put in `_stage` as one run, atomically: every
 * row rule applies in SQL, then new candles are inserted, identical ones
 * counted as duplicates and conflicting ones replaced.
 *
 * The stagers fill, and validation derives, temporary tables before the
 * run's transaction begins (the warehouse itself is only written inside it,
 * and DuckDB can spill committed temporary tables to disk). Uniqueness of
 * (exchange, symbol, timeframe, ts) in `ohlcv` is kept here: the batch has
 * one winner per candle, and a candle already stored is updated, never
 * inserted again.
 *
 * @example
 * ```ts
 * await ingestStaged(wh, "file", [(ord) => stageDump(wh, path, ord)], { now, exchanges: ["binance"] });
 * ```
 */
export async function ingestStaged(
  wh: Warehouse,
  source: string,
  stagers: readonly Stager[],
  options: StagedOptions,
): Promise<IngestResult> {
  const run_id = `ing-${crypto.randomUUID()}`;
  const started = new Date().toISOString();
  const exchanges = options.exchanges.join(",");
  let rows_read = options.rowsRead;
  // Visible from now on: a kill before the end leaves a `running` row that the
  // next run marks `interrupted`.
  await beginRun(wh, { run_id, source, started, exchange: exchanges, params: options.params });
  // A bounded budget: past it DuckDB spills to the warehouse's temp directory
  // (beside its file), so memory stays flat as files grow. An in-memory
  // warehouse has no such directory and keeps its setting.
  let restore: (() => Promise<void>) | undefined;
  try {
    restore = wh.path === ":memory:" ? undefined : await lowerMemoryLimit(wh);
    await createStage(wh);
    for (const stage of stagers) {
      const ord = await stagedRows(wh);
      const next = await stage(ord);
      if (next !== await stagedRows(wh)) {
        throw new Error(`internal: a stager reported ord ${next} after staging from ${ord}`);
      }
    }
    await checkOrds(wh);
    const v = await validateStage(wh, options.now);
    rows_read = v.read;
    const cmp = await compareStored(wh);
    const result = await wh.transaction(async () => {
      await recordRejects(wh, run_id);
      const w = await storeWinners(wh, run_id, v.winners, cmp);
      const duplicates = v.duplicates + w.same;
      const message = `${w.loaded} loaded, ${v.rejected} rejected, ${duplicates} duplicate` +
        (w.replaced ? `, ${w.replaced} replaced` : "");
      const result: IngestResult = {
        run_id,
        status: "ok",
        rows_read: v.read,
        rows_loaded: w.loaded,
        rows_rejected: v.rejected,
        rows_duplicate: duplicates,
        message,
      };
      await recordRun(wh, result, source, exchanges, started, options.params);
      return result;
    });
    await cleanUp(wh);
    await restore?.();
    return result;
  } catch (err) {
    await cleanUp(wh).catch(() => {});
    await restore?.().catch(() => {});
    const message = err instanceof Error ? err.message : String(err);
    // Nothing was loaded or rejected, so the run accounts for no rows; the
    // message says how many were read before it failed.
    const failed: IngestResult = {
      run_id,
      status: "failed",
      rows_read: 0,
      rows_loaded: 0,
      rows_rejected: 0,
      rows_duplicate: 0,
      message: `failed after reading ${rows_read ?? "some"} rows, nothing loaded: ${message}`,
    };
    await recordRun(wh, failed, source, exchanges, started, options.params).catch(() => {});
    throw err;
  } finally {
    endRun(run_id);
  }
}

/**
 * Lowers DuckDB's memory limit to {@link INGEST_MEMORY_LIMIT} (never raises
 * it) and returns how to put it back: an explicit SET of the value DuckDB
 * reported, which it prints cut to 0.1 of a unit (so the middle of that step
 * is restored, within 2% from 1 GiB up). Never RESET: after a SET, DuckDB
 * 1.5 reports the default again but keeps enforcing the lowered limit.
 */
async function lowerMemoryLimit(wh: Warehouse): Promise<() => Promise<void>> {
  const current = (await wh.one<{ m: string }>("SELECT current_setting('memory_limit') AS m"))!.m;
  const shown = bytesOf(current);
  const step = shown > 0 ? bytesOf(current.replace(/[0-9.]+/, "0.05")) : 0;
  const restore = () => wh.run("SET memory_limit = $m", { m: `${Math.round(shown + step)} bytes` });
  await wh.run("SET memory_limit = $m", {
    m: shown < bytesOf(INGEST_MEMORY_LIMIT) ? current : INGEST_MEMORY_LIMIT,
  });
  return restore;
}

/** Bytes in a DuckDB size such as `128MB`, `18.8 GiB` or `512 bytes`. */
export function bytesOf(size: string): number {
  const m = /^\s*([0-9.]+)\s*([KMGT]?i?B|bytes)?\s*$/i.exec(size);
  if (!m) return NaN;
  const unit = (m[2] ?? "B").toUpperCase();
  const power = "BKMGT".indexOf(unit === "BYTES" ? "B" : unit[0]);
  return Number(m[1]) * (unit.includes("I") ? 1024 : 1000) ** power;
}

async function cleanUp(wh: Warehouse): Promise<void> {
  await dropValidation(wh);
  for (const t of ["_stored", "_existing"]) await wh.run(`DROP TABLE IF EXISTS ${t}`);
  await dropStage(wh);
}

/** Refs and conflict order rely on rowid = ord = 0, 1, 2, … in staging order. */
async function checkOrds(wh: Warehouse): Promise<void> {
  const c = await wh.one<{ n: number; top: number | null }>(
    "SELECT count(*) AS n, max(rowid) AS top FROM _stage",
  );
  if (c && c.n > 0 && Number(c.top) !== c.n - 1) {
    throw new Error(`internal: staged rows are numbered up to ${c.top}, not ${c.n - 1}`);
  }
}

/** What {@link compareStored} found. */
interface Comparison {
  /** Rows in `ohlcv` when it looked, to check that nothing was added since. */
  total: number;
  /** Stored candles in the time ranges of the batch (`_stored`). */
  stored: number;
  /** Winners stored already with the same values. */
  same: number;
  /** Winners stored already with other values: the newer source wins. */
  replaced: number;
}

/**
 * Before the run's transaction (temporary tables only, which DuckDB can
 * spill): the stored candles in the time range the batch covers for each
 * series (`_stored`; `_summary` comes from validation), and every winner
 * already stored, identical or not (`_existing`). Nothing is stored in those
 * ranges on a first load, or when only newer candles arrive.
 */
async function compareStored(wh: Warehouse): Promise<Comparison> {
  const total = Number((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))?.n ?? 0);
  await wh.run(`CREATE OR REPLACE TEMP TABLE _stored AS
    SELECT r.sid, epoch_ms(o.ts)::DOUBLE AS ts_ms, o.ts, o.open, o.high, o.low, o.close, o.volume,
           o.run_id
    FROM ohlcv o
    JOIN (SELECT sid, exchange, symbol, timeframe, epoch_ms(lo::BIGINT) AS lo,
                 epoch_ms(hi::BIGINT) AS hi
          FROM _summary JOIN _stage_series USING (sid) WHERE lo IS NOT NULL) r
      ON o.exchange = r.exchange AND o.symbol = r.symbol AND o.timeframe = r.timeframe
     AND o.ts BETWEEN r.lo AND r.hi`);
  const stored = Number(
    (await wh.one<{ n: number }>("SELECT count(*) AS n FROM _stored"))?.n ?? 0,
  );
  if (stored === 0) return { total, stored, same: 0, replaced: 0 };
  await wh.run(`CREATE OR REPLACE TEMP TABLE _existing AS
    SELECT w.sid, o.ts, w.open, w.high, w.low, w.close, w.volume,
           (o.open = w.open AND o.high = w.high AND o.low = w.low
             AND o.close = w.close AND o.volume = w.volume) AS same,
           o.open AS o_open, o.high AS o_high, o.low AS o_low, o.close AS o_close,
           o.volume AS o_volume, o.run_id AS o_run
    FROM _win w JOIN _stored o USING (sid, ts_ms)`);
  const e = await wh.one<Record<string, number | null>>(
    `SELECT count(*) FILTER (WHERE same) AS same, count(*) FILTER (WHERE NOT same) AS replaced
     FROM _existing`,
  );
  return { total, stored, same: Number(e?.same ?? 0), replaced: Number(e?.replaced ?? 0) };
}

/**
 * Inside the run's transaction: inserts the winners not stored yet, and
 * replaces the stored candles a winner differs from (their old values go to
 * `rejects`). Refuses to write if `ohlcv` gained rows since
 * {@link compareStored} looked.
 */
async function storeWinners(
  wh: Warehouse,
  run_id: string,
  win: number,
  cmp: Comparison,
): Promise<{ loaded: number; same: number; replaced: number }> {
  const total = Number((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))?.n ?? 0);
  if (total !== cmp.total) {
    throw new Error(
      `ohlcv changed during the ingest (${cmp.total} then ${total} rows): nothing loaded, run it again`,
    );
  }
  const insert =
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
     SELECT exchange, symbol, timeframe, epoch_ms(ts_ms::BIGINT), open, high, low, close, volume, $run
     FROM _win w`;
  const { same, replaced } = cmp;
  if (replaced) {
    await wh.run(
      `INSERT INTO rejects (run_id, source_ref, reason, raw)
       SELECT $run, exchange || ' ' || symbol || ' ' || timeframe || ' ' || strftime(ts, '%Y-%m-%dT%H:%M:%SZ'),
              'superseded by a newer source (run ' || $run || '); old values from run ' || coalesce(o_run, '?'),
              json_object('old', json_object('open', o_open, 'high', o_high, 'low', o_low, 'close', o_close, 'volume', o_volume),
                          'new', json_object('open', open, 'high', high, 'low', low, 'close', close, 'volume', volume))::VARCHAR
       FROM _existing JOIN _stage_series USING (sid) WHERE NOT same`,
      { run: run_id },
    );
    await wh.run(
      `UPDATE ohlcv SET open = e.open, high = e.high, low = e.low, close = e.close,
         volume = e.volume, run_id = $run, ingested_at = now()::TIMESTAMP
       FROM (SELECT * FROM _existing JOIN _stage_series USING (sid) WHERE NOT same) e
       WHERE ohlcv.exchange = e.exchange AND ohlcv.symbol = e.symbol
         AND ohlcv.timeframe = e.timeframe AND ohlcv.ts = e.ts`,
      { run: run_id },
    );
  }
  if (win > same + replaced) {
    const fresh = cmp.stored === 0 ? insert : `${insert} ANTI JOIN _stored o USING (sid, ts_ms)`;
    await wh.run(fresh, { run: run_id });
  }
  return { loaded: win - same, same, replaced };
}

async function recordRun(
  wh: Warehouse,
  r: IngestResult,
  source: string,
  exchange: string,
  started: string,
  params: unknown,
): Promise<void> {
  await wh.run(
    `INSERT OR REPLACE INTO ingest_runs (run_id, source, started_at, finished_at, status, rows_read,
       rows_loaded, rows_rejected, rows_duplicate, message, exchange, params)
     VALUES (?, ?, ?::TIMESTAMP, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?::JSON)`,
    [
      r.run_id,
      source,
      started.replace("Z", ""),
      r.status,
      r.rows_read,
      r.rows_loaded,
      r.rows_rejected,
      r.rows_duplicate,
      r.message,
      exchange,
      JSON.stringify(params ?? {}),
    ],
  );
}
