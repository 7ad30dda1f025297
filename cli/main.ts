/**
 * The command line: one verb per `deno task`. Each verb parses its
 * arguments, calls a job (jobs/) and prints the job's report.
 *
 * Exit codes: 0 done, 1 failed, 2 bad usage, 75 another
 * `update` is running (a temporary failure: cron simply tries again next time).
 *
 * @module
 */
import { loadConfig, loadDotEnv } from "../core/config.ts";
import { UsageError } from "../jobs/mod.ts";
import { api } from "./api.ts";
import { forecast } from "./forecast.ts";
import { ingest } from "./ingest.ts";
import { keys } from "./keys.ts";
import { signals } from "./signals.ts";
import { site } from "./site.ts";
import { sql } from "./sql.ts";
import { start } from "./start.ts";
import { train } from "./train.ts";
import { update } from "./update.ts";

/** Runs a verb with its arguments; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  loadDotEnv();
  const cfg = loadConfig();
  switch (verb) {
    case "start":
      return await start(cfg, rest);
    case "ingest":
      return await ingest(cfg, rest);
    case "signals":
      return await signals(cfg, rest);
    case "train":
      return await train(cfg, rest);
    case "forecast":
      return await forecast(cfg);
    case "update":
      return await update(cfg, rest);
    case "api":
      return await api(cfg);
    case "site":
      return await site(cfg);
    case "sql":
      return await sql(cfg, rest);
    case "keys":
      return await keys(cfg, rest);
    default:
      throw new UsageError(
        `Unknown command "${
          verb ?? ""
        }". Commands: start, ingest, signals, train, forecast, update, api, site, sql, keys, bench, test (see README.md).`,
      );
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    if (
      err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error((err as Error).message);
      Deno.exit(2);
    }
    console.error(`Failed: ${err instanceof Error ? err.message : String(err)}`);
    if (Deno.env.get("PREVISION_DEBUG")) console.error(err);
    Deno.exit(1);
  }
}
