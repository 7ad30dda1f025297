/**
 * `ingest`: candles from the sample market, files, or exchanges through ccxt.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { ingestFiles, MissingOptionError } from "../loaders/files/mod.ts";
import { ingestExchange, progressPrinter } from "../loaders/exchanges/mod.ts";
import { REJECT_KIND_SQL } from "../warehouse/views.ts";
import { resampleSeries } from "../loaders/resample.ts";
import { consolidateSeries } from "../loaders/consolidate.ts";
import { dateArg, intArg, publish, symbolList, tfList, UsageError, withWriter } from "./_common.ts";

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
    return await withWriter(cfg, async (wh) => {
      const r = await consolidateSeries(wh, { symbol, timeframe, sources, as: values.as });
      console.log(
        `consolidate ${symbol} ${timeframe} from ${sources.join(", ")} as ${
          values.as ?? "consolidated"
        }: ${r.message}${r.incomplete ? ` (${r.incomplete} times some source lacked)` : ""}`,
      );
      await publish(wh, cfg);
    });
  }
  if (values.resample) {
    const [from, to] = tfList(values.resample.replace(":", ","));
    if (!to) throw new UsageError("--resample needs FROM:TO, e.g. --resample 1m:5m");
    return await withWriter(cfg, async (wh) => {
      const series = await wh.rows<{ exchange: string; symbol: string }>(
        "SELECT DISTINCT exchange, symbol FROM ohlcv WHERE timeframe = ? ORDER BY ALL",
        [from],
      );
      const wanted = series.filter((x) =>
        (!values.exchange || x.exchange === values.exchange) &&
        (!values.symbols || symbolList(values.symbols).includes(x.symbol))
      );
      if (wanted.length === 0) throw new UsageError(`No ${from} series to resample`);
      for (const x of wanted) {
        const r = await resampleSeries(wh, { ...x, from, to });
        console.log(
          `resample ${x.exchange} ${x.symbol} ${from} → ${to}: ${r.loaded} loaded, ${r.duplicate} unchanged, ${r.incomplete} incomplete buckets left out`,
        );
      }
      await publish(wh, cfg);
    });
  }
  if (values.file) {
    const tf = values.timeframe ? tfList(values.timeframe)[0] : undefined;
    return await withWriter(cfg, async (wh) => {
      let r;
      try {
        r = await ingestFiles(wh, values.file!, {
          exchange: values.exchange,
          symbol: values.symbol ? symbolList(values.symbol)[0] : undefined,
          timeframe: tf,
        });
      } catch (err) {
        if (err instanceof MissingOptionError) throw new UsageError(err.message);
        throw err;
      }
      for (const f of r.files) console.log(`  ${f.path}: ${f.format}, ${f.rows} rows`);
      console.log(`ingest: ${r.message} — run ${r.run_id}`);
      if (r.rows_rejected > 0) {
        const reasons = await wh.rows<{ reason: string; n: number }>(
          `SELECT ${REJECT_KIND_SQL} AS reason, count(*) AS n
           FROM rejects WHERE run_id = ? GROUP BY 1 ORDER BY n DESC LIMIT 5`,
          [r.run_id],
        );
        for (const x of reasons) console.log(`  rejected ${x.n}× ${x.reason}`);
        console.log(
          `  every rejected row: deno task sql "SELECT * FROM rejects WHERE run_id = '${r.run_id}'"`,
        );
      }
      await publish(wh, cfg);
    });
  }
  if (!values.source) {
    throw new UsageError("ingest needs --source sample|<exchange id> or --file PATH");
  }
  if (values.source !== "sample") {
    if (!values.symbols) {
      throw new UsageError("ingest --source <exchange> needs --symbols BTC/USDT,…");
    }
    const source = values.source;
    return await withWriter(cfg, async (wh) => {
      let r;
      try {
        r = await ingestExchange(wh, {
          exchange: source,
          symbols: symbolList(values.symbols!),
          timeframes: values.timeframes ? tfList(values.timeframes) : ["1h"],
          since: values.since ? dateArg("since", values.since) : undefined,
          until: values.until ? dateArg("until", values.until) : undefined,
          progress: progressPrinter(),
        });
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
      }
      console.log(
        `ingest ${source}: ${r.message} — ${r.requests} requests, ${r.retries} retries, ` +
          `${r.gapsRefetched} gaps re-requested — run ${r.run_id}`,
      );
      await publish(wh, cfg);
    });
  }
  return await withWriter(cfg, async (wh) => {
    const r = await ingestSample(wh, {
      days: values.days ? intArg("days", values.days) : undefined,
      symbols: values.symbols ? symbolList(values.symbols) : undefined,
      timeframes: values.timeframes ? tfList(values.timeframes) : undefined,
    });
    console.log(`ingest sample (synthetic): ${r.message} — run ${r.run_id}`);
    await publish(wh, cfg);
  });
}
