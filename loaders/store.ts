/**
 * Writes validated candles to the warehouse as one accounted ingest run.
 *
 * A run is one transaction: it loads new candles, counts identical ones as
 * duplicates, replaces conflicting ones (the newer source wins; the replaced
 * values go to `rejects` with reason "superseded") and records every rejected
 * row with its `file:line` or request. `ingest_runs` keeps
 * rows_read = rows_loaded + rows_rejected + rows_duplicate. If anything
 * fails, the warehouse is left as it was and a `failed` run is recorded.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import type { Timeframe } from "./candles.ts";
import type { Rejected, SourcedCandle } from "./validate.ts";
import { appendRejects, appendSeries, createStage, dropStage } from "./_stage.ts";
import { dropValidation, validateStage } from "./_validate_sql.ts";

/**
 * SQL that folds a reject reason into its kind (file positions and numbers
 * replaced), for counting rejects by reason.
 */
export const REJECT_KIND_SQL =
  `regexp_replace(regexp_replace(reason, '\\S+\\.(csv|json|txt)(:[0-9]+)?( \\[[0-9]+\\])?', '<file:line>', 'g'),
                  '[0-9]+(\\.[0-9]+)?', 'N', 'g')`;

/** One series as read from a source. */
export interface SeriesInput {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  rows: SourcedCandle[];
}

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
 * Fills the staging tables (`_stage`, `_stage_rejects`; see `_stage.ts`)
 * with rows numbered from `ord`, and returns the next free `ord`.
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
  try {
    return await wh.transaction(async () => {
      await createStage(wh);
      let ord = 1;
      for (const stage of stagers) ord = await stage(ord);
      const v = await validateStage(wh, run_id, options.now);
      rows_read = v.read;
      const w = await storeWinners(wh, run_id);
      await dropValidation(wh);
      await dropStage(wh);
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
  } catch (err) {
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
  }
}

/** Inserts the winners of `_win` into `ohlcv`; a conflict replaces the stored candle. */
async function storeWinners(
  wh: Warehouse,
  run_id: string,
): Promise<{ loaded: number; same: number; replaced: number }> {
  // Only candles already stored need a comparison; the rest are new.
  await wh.run(`CREATE OR REPLACE TEMP TABLE _existing AS
    SELECT w.exchange, w.symbol, w.timeframe, o.ts, w.ts_ms, w.v,
           (o.open = w.v.open AND o.high = w.v.high AND o.low = w.v.low
             AND o.close = w.v.close AND o.volume = w.v.volume) AS same,
           o.open AS o_open, o.high AS o_high, o.low AS o_low, o.close AS o_close,
           o.volume AS o_volume, o.run_id AS o_run
    FROM _win w JOIN ohlcv o
      ON o.exchange = w.exchange AND o.symbol = w.symbol
     AND o.timeframe = w.timeframe AND o.ts = epoch_ms(w.ts_ms::BIGINT)`);
  const c = await wh.one<Record<string, number | null>>(
    `SELECT (SELECT count(*) FROM _win) AS win,
            (SELECT count(*) FROM _existing WHERE same) AS same,
            (SELECT count(*) FROM _existing WHERE NOT same) AS replaced`,
  );
  const win = Number(c?.win ?? 0), same = Number(c?.same ?? 0);
  const replaced = Number(c?.replaced ?? 0);
  await wh.run(
    `INSERT INTO rejects (run_id, source_ref, reason, raw)
     SELECT $run, exchange || ' ' || symbol || ' ' || timeframe || ' ' || strftime(ts, '%Y-%m-%dT%H:%M:%SZ'),
            'superseded by a newer source (run ' || $run || '); old values from run ' || coalesce(o_run, '?'),
            json_object('old', json_object('open', o_open, 'high', o_high, 'low', o_low, 'close', o_close, 'volume', o_volume),
                        'new', json_object('open', v.open, 'high', v.high, 'low', v.low, 'close', v.close, 'volume', v.volume))::VARCHAR
     FROM _existing WHERE NOT same`,
    { run: run_id },
  );
  if (replaced) {
    await wh.run(
      `UPDATE ohlcv SET open = e.v.open, high = e.v.high, low = e.v.low, close = e.v.close,
         volume = e.v.volume, run_id = $run, ingested_at = now()::TIMESTAMP
       FROM _existing e
       WHERE NOT e.same AND ohlcv.exchange = e.exchange AND ohlcv.symbol = e.symbol
         AND ohlcv.timeframe = e.timeframe AND ohlcv.ts = e.ts`,
      { run: run_id },
    );
  }
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
     SELECT exchange, symbol, timeframe, epoch_ms(ts_ms::BIGINT), v.open, v.high, v.low, v.close,
            v.volume, $run
     FROM _win w
     WHERE NOT EXISTS (SELECT 1 FROM _existing e WHERE e.exchange = w.exchange
       AND e.symbol = w.symbol AND e.timeframe = w.timeframe AND e.ts_ms = w.ts_ms)`,
    { run: run_id },
  );
  await wh.run("DROP TABLE _existing");
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
    `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, rows_read,
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
