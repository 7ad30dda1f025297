/**
 * `start`: the main job, offline — warehouse, sample market, training and
 * evaluation, forecasts, a snapshot, the site — then serves site and API.
 *
 * ```sh
 * deno task start [--no-serve] [--days N] [--symbols BTC/USDT,…] [--horizons 1,2] [--retrain]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { consoleLog, startJob, startKey } from "../jobs/mod.ts";
import { api } from "./api.ts";
import { intArg, intList, symbolList } from "./args.ts";
import { site } from "./site.ts";

/** Runs `start` with its arguments; returns the exit code (when serving: when stopped). */
export async function start(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      "no-serve": { type: "boolean" },
      days: { type: "string" },
      symbols: { type: "string" },
      horizons: { type: "string" },
      retrain: { type: "boolean" },
    },
  });
  const symbols = values.symbols ? symbolList(values.symbols) : undefined;
  const t0 = performance.now();
  const lap = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  console.log("Prévision — the main job, offline, on the embedded SAMPLE market (synthetic data).");
  await startJob(cfg, {
    days: values.days ? intArg("days", values.days) : undefined,
    symbols,
    horizons: values.horizons ? intList("horizons", values.horizons) : undefined,
    retrain: values.retrain,
    lap,
    log: consoleLog,
  });
  await site(cfg);
  console.log(`• site built into ${cfg.dist}/ [${lap()}]`);
  if (values["no-serve"]) return 0;
  const newKey = await startKey(cfg, { log: consoleLog });
  return await api(cfg, { newKey, readyIn: lap() });
}
