/**
 * Live external signals as jobs: pulls that resume from the last stored day,
 * and `update`'s signal step, which pulls the live sources that are
 * configured. Signal files are `signal_files.ts`.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { publish } from "../warehouse/publish.ts";
import {
  DAY_MS,
  FEAR_GREED_SOURCE,
  fetchFearGreed,
  fetchTokenMetrics,
  ingestSignals,
  MissingKeyError,
  type SignalIngestResult,
  TOKEN_METRICS_SOURCE,
} from "../loaders/signals/mod.ts";
import type { GetJsonOptions } from "../loaders/signals/http.ts";
import { UsageError } from "./errors.ts";
import { consoleLog, type Log } from "./log.ts";
import { type RunReport, runReport } from "./rejects.ts";
import { withWriter } from "./writer.ts";

/** The live sources `signals --source` knows. */
export const LIVE_SOURCES = [FEAR_GREED_SOURCE, TOKEN_METRICS_SOURCE] as const;

/** Signal settings from the environment (a `.env` is loaded by the tasks). */
export interface SignalEnv {
  /** `FEAR_GREED_BASE_URL`. */
  fearGreedUrl?: string;
  /** `TOKEN_METRICS_BASE_URL`. */
  tokenMetricsUrl?: string;
  /** `TOKEN_METRICS_API_KEY` (never printed). */
  tokenMetricsKey?: string;
}

/**
 * Reads {@link SignalEnv}.
 *
 * @example
 * ```ts
 * const env = signalEnv();
 * ```
 */
export function signalEnv(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): SignalEnv {
  return {
    fearGreedUrl: env("FEAR_GREED_BASE_URL") || undefined,
    tokenMetricsUrl: env("TOKEN_METRICS_BASE_URL") || undefined,
    tokenMetricsKey: env("TOKEN_METRICS_API_KEY") || undefined,
  };
}

/**
 * A live source's name, lowercased; a {@link UsageError} naming the live
 * sources when it is none of them.
 *
 * @example
 * ```ts
 * liveSource("Fear-Greed"); // "fear-greed"
 * ```
 */
export function liveSource(name: string): string {
  const source = name.toLowerCase();
  if (!(LIVE_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(
      `Unknown signal source "${name}": live sources are ${
        LIVE_SOURCES.join(", ")
      }; for a file use --file PATH --source NAME`,
    );
  }
  return source;
}

/**
 * The `signals --source` task: one live pull, then publishing.
 *
 * @example
 * ```ts
 * const r = await pullSignalsJob(cfg, { source: "fear-greed", env: signalEnv() });
 * ```
 */
export async function pullSignalsJob(
  cfg: Config,
  options: {
    /** One of {@link LIVE_SOURCES}. */
    source: string;
    env: SignalEnv;
    symbols?: string[];
    since?: number;
    until?: number;
    log?: Log;
  },
): Promise<RunReport<SignalIngestResult>> {
  const { env, since, log = consoleLog } = options;
  return await withWriter(cfg.db, async (wh) => {
    const result = options.source === FEAR_GREED_SOURCE
      ? await pullFearGreed(wh, { baseUrl: env.fearGreedUrl, since, log })
      : await pullTokenMetrics(wh, {
        apiKey: env.tokenMetricsKey,
        baseUrl: env.tokenMetricsUrl,
        symbols: options.symbols,
        since,
        until: options.until,
        log,
      });
    const report = await runReport(wh, result);
    await publish(wh, { warn: log.err });
    return report;
  }, { log });
}

/** Options shared by the live pulls. */
interface PullOptions {
  baseUrl?: string;
  since?: number;
  now?: number;
  http?: Partial<GetJsonOptions>;
  /** Retries are logged to `err`. */
  log?: Log;
}

/**
 * Pulls the Fear & Greed history (from `since`, else from the last stored day).
 *
 * @example
 * ```ts
 * const r = await pullFearGreed(wh, { baseUrl: env.fearGreedUrl });
 * ```
 */
export async function pullFearGreed(
  wh: Warehouse,
  options: PullOptions,
): Promise<SignalIngestResult> {
  const now = options.now ?? Date.now();
  const since = options.since ?? await resumeFrom(wh, FEAR_GREED_SOURCE, null);
  const pulled = await fetchFearGreed({
    baseUrl: options.baseUrl,
    since,
    now,
    http: { onRetry: retryLine(options.log ?? consoleLog), ...options.http },
  });
  return await ingestSignals(wh, FEAR_GREED_SOURCE, pulled.rows, {
    now,
    rejects: pulled.rejects,
    params: { since: since ?? null, requests: pulled.requests },
  });
}

/**
 * Pulls Token Metrics trading signals for `symbols` (else the symbols pulled
 * before, else the warehouse's non-sample symbols) from `since` (else the
 * last stored day, else 365 days back).
 *
 * @example
 * ```ts
 * const r = await pullTokenMetrics(wh, { apiKey: env.tokenMetricsKey, symbols: ["BTC/USDT"] });
 * ```
 */
export async function pullTokenMetrics(
  wh: Warehouse,
  options: PullOptions & { apiKey?: string; symbols?: string[]; until?: number },
): Promise<SignalIngestResult> {
  const now = options.now ?? Date.now();
  if (!options.apiKey) {
    throw new UsageError(
      "Token Metrics needs an API key: set TOKEN_METRICS_API_KEY (in the environment or in .env)",
    );
  }
  const symbols = options.symbols ?? await tokenMetricsSymbols(wh);
  if (symbols.length === 0) {
    throw new UsageError(
      "signals --source token-metrics needs --symbol BASE/QUOTE (no symbol pulled before, no candles)",
    );
  }
  const since = options.since ??
    (await resumeFrom(wh, TOKEN_METRICS_SOURCE, symbols)) ?? now - 365 * DAY_MS;
  let pulled;
  try {
    pulled = await fetchTokenMetrics({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      symbols,
      since,
      until: options.until,
      now,
      http: { onRetry: retryLine(options.log ?? consoleLog), ...options.http },
    });
  } catch (err) {
    if (err instanceof MissingKeyError || err instanceof RangeError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
  return await ingestSignals(wh, TOKEN_METRICS_SOURCE, pulled.rows, {
    now,
    rejects: pulled.rejects,
    params: {
      symbols,
      since: new Date(since).toISOString().slice(0, 10),
      requests: pulled.requests,
    },
  });
}

/**
 * `update`'s signal step: pulls the live sources that are configured — Fear &
 * Greed when `FEAR_GREED_BASE_URL` is set (offline machines have no
 * alternative.me), Token Metrics when `TOKEN_METRICS_API_KEY` is set, for the
 * symbols pulled before — or named in `force`. Skips the others with a line
 * saying why. One failing source does not stop the others.
 *
 * @example
 * ```ts
 * const { failures } = await updateSignals(wh, signalEnv(), { force: ["fear-greed"] });
 * ```
 */
export async function updateSignals(
  wh: Warehouse,
  env: SignalEnv,
  options: {
    force?: readonly string[];
    log?: Log;
    /** Retry settings for the requests (tests). */
    http?: Partial<GetJsonOptions>;
  } = {},
): Promise<{ failures: string[] }> {
  const log = options.log ?? consoleLog;
  const force = new Set(options.force ?? []);
  const failures: string[] = [];
  const run = async (name: string, pull: () => Promise<SignalIngestResult>) => {
    try {
      const r = await pull();
      log.out(`update: signals ${name} ${r.message}`);
    } catch (err) {
      failures.push(`signals ${name}: ${err instanceof Error ? err.message : String(err)}`);
      log.err(`update: ${failures.at(-1)}`);
    }
  };
  if (env.fearGreedUrl || force.has(FEAR_GREED_SOURCE)) {
    await run(
      FEAR_GREED_SOURCE,
      () => pullFearGreed(wh, { baseUrl: env.fearGreedUrl, http: options.http, log }),
    );
  } else {
    log.out(
      "update: signals fear-greed skipped (set FEAR_GREED_BASE_URL or pass --signals fear-greed)",
    );
  }
  if (env.tokenMetricsKey || force.has(TOKEN_METRICS_SOURCE)) {
    const pulledBefore = await tokenMetricsSymbols(wh, { onlyPulled: true });
    if (pulledBefore.length === 0) {
      log.out(
        "update: signals token-metrics skipped (nothing pulled yet: deno task signals --source token-metrics --symbol BASE/QUOTE)",
      );
    } else {
      await run(TOKEN_METRICS_SOURCE, () =>
        pullTokenMetrics(wh, {
          apiKey: env.tokenMetricsKey,
          baseUrl: env.tokenMetricsUrl,
          symbols: pulledBefore,
          http: options.http,
          log,
        }));
    }
  } else {
    log.out("update: signals token-metrics skipped (TOKEN_METRICS_API_KEY is not set)");
  }
  return { failures };
}

/** The day to resume a source from: a day before its last stored one (values can be revised). */
async function resumeFrom(
  wh: Warehouse,
  source: string,
  symbols: readonly string[] | null,
): Promise<number | undefined> {
  const rows = symbols === null
    ? await wh.rows<{ last: string | null }>(
      "SELECT max(ts) AS last FROM signals WHERE source = ? AND symbol IS NULL",
      [source],
    )
    : await wh.rows<{ last: string | null }>(
      `SELECT symbol, max(ts) AS last FROM signals
       WHERE source = ? AND symbol IN (${symbols.map(() => "?").join(", ")}) GROUP BY symbol`,
      [source, ...symbols],
    );
  // Every asked-for symbol must have history, or the pull starts from scratch.
  if (rows.length < (symbols?.length ?? 1) || rows.some((r) => !r.last)) return undefined;
  return Math.min(...rows.map((r) => Date.parse(r.last!))) - DAY_MS;
}

async function tokenMetricsSymbols(
  wh: Warehouse,
  options: { onlyPulled?: boolean } = {},
): Promise<string[]> {
  const pulled = await wh.rows<{ symbol: string }>(
    "SELECT DISTINCT symbol FROM signals WHERE source = ? AND symbol IS NOT NULL ORDER BY 1",
    [TOKEN_METRICS_SOURCE],
  );
  if (pulled.length > 0 || options.onlyPulled) return pulled.map((r) => r.symbol);
  return (await wh.rows<{ symbol: string }>(
    "SELECT DISTINCT symbol FROM ohlcv WHERE exchange <> 'sample' ORDER BY 1",
  )).map((r) => r.symbol);
}

function retryLine(log: Log): (why: string, waitMs: number) => void {
  return (why, waitMs) =>
    log.err(`  ${why.slice(0, 200)}; retrying in ${(waitMs / 1000).toFixed(1)} s`);
}
