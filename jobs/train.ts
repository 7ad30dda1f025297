/**
 * Training as a job: the series to train (stored ones only, a shard of them),
 * each trained and evaluated in turn with one XGBoost pool, then forecasts
 * and a published snapshot.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Timeframe } from "../core/candles.ts";
import { type Series, seriesKey, seriesLabel } from "../core/series.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { publish } from "../warehouse/publish.ts";
import { InsufficientDataError, trainSeries } from "../pipeline/train.ts";
import { XgbPool } from "../pipeline/models/mod.ts";
import { inShard, type Shard } from "../pipeline/schedule.ts";
import { UsageError } from "./errors.ts";
import { forecastAndLog } from "./forecast.ts";
import { consoleLog, type Log } from "./log.ts";
import { withWriter } from "./writer.ts";

/** Training settings passed on to every series. */
export interface TrainSettings {
  horizons?: number[];
  seed?: number;
  folds?: number;
}

/** Options for {@link trainAll}. */
export interface TrainAllOptions extends TrainSettings {
  /** Where artifacts are written (`PREVISION_MODELS`). */
  modelsDir: string;
  /** A series with too few candles is logged and skipped instead of failing the run. */
  skipShort?: boolean;
  log?: Log;
}

/**
 * Trains and evaluates each series in turn, logging each one's headline.
 *
 * @example
 * ```ts
 * await trainAll(wh, due, { modelsDir: cfg.models, skipShort: true });
 * ```
 */
export async function trainAll(
  wh: Warehouse,
  series: Series[],
  options: TrainAllOptions,
): Promise<void> {
  const { log = consoleLog, skipShort, modelsDir, ...settings } = options;
  const pool = new XgbPool();
  try {
    for (const s of series) {
      let r;
      try {
        r = await trainSeries(wh, s, { modelsDir, ...settings, pool });
      } catch (err) {
        if (!(skipShort && err instanceof InsufficientDataError)) throw err;
        log.out(`  ${seriesLabel(s)}: skipped — ${err.message}`);
        continue;
      }
      const x = r.summaries.find((m) => m.model === "xgboost");
      for (const j of r.signals) {
        log.out(`  ${s.symbol} ${s.timeframe} ${j.model}: ${j.headline}`);
      }
      log.out(
        `  ${s.symbol} ${s.timeframe}: champion ${r.champion} — xgboost MASE ${
          x?.mase.toFixed(3)
        }, ` +
          `80% coverage ${((x?.coverage80 ?? NaN) * 100).toFixed(1)}% (${
            (r.ms / 1000).toFixed(1)
          } s)`,
      );
    }
  } finally {
    pool.close();
  }
}

/** Options for {@link trainJob}. */
export interface TrainJobOptions extends TrainSettings {
  /** Default: the exchange with the most candles. */
  exchange?: string;
  /** Default: every symbol stored for the exchange. */
  symbols?: string[];
  /** Default: 1d and 1h. */
  timeframes?: Timeframe[];
  /** Train only this shard's share of the series. */
  shard?: Shard;
  log?: Log;
}

/** What {@link trainJob} did. */
export interface TrainJobReport {
  /** Series that could not forecast after training (named in the log). */
  failed: number;
}

/**
 * The `train` task: trains the requested series that have candles (naming the
 * others), forecasts from every champion and publishes. Throws a
 * {@link UsageError} when none of them has candles.
 *
 * @example
 * ```ts
 * const r = await trainJob(cfg, { symbols: ["BTC/USDT"], timeframes: ["1d"] });
 * ```
 */
export async function trainJob(
  cfg: Config,
  options: TrainJobOptions = {},
): Promise<TrainJobReport> {
  const { log = consoleLog, shard } = options;
  return await withWriter(cfg.db, async (wh) => {
    const exchange = options.exchange ?? (await defaultExchange(wh));
    const symbols = options.symbols ??
      (await wh.rows<{ symbol: string }>(
        "SELECT DISTINCT symbol FROM ohlcv WHERE exchange = ? ORDER BY 1",
        [exchange],
      )).map((r) => r.symbol);
    const timeframes = options.timeframes ?? ["1d", "1h"] as Timeframe[];
    const requested = timeframes.flatMap((timeframe) =>
      symbols.map((symbol) => ({ exchange, symbol, timeframe }))
    );
    // Only stored series are trained; the others are named, not a crash.
    const stored = new Set(
      (await wh.rows<Series>(
        "SELECT DISTINCT exchange, symbol, timeframe FROM ohlcv WHERE exchange = ?",
        [exchange],
      )).map(seriesKey),
    );
    const all = requested.filter((s) => stored.has(seriesKey(s)));
    for (const s of requested.filter((s) => !all.includes(s))) {
      log.err(`train: no candles for ${s.symbol} ${s.timeframe} on ${exchange}: skipped`);
    }
    if (all.length === 0) {
      throw new UsageError(
        `None of the requested series has candles on ${exchange}: ingest them first ` +
          `(deno task ingest), or name stored ones with --symbols and --timeframe`,
      );
    }
    const series = shard ? all.filter((s) => inShard(s, shard)) : all;
    if (shard) {
      log.out(
        `train: shard ${shard.index}/${shard.count}: ${series.length} of ${all.length} series`,
      );
    }
    await trainAll(wh, series, {
      modelsDir: cfg.models,
      horizons: options.horizons,
      seed: options.seed,
      folds: options.folds,
      log,
    });
    const failed = (await forecastAndLog(wh, log)).failed.length;
    await publish(wh, { warn: log.err });
    return { failed };
  }, { log });
}

/** The exchange with the most candles. */
async function defaultExchange(wh: Warehouse): Promise<string> {
  const r = await wh.one<{ exchange: string }>(
    "SELECT exchange FROM ohlcv GROUP BY exchange ORDER BY count(*) DESC LIMIT 1",
  );
  if (!r) throw new UsageError("The warehouse has no candles yet: run deno task ingest first");
  return r.exchange;
}
