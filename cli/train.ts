/**
 * `train`: features, walk-forward evaluation against baselines, XGBoost, the
 * registry and promotion, for the requested series that have candles; then
 * forecasts and a snapshot.
 *
 * ```sh
 * deno task train [--symbols BTC/USDT,…] [--timeframe 1d,1h] [--horizons 1,2] [--seed N]
 *                 [--exchange ID] [--folds N] [--shard i/n]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { consoleLog, trainJob } from "../jobs/mod.ts";
import { intArg, intList, shardArg, symbolList, tfList } from "./args.ts";

/** Runs `train` with its arguments; returns the exit code. */
export async function train(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      symbols: { type: "string" },
      timeframe: { type: "string" },
      horizons: { type: "string" },
      seed: { type: "string" },
      exchange: { type: "string" },
      folds: { type: "string" },
      shard: { type: "string" },
    },
  });
  const shard = values.shard ? shardArg(values.shard) : undefined;
  const r = await trainJob(cfg, {
    exchange: values.exchange,
    symbols: values.symbols ? symbolList(values.symbols) : undefined,
    timeframes: values.timeframe ? tfList(values.timeframe) : undefined,
    shard,
    horizons: values.horizons ? intList("horizons", values.horizons) : undefined,
    seed: values.seed ? intArg("seed", values.seed) : undefined,
    folds: values.folds ? intArg("folds", values.folds) : undefined,
    log: consoleLog,
  });
  if (r.failed > 0) {
    console.error(`train: ${r.failed} series could not forecast, named above (exit 1)`);
    return 1;
  }
  return 0;
}
