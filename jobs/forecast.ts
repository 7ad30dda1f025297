/**
 * Forecasting as a job: every champion's forecast from its series' last
 * closed candle, the ledger of past forecasts scored, and the snapshot
 * published when something changed.
 *
 * Each series stands alone: a champion that cannot forecast (a changed
 * artifact, a feature set this code no longer computes) is named and
 * skipped, the others are written and published. A series whose candles stop
 * before the clock's last closed one is forecast anyway, with a warning. A
 * forecast already stored (same version, same origin) is not written again,
 * and a run that wrote nothing keeps the current snapshot.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { publishIfChanged } from "../warehouse/publish.ts";
import {
  describeFailure,
  describeStale,
  forecastChampions,
  type ForecastReport,
  formatLedger,
  loadLedger,
  scoreLedger,
} from "../pipeline/forecast/mod.ts";
import { consoleLog, type Log } from "./log.ts";
import { withWriter } from "./writer.ts";

/** What {@link forecastJob} did. */
export interface ForecastJobReport {
  /** Series whose champion could not forecast (named in the log). */
  failed: number;
  /** The snapshot kept when nothing new was written (else a new one was published). */
  kept?: string;
}

/**
 * The `forecast` task: forecasts, the ledger, then publishing when changed.
 *
 * @example
 * ```ts
 * const r = await forecastJob(cfg, { log: consoleLog });
 * if (r.failed) Deno.exitCode = 1;
 * ```
 */
export async function forecastJob(
  cfg: Config,
  options: { log?: Log } = {},
): Promise<ForecastJobReport> {
  const log = options.log ?? consoleLog;
  return await withWriter(cfg.db, async (wh) => {
    const r = await forecastAndLog(wh, log);
    await logLedger(wh, log);
    const p = await publishIfChanged(wh, { warn: log.err });
    return { failed: r.failed.length, kept: p.kept };
  }, { log });
}

/**
 * Forecasts every champion and logs each forecast; stale origins as warnings
 * and champions that failed as errors. Returns the report.
 *
 * @example
 * ```ts
 * const r = await forecastAndLog(wh, consoleLog);
 * if (r.failed.length) exitCode = 1;
 * ```
 */
export async function forecastAndLog(wh: Warehouse, log: Log): Promise<ForecastReport> {
  const r = await forecastChampions(wh);
  const written = new Set(r.written);
  for (const f of r.forecasts) {
    const p = f.points.find((p) => p.horizon === 1 && p.level === 0.8);
    log.out(
      `  forecast ${f.symbol} ${f.timeframe} from ${new Date(f.origin_ts).toISOString()}: ` +
        `next ${p?.yhat.toFixed(2)} (80% ${p?.lower.toFixed(2)}–${
          p?.upper.toFixed(2)
        }) by ${f.version_id}${written.has(f) ? "" : " (already issued: not written again)"}`,
    );
    const stale = describeStale(f);
    if (stale) log.err(`  warning: ${stale}`);
  }
  for (const f of r.failed) log.err(`  forecast skipped: ${describeFailure(f)}`);
  return r;
}

/**
 * Logs the ledger: past forecasts of each series' latest versions, scored
 * against closed candles.
 *
 * @example
 * ```ts
 * await logLedger(wh, consoleLog);
 * ```
 */
export async function logLedger(wh: Warehouse, log: Log): Promise<void> {
  const rows = await loadLedger(wh, { versionsPerSeries: 3 });
  for (const line of formatLedger(scoreLedger(rows, { pooled: true }))) log.out(line);
}
