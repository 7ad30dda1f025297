/**
 * `forecast`: every champion's forecast from its series' last closed candle,
 * then the ledger; the snapshot is published when something was written.
 *
 * ```sh
 * deno task forecast
 * ```
 *
 * A champion that cannot forecast is named and skipped, the others are
 * written and published, and the task exits 1.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { consoleLog, forecastJob } from "../jobs/mod.ts";

/** Runs `forecast`; returns the exit code (1 when a series could not forecast). */
export async function forecast(cfg: Config): Promise<number> {
  const r = await forecastJob(cfg, { log: consoleLog });
  if (r.kept) console.log(`forecast: nothing new: snapshot ${r.kept} kept`);
  if (r.failed > 0) {
    console.error(
      `forecast: ${r.failed} series could not forecast (named above; exit 1), the others were written`,
    );
    return 1;
  }
  return 0;
}
