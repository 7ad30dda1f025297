/**
 * The main job, offline: the warehouse, the embedded sample market and its
 * signal, training of the series that are due (champions under a day old
 * are kept), forecasts, and a published snapshot. The site and the server
 * come after it (the CLI's `start`).
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { registerKey } from "../warehouse/keys.ts";
import { publish } from "../warehouse/publish.ts";
import { ingestSample, SAMPLE_EXCHANGE, SAMPLE_SYMBOLS } from "../loaders/sample/mod.ts";
import { ingestSampleSignal } from "../loaders/signals/mod.ts";
import { dueSeries } from "../pipeline/schedule.ts";
import { forecastAndLog } from "./forecast.ts";
import { ENV_KEY_NAME } from "./keys.ts";
import { consoleLog, type Log } from "./log.ts";
import { trainAll } from "./train.ts";
import { withWriter } from "./writer.ts";

/** Options for {@link startJob}. */
export interface StartOptions {
  /** Days of sample candles. Default the sample's. */
  days?: number;
  /** Default the sample's symbols. */
  symbols?: string[];
  horizons?: number[];
  /** Retrain every series, young champions included. */
  retrain?: boolean;
  /** The time since the run began, for progress lines (`12.3 s`). */
  lap: () => string;
  log?: Log;
}

/**
 * Runs the main job's warehouse part, logging a line per step.
 *
 * @example
 * ```ts
 * const t0 = performance.now();
 * await startJob(cfg, { lap: () => `${((performance.now() - t0) / 1000).toFixed(1)} s` });
 * ```
 */
export async function startJob(cfg: Config, options: StartOptions): Promise<void> {
  const { lap, log = consoleLog } = options;
  const symbols = options.symbols ?? SAMPLE_SYMBOLS;
  await withWriter(cfg.db, async (wh) => {
    log.out(`• warehouse ${cfg.db} ready (schema migrated)`);
    const r = await ingestSample(wh, { days: options.days, symbols });
    log.out(`• sample market ingested: ${r.message} [${lap()}]`);
    const sig = await ingestSampleSignal(wh);
    log.out(`• sample signal (synthetic fear & greed) ingested: ${sig.message} [${lap()}]`);
    const wanted = (["1d", "1h"] as const).flatMap((timeframe) =>
      symbols.map((symbol) => ({ exchange: SAMPLE_EXCHANGE, symbol, timeframe }))
    );
    // On an existing warehouse, champions younger than a day are kept (--retrain forces).
    const due = options.retrain
      ? wanted
      : await dueSeries(wh, { retrainAfterHours: 24, among: wanted });
    await trainAll(wh, due, { modelsDir: cfg.models, horizons: options.horizons, log });
    const kept = wanted.length - due.length;
    log.out(
      `• trained and evaluated ${due.length} series${
        kept ? ` (${kept} kept: champions under 24 h old; --retrain to redo)` : ""
      } [${lap()}]`,
    );
    const fc = await forecastAndLog(wh, log);
    if (fc.failed.length) log.out(`• ${fc.failed.length} series not forecast (named above)`);
    if (cfg.apiKey) await registerKey(wh, cfg.apiKey, ENV_KEY_NAME);
    await publish(wh, { warn: log.err });
    log.out(`• snapshot published [${lap()}]`);
  }, { log });
}
