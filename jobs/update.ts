/**
 * The update policy, cron-friendly and idempotent: under a lock (never two
 * updates at once), the series already stored are brought up to date — the
 * sample market and its signal from their last candle, every exchange pulled
 * live before — then the configured signals are pulled, the champions that
 * are due are retrained, every champion forecasts, and a snapshot is
 * published when anything changed. One failing source never stops the rest:
 * failures are collected and reported.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Config } from "../core/config.ts";
import { isTimeframe, type Timeframe } from "../core/candles.ts";
import { seriesLabel } from "../core/series.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { acquireLock } from "../warehouse/lock.ts";
import { publishIfChanged } from "../warehouse/publish.ts";
import { ingestSample, SAMPLE_EXCHANGE } from "../loaders/sample/mod.ts";
import { ingestSampleSignal } from "../loaders/signals/mod.ts";
import { ingestExchange } from "../loaders/exchanges/mod.ts";
import { describeFailure } from "../pipeline/forecast/mod.ts";
import { dueSeries, inShard, type Shard } from "../pipeline/schedule.ts";
import { UsageError } from "./errors.ts";
import { forecastAndLog, logLedger } from "./forecast.ts";
import { consoleLog, type Log } from "./log.ts";
import { type SignalEnv, updateSignals } from "./signals.ts";
import { trainAll } from "./train.ts";
import { withWriter } from "./writer.ts";

/** Options for {@link updateJob}. */
export interface UpdateOptions {
  /** Retrain champions older than this; default the per-timeframe policy. */
  retrainAfterHours?: number;
  /** Retrain only this shard's share of the due series. */
  shard?: Shard;
  /** Live signal sources to pull even when not configured (`fear-greed`, `token-metrics`). */
  signals?: string[];
  /** The signal settings (see `signalEnv()`). */
  signalEnv: SignalEnv;
  log?: Log;
}

/** What {@link updateJob} did. */
export interface UpdateReport {
  /** What failed (each already logged): an exchange, a signal source, a forecast. */
  failures: string[];
  /** The snapshot kept when nothing changed (else a new one was published). */
  kept?: string;
}

/**
 * The `update` task. Throws `LockedError` (warehouse/lock.ts) when another
 * update holds the lock beside the warehouse.
 *
 * @example
 * ```ts
 * const r = await updateJob(cfg, { signalEnv: signalEnv() });
 * if (r.failures.length) Deno.exitCode = 1;
 * ```
 */
export async function updateJob(cfg: Config, options: UpdateOptions): Promise<UpdateReport> {
  // Never two updates at once (cron may fire while a slow one still runs).
  await Deno.mkdir(dirname(cfg.db), { recursive: true });
  const unlock = await acquireLock(join(dirname(cfg.db), ".update.lock"), { what: "update" });
  try {
    const log = options.log ?? consoleLog;
    return await withWriter(cfg.db, (wh) => updateLocked(wh, cfg, { ...options, log }), { log });
  } finally {
    await unlock();
  }
}

async function updateLocked(
  wh: Warehouse,
  cfg: Config,
  options: UpdateOptions & { log: Log },
): Promise<UpdateReport> {
  const { log, shard, retrainAfterHours: hours } = options;
  const failures: string[] = [];
  await updateSample(wh, log);
  // Exchanges pulled live before: resume each of their series from its last candle.
  const live = await wh.rows<{ exchange: string; symbols: string[]; timeframes: string[] }>(
    `SELECT o.exchange, list(DISTINCT o.symbol ORDER BY o.symbol) AS symbols,
            list(DISTINCT o.timeframe ORDER BY o.timeframe) AS timeframes
     FROM ohlcv o WHERE o.exchange IN (
       SELECT DISTINCT source FROM ingest_runs WHERE status = 'ok' AND source NOT IN ('sample', 'file'))
     GROUP BY o.exchange ORDER BY 1`,
  );
  for (const x of live) {
    try {
      const r = await ingestExchange(wh, {
        exchange: x.exchange,
        symbols: x.symbols,
        timeframes: timeframesOf(x.timeframes),
      });
      log.out(`update: ${x.exchange} ${r.message}`);
    } catch (err) {
      // One unreachable exchange must not stop forecasts from what is stored.
      failures.push(`${x.exchange}: ${err instanceof Error ? err.message : String(err)}`);
      log.err(`update: ${failures.at(-1)}`);
    }
  }
  // Live signals that are configured, or asked for (--signals fear-greed,token-metrics).
  const sig = await updateSignals(wh, options.signalEnv, { force: options.signals, log });
  failures.push(...sig.failures);
  const due = (await dueSeries(wh, { retrainAfterHours: hours }))
    .filter((s) => !shard || inShard(s, shard));
  for (const d of due) log.out(`update: ${seriesLabel(d)} due: ${d.reason}`);
  await trainAll(wh, due, { modelsDir: cfg.models, skipShort: true, log });
  if (due.length === 0) {
    log.out(
      `update: nothing to retrain (${
        hours === undefined ? "per-timeframe policy" : `champions under ${hours} h`
      }, or no newer candles)`,
    );
  }
  const fc = await forecastAndLog(wh, log);
  failures.push(...fc.failed.map((f) => `forecast ${describeFailure(f)}`));
  await logLedger(wh, log);
  // Idempotent: nothing ingested, trained or forecast leaves the snapshot as it is.
  const p = await publishIfChanged(wh, { warn: log.err });
  return { failures, kept: p.kept };
}

/** Incremental: the sample series already here, from their last candle on, and the sample signal. */
async function updateSample(wh: Warehouse, log: Log): Promise<void> {
  const present = await wh.rows<{ symbol: string; timeframe: string; last: string }>(
    "SELECT symbol, timeframe, max(ts) AS last FROM ohlcv WHERE exchange = ? GROUP BY ALL",
    [SAMPLE_EXCHANGE],
  );
  if (present.length === 0) return;
  const oldest = Math.min(...present.map((p) => Date.parse(p.last)));
  const r = await ingestSample(wh, {
    symbols: [...new Set(present.map((p) => p.symbol))],
    timeframes: timeframesOf([...new Set(present.map((p) => p.timeframe))]),
    days: Math.max(2, Math.ceil((Date.now() - oldest) / 86_400_000) + 1),
  });
  log.out(`update: sample (synthetic) ${r.message}`);
  log.out(`update: sample signal (synthetic) ${(await ingestSampleSignal(wh)).message}`);
}

/** Stored timeframe names as timeframes; one this code does not know is named. */
function timeframesOf(names: string[]): Timeframe[] {
  return names.map((t) => {
    if (!isTimeframe(t)) {
      throw new UsageError(`Unknown timeframe "${t}": use 1m 5m 15m 1h 4h 1d 1w`);
    }
    return t;
  });
}
