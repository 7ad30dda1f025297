/**
 * `signals`: external signals into the warehouse, point in time.
 *
 * ```sh
 * deno task signals --source fear-greed [--since DATE]
 * deno task signals --source token-metrics [--symbol BTC/USDT,ETH/USDT] [--since DATE] [--until DATE]
 * deno task signals --file PATH --source NAME [--symbol BASE/QUOTE]
 * ```
 *
 * Live pulls resume from the last stored day when `--since` is not given.
 * `update` pulls the live sources that are configured (jobs/signals.ts
 * `updateSignals`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import {
  consoleLog,
  fileSourceName,
  importSignalsJob,
  liveSource,
  pullSignalsJob,
  type RunReport,
  signalEnv,
  UsageError,
} from "../jobs/mod.ts";
import { dateArg, symbolList } from "./args.ts";
import { printRejects } from "./_rejects.ts";

/** Runs `signals` with its arguments; returns the exit code. */
export async function signals(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      source: { type: "string" },
      file: { type: "string" },
      symbol: { type: "string" },
      symbols: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
    },
  });
  const usage = "signals --source fear-greed|token-metrics [--symbol BASE/QUOTE] [--since DATE]" +
    " | signals --file PATH --source NAME [--symbol BASE/QUOTE]";
  if (!values.source) throw new UsageError(`signals needs --source. Usage: ${usage}`);
  const symbolArg = values.symbol ?? values.symbols;
  const symbols = symbolArg ? symbolList(symbolArg) : undefined;
  const since = values.since ? dateArg("since", values.since) : undefined;
  const until = values.until ? dateArg("until", values.until) : undefined;
  const env = signalEnv();
  if (values.file) {
    const source = fileSourceName(values.source);
    if (symbols && symbols.length > 1) throw new UsageError("--file takes one --symbol");
    const r = await importSignalsJob(cfg, {
      pattern: values.file,
      source,
      symbol: symbols?.[0],
      log: consoleLog,
    });
    printRun(`signals ${source}`, r);
    return 0;
  }
  const source = liveSource(values.source);
  const r = await pullSignalsJob(cfg, { source, env, symbols, since, until, log: consoleLog });
  printRun(`signals ${source}`, r);
  return 0;
}

/** Prints a run's accounting and its most frequent reject reasons. */
function printRun(
  what: string,
  r: RunReport<{ message: string; run_id: string; rows_rejected: number }>,
): void {
  console.log(`${what}: ${r.result.message} — run ${r.result.run_id}`);
  printRejects(r);
  console.log(
    `  see them: deno task sql "SELECT source, symbol, name, count(*) AS n, min(ts), max(ts) FROM signals GROUP BY ALL"`,
  );
}
