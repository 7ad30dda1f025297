/**
 * Resampling in DuckDB: a series to any coarser timeframe with OHLCV
 * semantics (first open, max high, min low, last close, summed volume),
 * keeping only complete buckets (every sub-candle present and the bucket
 * closed). The result is written to `ohlcv` as its own accounted run.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { type Timeframe, TIMEFRAMES } from "../core/candles.ts";

/** What one resampling run did. */
export interface ResampleResult {
  run_id: string;
  buckets: number;
  loaded: number;
  duplicate: number;
  incomplete: number;
}

/**
 * Resamples `from` candles of a series into `to` candles.
 *
 * @example
 * ```ts
 * await resampleSeries(wh, { exchange: "binance", symbol: "BTC/USDT", from: "1m", to: "5m" });
 * ```
 */
export async function resampleSeries(
  wh: Warehouse,
  s: { exchange: string; symbol: string; from: Timeframe; to: Timeframe; now?: number },
): Promise<ResampleResult> {
  const fromMs = TIMEFRAMES[s.from], toMs = TIMEFRAMES[s.to];
  if (toMs <= fromMs || toMs % fromMs !== 0) {
    throw new RangeError(
      `Cannot resample ${s.from} to ${s.to}: the target must be a coarser multiple`,
    );
  }
  const per = toMs / fromMs;
  const now = s.now ?? Date.now();
  // Weeks start on Monday 00:00 UTC; everything else is aligned to the epoch.
  const origin = s.to === "1w" ? "'1970-01-05'::TIMESTAMP" : "'1970-01-01'::TIMESTAMP";
  const run_id = `rsm-${crypto.randomUUID()}`;
  return await wh.transaction(async () => {
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE _buckets AS
       SELECT time_bucket(to_milliseconds(?::BIGINT), ts, ${origin}) AS bucket,
              arg_min(open, ts) AS open, max(high) AS high, min(low) AS low,
              arg_max(close, ts) AS close, sum(volume) AS volume, count(*) AS n
       FROM ohlcv WHERE exchange = ? AND symbol = ? AND timeframe = ?
       GROUP BY bucket`,
      [toMs, s.exchange, s.symbol, s.from],
    );
    const complete = `b.n = ${per} AND epoch_ms(b.bucket) + ${toMs} <= ${now}`;
    const c = (await wh.one<{ all: number; ok: number; dup: number }>(
      `SELECT count(*) AS all, count(*) FILTER (WHERE ${complete}) AS ok,
              count(*) FILTER (WHERE ${complete} AND EXISTS (
                SELECT 1 FROM ohlcv o WHERE o.exchange = ? AND o.symbol = ? AND o.timeframe = ?
                  AND o.ts = b.bucket AND o.open = b.open AND o.high = b.high
                  AND o.low = b.low AND o.close = b.close AND o.volume = b.volume)) AS dup
       FROM _buckets b`,
      [s.exchange, s.symbol, s.to],
    ))!;
    // ohlcv has one row per candle (no index enforces it; writers do): a
    // bucket already stored is updated when its values changed, else inserted.
    const stored = `o.exchange = $exchange AND o.symbol = $symbol AND o.timeframe = $timeframe
      AND o.ts = b.bucket`;
    const key = { exchange: s.exchange, symbol: s.symbol, timeframe: s.to };
    await wh.run(
      `UPDATE ohlcv o SET open = b.open, high = b.high, low = b.low, close = b.close,
         volume = b.volume, run_id = $run, ingested_at = now()::TIMESTAMP
       FROM _buckets b
       WHERE ${complete} AND ${stored}
         AND NOT (o.open = b.open AND o.high = b.high AND o.low = b.low AND o.close = b.close
                  AND o.volume = b.volume)`,
      { ...key, run: run_id },
    );
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
       SELECT $exchange, $symbol, $timeframe, bucket, open, high, low, close, volume, $run
       FROM _buckets b
       WHERE ${complete} AND NOT EXISTS (SELECT 1 FROM ohlcv o WHERE ${stored})`,
      { ...key, run: run_id },
    );
    await wh.run("DROP TABLE _buckets");
    const loaded = c.ok - c.dup;
    await wh.run(
      `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, rows_read,
         rows_loaded, rows_rejected, rows_duplicate, message, exchange, params)
       VALUES (?, 'resample', now()::TIMESTAMP, now()::TIMESTAMP, 'ok', ?, ?, 0, ?, ?, ?, ?::JSON)`,
      [
        run_id,
        c.ok,
        loaded,
        c.dup,
        `${s.symbol} ${s.from} → ${s.to}: ${loaded} loaded, ${c.dup} unchanged, ${
          c.all - c.ok
        } incomplete buckets left out`,
        s.exchange,
        JSON.stringify({ symbol: s.symbol, from: s.from, to: s.to }),
      ],
    );
    return { run_id, buckets: c.all, loaded, duplicate: c.dup, incomplete: c.all - c.ok };
  });
}
