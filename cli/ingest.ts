/**
 * `ingest`: candles from the sample market, files, or exchanges through
 * ccxt; or series resampled to a coarser timeframe, or one symbol
 * consolidated across exchanges.
 *
 * ```sh
 * deno task ingest --source sample [--days N] [--symbols …] [--timeframes …]
 * deno task ingest --source <exchange> --symbols BTC/USDT,… [--timeframes 1h,1d] [--since DATE] [--until DATE]
 * deno task ingest --file PATH [--exchange ID] [--symbol BASE/QUOTE] [--timeframe TF]
 * deno task ingest --resample FROM:TO [--exchange ID] [--symbols …]
 * deno task ingest --consolidate SYMBOL --timeframe TF --exchanges A,B [--as NAME]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { progressPrinter } from "../loaders/exchanges/mod.ts";
import {
  consoleLog,
  consolidateJob,
  ingestExchangeJob,
  ingestFilesJob,
  ingestSampleJob,
  resampleJob,
  UsageError,
} from "../jobs/mod.ts";
import { dateArg, intArg, symbolList, tfList } from "./args.ts";
import { printRejects } from "./_rejects.ts";

/** Runs `ingest` with its arguments; returns the exit code. */
export async function ingest(cfg: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      source: { type: "string" },
      file: { type: "string" },
      symbols: { type: "string" },
      timeframes: { type: "string" },
      days: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      exchange: { type: "string" },
      symbol: { type: "string" },
      timeframe: { type: "string" },
      resample: { type: "string" },
      consolidate: { type: "string" },
      exchanges: { type: "string" },
      as: { type: "string" },
    },
  });
  const log = consoleLog;
  if (values.consolidate) {
    const symbol = symbolList(values.consolidate)[0];
    const timeframe = values.timeframe ? tfList(values.timeframe)[0] : undefined;
    const sources = (values.exchanges ?? "").split(",").map((x) => x.trim()).filter(Boolean);
    if (!symbol || !timeframe || sources.length < 2) {
      throw new UsageError(
        "--consolidate SYMBOL needs --timeframe TF and --exchanges A,B (two or more), e.g. " +
          "--consolidate BTC/USDT --timeframe 1h --exchanges binance,kraken",
      );
    }
    const r = await consolidateJob(cfg, { symbol, timeframe, sources, as: values.as, log });
    console.log(
      `consolidate ${symbol} ${timeframe} from ${sources.join(", ")} as ${
        values.as ?? "consolidated"
      }: ${r.message}${r.incomplete ? ` (${r.incomplete} times some source lacked)` : ""}`,
    );
    return 0;
  }
  if (values.resample) {
    const [from, to] = tfList(values.resample.replace(":", ","));
    if (!to) throw new UsageError("--resample needs FROM:TO, e.g. --resample 1m:5m");
    await resampleJob(cfg, {
      from,
      to,
      exchange: values.exchange,
      symbols: values.symbols ? symbolList(values.symbols) : undefined,
      log,
    });
    return 0;
  }
  if (values.file) {
    const r = await ingestFilesJob(cfg, {
      pattern: values.file,
      exchange: values.exchange,
      symbol: values.symbol ? symbolList(values.symbol)[0] : undefined,
      timeframe: values.timeframe ? tfList(values.timeframe)[0] : undefined,
      log,
    });
    for (const f of r.result.files) console.log(`  ${f.path}: ${f.format}, ${f.rows} rows`);
    console.log(`ingest: ${r.result.message} — run ${r.result.run_id}`);
    printRejects(r);
    return 0;
  }
  if (!values.source) {
    throw new UsageError("ingest needs --source sample|<exchange id> or --file PATH");
  }
  if (values.source !== "sample") {
    if (!values.symbols) {
      throw new UsageError("ingest --source <exchange> needs --symbols BTC/USDT,…");
    }
    const source = values.source;
    const r = await ingestExchangeJob(cfg, {
      exchange: source,
      symbols: symbolList(values.symbols),
      timeframes: values.timeframes ? tfList(values.timeframes) : ["1h"],
      since: values.since ? dateArg("since", values.since) : undefined,
      until: values.until ? dateArg("until", values.until) : undefined,
      progress: progressPrinter(),
      log,
    });
    console.log(
      `ingest ${source}: ${r.message} — ${r.requests} requests, ${r.retries} retries, ` +
        `${r.gapsRefetched} gaps re-requested — run ${r.run_id}`,
    );
    return 0;
  }
  const r = await ingestSampleJob(cfg, {
    days: values.days ? intArg("days", values.days) : undefined,
    symbols: values.symbols ? symbolList(values.symbols) : undefined,
    timeframes: values.timeframes ? tfList(values.timeframes) : undefined,
    log,
  });
  console.log(`ingest sample (synthetic): ${r.message} — run ${r.run_id}`);
  return 0;
}
