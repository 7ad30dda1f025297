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
import { type Rejected, type SourcedCandle, validateCandles } from "./validate.ts";

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
  const run_id = `ing-${crypto.randomUUID()}`;
  const started = new Date().toISOString();
  const extra = options.extraRejects ?? [];
  const rows_read = series.reduce((n, s) => n + s.rows.length, 0) + extra.length;
  const exchanges = [...new Set(series.map((s) => s.exchange))].join(",");
  try {
    return await wh.transaction(async () => {
      let loaded = 0, rejectedN = extra.length, duplicates = 0;
      await wh.run(`CREATE OR REPLACE TEMP TABLE _stage (
        exchange VARCHAR, symbol VARCHAR, timeframe VARCHAR, ts_ms DOUBLE,
        open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)`);
      const appender = await wh.conn.createAppender("_stage", "main", "temp");
      const rejectRows: [string, string, string][] = extra.map((r) => [r.ref, r.reason, r.raw]);
      for (const s of series) {
        const v = validateCandles(s.rows, s.timeframe, { now: options.now });
        duplicates += v.duplicates;
        rejectedN += v.rejected.length;
        for (const r of v.rejected) rejectRows.push([r.ref, r.reason, r.raw]);
        for (const c of v.valid) {
          appender.appendVarchar(s.exchange);
          appender.appendVarchar(s.symbol);
          appender.appendVarchar(s.timeframe);
          appender.appendDouble(c.ts);
          appender.appendDouble(c.open);
          appender.appendDouble(c.high);
          appender.appendDouble(c.low);
          appender.appendDouble(c.close);
          appender.appendDouble(c.volume);
          appender.endRow();
        }
      }
      appender.closeSync();
      await wh.run(`CREATE OR REPLACE TEMP TABLE _classified AS
        SELECT s.exchange, s.symbol, s.timeframe, epoch_ms(s.ts_ms::BIGINT) AS ts,
               s.open, s.high, s.low, s.close, s.volume,
               CASE WHEN o.ts IS NULL THEN 'new'
                    WHEN o.open = s.open AND o.high = s.high AND o.low = s.low
                         AND o.close = s.close AND o.volume = s.volume THEN 'same'
                    ELSE 'conflict' END AS kind,
               o.open AS o_open, o.high AS o_high, o.low AS o_low, o.close AS o_close,
               o.volume AS o_volume, o.run_id AS o_run
        FROM _stage s LEFT JOIN ohlcv o
          ON o.exchange = s.exchange AND o.symbol = s.symbol
         AND o.timeframe = s.timeframe AND o.ts = epoch_ms(s.ts_ms::BIGINT)`);
      const counts = await wh.rows<{ kind: string; n: number }>(
        "SELECT kind, count(*) AS n FROM _classified GROUP BY kind",
      );
      const n = (k: string) => counts.find((c) => c.kind === k)?.n ?? 0;
      duplicates += n("same");
      loaded = n("new") + n("conflict");
      await wh.run(
        `INSERT INTO rejects (run_id, source_ref, reason, raw)
         SELECT ?, exchange || ' ' || symbol || ' ' || timeframe || ' ' || strftime(ts, '%Y-%m-%dT%H:%M:%SZ'),
                'superseded by a newer source (run ' || ? || '); old values from run ' || coalesce(o_run, '?'),
                json_object('old', json_object('open', o_open, 'high', o_high, 'low', o_low, 'close', o_close, 'volume', o_volume),
                            'new', json_object('open', open, 'high', high, 'low', low, 'close', close, 'volume', volume))::VARCHAR
         FROM _classified WHERE kind = 'conflict'`,
        [run_id, run_id],
      );
      await wh.run(
        `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
         SELECT exchange, symbol, timeframe, ts, open, high, low, close, volume, ?
         FROM _classified WHERE kind IN ('new', 'conflict')
         ON CONFLICT (exchange, symbol, timeframe, ts) DO UPDATE SET
           open = excluded.open, high = excluded.high, low = excluded.low,
           close = excluded.close, volume = excluded.volume, run_id = excluded.run_id,
           ingested_at = now()::TIMESTAMP`,
        [run_id],
      );
      // Rejects go through an appender: one INSERT per row is slow for big files.
      await wh.run(`CREATE OR REPLACE TEMP TABLE _rejects_stage (
        source_ref VARCHAR, reason VARCHAR, raw VARCHAR)`);
      const rejAppender = await wh.conn.createAppender("_rejects_stage", "main", "temp");
      for (const [ref, reason, raw] of rejectRows) {
        rejAppender.appendVarchar(ref);
        rejAppender.appendVarchar(reason);
        rejAppender.appendVarchar(raw);
        rejAppender.endRow();
      }
      rejAppender.closeSync();
      await wh.run(
        `INSERT INTO rejects (run_id, source_ref, reason, raw)
         SELECT ?, source_ref, reason, raw FROM _rejects_stage`,
        [run_id],
      );
      await wh.run("DROP TABLE _rejects_stage");
      await wh.run("DROP TABLE _stage");
      await wh.run("DROP TABLE _classified");
      const message = `${loaded} loaded, ${rejectedN} rejected, ${duplicates} duplicate` +
        (n("conflict") ? `, ${n("conflict")} replaced` : "");
      const result: IngestResult = {
        run_id,
        status: "ok",
        rows_read,
        rows_loaded: loaded,
        rows_rejected: rejectedN,
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
      message: `failed after reading ${rows_read} rows, nothing loaded: ${message}`,
    };
    await recordRun(wh, failed, source, exchanges, started, options.params).catch(() => {});
    throw err;
  }
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
