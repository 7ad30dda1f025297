/**
 * `forecast`: every champion's forecast from its series' last closed candle,
 * then the ledger; and the publishing rule `forecast` and `update` share.
 *
 * ```sh
 * deno task forecast
 * ```
 *
 * Each series stands alone: a champion that cannot forecast (a changed
 * artifact, a feature set this code no longer computes) is named and
 * skipped, the others are written and published, and the task exits 1. A
 * series whose candles stop before the clock's last closed one is forecast
 * anyway, with a warning. A forecast already stored (same version, same
 * origin) is not written again, and a run that wrote nothing keeps the
 * current snapshot.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { carryOver, publish, withWriter } from "./_common.ts";
import type { Warehouse } from "../warehouse/db.ts";
import {
  contentMark,
  currentSnapshotId,
  currentSnapshotMark,
  snapshotRoot,
} from "../warehouse/snapshot.ts";
import {
  describeFailure,
  describeStale,
  forecastChampions,
  type ForecastReport,
  formatLedger,
  loadLedger,
  scoreLedger,
} from "../pipeline/forecast/mod.ts";

/**
 * The `forecast` task; returns the exit code (1 when a series could not forecast).
 *
 * @example
 * ```ts
 * Deno.exit(await forecast(loadConfig()));
 * ```
 */
export async function forecast(cfg: Config): Promise<number> {
  let failed = 0;
  const code = await withWriter(cfg, async (wh) => {
    const r = await runForecast(wh);
    failed = r.failed.length;
    await printLedger(wh);
    await publishIfChanged(wh, cfg, "forecast");
  });
  if (failed > 0) {
    console.error(
      `forecast: ${failed} series could not forecast (named above; exit 1), the others were written`,
    );
    return 1;
  }
  return code;
}

/**
 * Forecasts every champion and prints each forecast; stale origins as
 * warnings and champions that failed as errors (stderr). Returns the report.
 *
 * @example
 * ```ts
 * const r = await runForecast(wh);
 * if (r.failed.length) exitCode = 1;
 * ```
 */
export async function runForecast(wh: Warehouse): Promise<ForecastReport> {
  const r = await forecastChampions(wh);
  const written = new Set(r.written);
  for (const f of r.forecasts) {
    const p = f.points.find((p) => p.horizon === 1 && p.level === 0.8);
    console.log(
      `  forecast ${f.symbol} ${f.timeframe} from ${new Date(f.origin_ts).toISOString()}: ` +
        `next ${p?.yhat.toFixed(2)} (80% ${p?.lower.toFixed(2)}–${
          p?.upper.toFixed(2)
        }) by ${f.version_id}${written.has(f) ? "" : " (already issued: not written again)"}`,
    );
    const stale = describeStale(f);
    if (stale) console.warn(`  warning: ${stale}`);
  }
  for (const f of r.failed) console.error(`  forecast skipped: ${describeFailure(f)}`);
  return r;
}

/**
 * Prints the ledger: past forecasts of each series' latest versions, scored
 * against closed candles.
 */
export async function printLedger(wh: Warehouse): Promise<void> {
  const rows = await loadLedger(wh, { versionsPerSeries: 3 });
  for (const line of formatLedger(scoreLedger(rows, { pooled: true }))) console.log(line);
}

/**
 * Publishes a new snapshot when the warehouse holds something the current one
 * does not (its content mark differs: this run wrote, or an earlier run wrote
 * and failed to publish), or when none exists yet; otherwise keeps it and says
 * so. Request logs and keys are carried over either way.
 *
 * @example
 * ```ts
 * await publishIfChanged(wh, cfg, "forecast");
 * ```
 */
export async function publishIfChanged(wh: Warehouse, cfg: Config, verb: string): Promise<void> {
  const root = snapshotRoot(wh.path);
  const current = await currentSnapshotId(root);
  if (!current || (await currentSnapshotMark(root)) !== (await contentMark(wh))) {
    await publish(wh, cfg);
    return;
  }
  await carryOver(wh, cfg);
  console.log(`${verb}: nothing new: snapshot ${current} kept`);
}
