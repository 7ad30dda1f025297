/**
 * `update`: incremental ingest and signals, retraining when due, forecasts,
 * and a snapshot when anything changed — cron-friendly and idempotent.
 *
 * ```sh
 * deno task update [--retrain-after HOURS] [--shard i/n] [--signals fear-greed,token-metrics]
 * ```
 *
 * Exit codes: 0 done, 1 something failed (named), 75 another update is
 * running (a temporary failure: cron simply tries again next time).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { LockedError } from "../warehouse/lock.ts";
import { consoleLog, signalEnv, updateJob } from "../jobs/mod.ts";
import { intArg, shardArg } from "./args.ts";

/** Runs `update` with its arguments; returns the exit code. */
export async function update(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      "retrain-after": { type: "string" },
      shard: { type: "string" },
      signals: { type: "string" },
    },
  });
  const hours = values["retrain-after"]
    ? intArg("retrain-after", values["retrain-after"])
    : undefined;
  const shard = values.shard ? shardArg(values.shard) : undefined;
  let r;
  try {
    r = await updateJob(cfg, {
      retrainAfterHours: hours,
      shard,
      signals: values.signals?.split(",").map((s) => s.trim().toLowerCase()),
      signalEnv: signalEnv(),
      log: consoleLog,
    });
  } catch (err) {
    if (!(err instanceof LockedError)) throw err;
    console.error(`update: ${err.message}`);
    return 75;
  }
  if (r.kept) console.log(`update: nothing new: snapshot ${r.kept} kept`);
  if (r.failures.length > 0) {
    console.error(`update: finished with ${r.failures.length} failure(s), named above (exit 1)`);
    return 1;
  }
  return 0;
}
