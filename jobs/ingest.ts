/**
 * Candles into the warehouse as jobs — the sample market, files, an exchange
 * through ccxt, resampling to a coarser timeframe, one symbol consolidated
 * across exchanges — each publishing a snapshot when done.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Timeframe } from "../core/candles.ts";
import { publish } from "../warehouse/publish.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import type { IngestResult } from "../loaders/store.ts";
import { type FileIngestResult, ingestFiles, MissingOptionError } from "../loaders/files/mod.ts";
import {
  type ExchangeIngestOptions,
  type ExchangeIngestResult,
  ingestExchange,
} from "../loaders/exchanges/mod.ts";
import { resampleSeries } from "../loaders/resample.ts";
import { type ConsolidateResult, consolidateSeries } from "../loaders/consolidate.ts";
import { UsageError } from "./errors.ts";
import { consoleLog, type Log } from "./log.ts";
import { type RunReport, runReport } from "./rejects.ts";
import { withWriter } from "./writer.ts";

/**
 * `ingest --source sample`: the embedded sample market, then publishing.
 *
 * @example
 * ```ts
 * const r = await ingestSampleJob(cfg, { days: 30 });
 * ```
 */
export async function ingestSampleJob(
  cfg: Config,
  options: { days?: number; symbols?: string[]; timeframes?: Timeframe[]; log?: Log } = {},
): Promise<IngestResult> {
  const { log = consoleLog, ...rest } = options;
  return await withWriter(cfg.db, async (wh) => {
    const r = await ingestSample(wh, rest);
    await publish(wh, { warn: log.err });
    return r;
  }, { log });
}

/**
 * `ingest --source <exchange>`: candles through ccxt, then publishing. An
 * impossible range is a {@link UsageError}.
 *
 * @example
 * ```ts
 * const r = await ingestExchangeJob(cfg, { exchange: "binance", symbols: ["BTC/USDT"], timeframes: ["1h"] });
 * ```
 */
export async function ingestExchangeJob(
  cfg: Config,
  options: ExchangeIngestOptions & { log?: Log },
): Promise<ExchangeIngestResult> {
  const { log = consoleLog, ...rest } = options;
  return await withWriter(cfg.db, async (wh) => {
    let r;
    try {
      r = await ingestExchange(wh, rest);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    await publish(wh, { warn: log.err });
    return r;
  }, { log });
}

/**
 * `ingest --file`: every file of a pattern, then publishing. An option the
 * files need (an exchange, a symbol) is a {@link UsageError} naming it.
 *
 * @example
 * ```ts
 * const r = await ingestFilesJob(cfg, { pattern: "data/*.csv", exchange: "binance" });
 * ```
 */
export async function ingestFilesJob(
  cfg: Config,
  options: {
    pattern: string;
    exchange?: string;
    symbol?: string;
    timeframe?: Timeframe;
    log?: Log;
  },
): Promise<RunReport<FileIngestResult>> {
  const { log = consoleLog, pattern, ...rest } = options;
  return await withWriter(cfg.db, async (wh) => {
    let r;
    try {
      r = await ingestFiles(wh, pattern, rest);
    } catch (err) {
      if (err instanceof MissingOptionError) throw new UsageError(err.message);
      throw err;
    }
    const report = await runReport(wh, r);
    await publish(wh, { warn: log.err });
    return report;
  }, { log });
}

/**
 * `ingest --resample FROM:TO`: every stored `from` series (of `exchange`,
 * among `symbols` when given) resampled to `to`, each logged, then publishing.
 *
 * @example
 * ```ts
 * await resampleJob(cfg, { from: "1m", to: "5m" });
 * ```
 */
export async function resampleJob(
  cfg: Config,
  options: { from: Timeframe; to: Timeframe; exchange?: string; symbols?: string[]; log?: Log },
): Promise<void> {
  const { from, to, log = consoleLog } = options;
  await withWriter(cfg.db, async (wh) => {
    const series = await wh.rows<{ exchange: string; symbol: string }>(
      "SELECT DISTINCT exchange, symbol FROM ohlcv WHERE timeframe = ? ORDER BY ALL",
      [from],
    );
    const wanted = series.filter((x) =>
      (!options.exchange || x.exchange === options.exchange) &&
      (!options.symbols || options.symbols.includes(x.symbol))
    );
    if (wanted.length === 0) throw new UsageError(`No ${from} series to resample`);
    for (const x of wanted) {
      const r = await resampleSeries(wh, { ...x, from, to });
      log.out(
        `resample ${x.exchange} ${x.symbol} ${from} → ${to}: ${r.loaded} loaded, ${r.duplicate} unchanged, ${r.incomplete} incomplete buckets left out`,
      );
    }
    await publish(wh, { warn: log.err });
  }, { log });
}

/**
 * `ingest --consolidate SYMBOL`: one symbol's candles combined across
 * `sources` into the exchange `as` (default `consolidated`), then publishing.
 *
 * @example
 * ```ts
 * await consolidateJob(cfg, { symbol: "BTC/USDT", timeframe: "1h", sources: ["binance", "kraken"] });
 * ```
 */
export async function consolidateJob(
  cfg: Config,
  options: { symbol: string; timeframe: Timeframe; sources: string[]; as?: string; log?: Log },
): Promise<ConsolidateResult> {
  const { log = consoleLog, ...rest } = options;
  return await withWriter(cfg.db, async (wh) => {
    const r = await consolidateSeries(wh, rest);
    await publish(wh, { warn: log.err });
    return r;
  }, { log });
}
