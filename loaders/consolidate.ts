/**
 * Consolidation: one symbol across several exchanges as one series, in
 * DuckDB. For each candle time every source has, the consolidated candle
 * takes the volume-weighted open and close (a plain mean when no volume
 * traded), the highest high, the lowest low and the summed volume. It is
 * stored under its own exchange name (default `consolidated`) as an ingest
 * run like any other — validated, accounted, idempotent, a newer run winning
 * a changed candle — and remembers its sources: each row's ref names them,
 * and the run's `params` list them.
 *
 * @module
 */
import { listValue } from "@duckdb/node-api";
import type { Warehouse } from "../warehouse/db.ts";
import type { Timeframe } from "../core/candles.ts";
import { type IngestResult, ingestStaged } from "./store.ts";
import { seriesId } from "./_stage.ts";

/** What to consolidate. */
export interface ConsolidateOptions {
  symbol: string;
  timeframe: Timeframe;
  /** The exchanges to combine (at least two, all stored already). */
  sources: readonly string[];
  /** The exchange name of the consolidated series. Default `consolidated`. */
  as?: string;
  /** Candles not closed by then are left out. Default now. */
  now?: number;
}

/** The run's accounting, and how many candle times some source lacked. */
export type ConsolidateResult = IngestResult & { incomplete: number };

/**
 * Consolidates `symbol` on `timeframe` across `sources` into one series.
 *
 * @example
 * ```ts
 * await consolidateSeries(wh, { symbol: "BTC/USDT", timeframe: "1h", sources: ["binance", "kraken"] });
 * ```
 */
export async function consolidateSeries(
  wh: Warehouse,
  options: ConsolidateOptions,
): Promise<ConsolidateResult> {
  const sources = [...new Set(options.sources)].sort();
  const as = options.as ?? "consolidated";
  if (sources.length < 2) {
    throw new RangeError(`Consolidating ${options.symbol} needs at least two source exchanges`);
  }
  if (sources.includes(as)) {
    throw new RangeError(`The consolidated series cannot be one of its sources (${as})`);
  }
  const key = { symbol: options.symbol, timeframe: options.timeframe, sources: listValue(sources) };
  const present = await wh.rows<{ exchange: string }>(
    `SELECT DISTINCT exchange FROM ohlcv WHERE symbol = $symbol AND timeframe = $timeframe
       AND list_contains($sources, exchange)`,
    key,
  );
  const missing = sources.filter((s) => !present.some((p) => p.exchange === s));
  if (missing.length) {
    throw new RangeError(
      `No ${options.symbol} ${options.timeframe} candles from ${missing.join(", ")} to consolidate`,
    );
  }
  const c = await wh.one<{ incomplete: number }>(
    `SELECT count(*) AS incomplete FROM (
       SELECT ts FROM ohlcv WHERE symbol = $symbol AND timeframe = $timeframe
         AND list_contains($sources, exchange)
       GROUP BY ts HAVING count(*) < $n)`,
    { ...key, n: sources.length },
  );
  const label = sources.join("+");
  const result = await ingestStaged(wh, "consolidate", [async (ord) => {
    const sid = await seriesId(wh, as, options.symbol, options.timeframe);
    // One row per time every source has. Sums run in exchange order, so the
    // same candles always give the same bits (a re-run is all duplicates);
    // open and close are kept within [low, high] against rounding.
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE _consolidated AS
       SELECT ts, epoch_ms(ts)::DOUBLE AS ts_ms,
              least(greatest(CASE WHEN volume > 0 THEN ov / volume ELSE om END, low), high) AS open,
              high, low,
              least(greatest(CASE WHEN volume > 0 THEN cv / volume ELSE cm END, low), high) AS close,
              volume
       FROM (SELECT ts, max(high) AS high, min(low) AS low, sum(volume ORDER BY exchange) AS volume,
                    sum(open * volume ORDER BY exchange) AS ov, avg(open ORDER BY exchange) AS om,
                    sum(close * volume ORDER BY exchange) AS cv, avg(close ORDER BY exchange) AS cm
             FROM ohlcv WHERE symbol = $symbol AND timeframe = $timeframe
               AND list_contains($sources, exchange)
             GROUP BY ts HAVING count(*) = $n)`,
      { ...key, n: sources.length },
    );
    await wh.run(
      `INSERT INTO _stage SELECT $sid, ts_ms, open, high, low, close, volume
       FROM _consolidated ORDER BY ts_ms`,
      { sid },
    );
    await wh.run(
      `INSERT INTO _stage_refs
       SELECT $ord + row_number() OVER (ORDER BY ts_ms) - 1,
              $label || ' ' || $symbol || ' ' || $timeframe || ' ' || strftime(ts, '%Y-%m-%dT%H:%M:%SZ')
       FROM _consolidated`,
      { symbol: options.symbol, timeframe: options.timeframe, ord, label },
    );
    const n = await wh.one<{ n: number }>("SELECT count(*) AS n FROM _consolidated");
    await wh.run("DROP TABLE _consolidated");
    return ord + Number(n?.n ?? 0);
  }], {
    now: options.now ?? Date.now(),
    exchanges: [as],
    params: { symbol: options.symbol, timeframe: options.timeframe, sources },
  });
  return { ...result, incomplete: Number(c?.incomplete ?? 0) };
}
