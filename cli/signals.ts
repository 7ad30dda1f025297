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
 * `update` pulls the live sources that are configured (see
 * {@link updateSignals}).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { dateArg, publish, symbolList, UsageError, withWriter } from "./_common.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { REJECT_KIND_SQL } from "../warehouse/views.ts";
import { expandPaths, MissingOptionError } from "../loaders/files/mod.ts";
import { FileFormatError } from "../loaders/files/errors.ts";
import {
  checkSourceName,
  DAY_MS,
  FEAR_GREED_SOURCE,
  fetchFearGreed,
  fetchTokenMetrics,
  ingestSignals,
  MissingKeyError,
  readSignalFile,
  type SignalIngestResult,
  type SignalRow,
  TOKEN_METRICS_SOURCE,
} from "../loaders/signals/mod.ts";
import type { Rejected } from "../loaders/validate.ts";
import type { GetJsonOptions } from "../loaders/signals/http.ts";

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

/** Reads {@link SignalEnv}. */
export function signalEnv(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): SignalEnv {
  return {
    fearGreedUrl: env("FEAR_GREED_BASE_URL") || undefined,
    tokenMetricsUrl: env("TOKEN_METRICS_BASE_URL") || undefined,
    tokenMetricsKey: env("TOKEN_METRICS_API_KEY") || undefined,
  };
}

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
    let source: string;
    try {
      source = checkSourceName(values.source);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (symbols && symbols.length > 1) throw new UsageError("--file takes one --symbol");
    return await withWriter(cfg, async (wh) => {
      const r = await importSignalFiles(wh, values.file!, { source, symbol: symbols?.[0] });
      await report(wh, `signals ${source}`, r);
      await publish(wh, cfg);
    });
  }
  const source = values.source.toLowerCase();
  if (!(LIVE_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(
      `Unknown signal source "${values.source}": live sources are ${
        LIVE_SOURCES.join(", ")
      }; for a file use --file PATH --source NAME`,
    );
  }
  return await withWriter(cfg, async (wh) => {
    const r = source === FEAR_GREED_SOURCE
      ? await pullFearGreed(wh, { baseUrl: env.fearGreedUrl, since })
      : await pullTokenMetrics(wh, {
        apiKey: env.tokenMetricsKey,
        baseUrl: env.tokenMetricsUrl,
        symbols,
        since,
        until,
      });
    await report(wh, `signals ${source}`, r);
    await publish(wh, cfg);
  });
}

/**
 * Reads every file of `pattern` (a file, folder or glob) as signals and
 * stores them as one run.
 */
export async function importSignalFiles(
  wh: Warehouse,
  pattern: string,
  options: { source: string; symbol?: string; now?: number },
): Promise<SignalIngestResult> {
  let paths: string[];
  try {
    paths = await expandPaths(pattern);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rows: SignalRow[] = [];
  const rejects: Rejected[] = [];
  for (const path of paths) {
    let f;
    try {
      f = await readSignalFile(path, options);
    } catch (err) {
      if (err instanceof MissingOptionError) throw new UsageError(err.message);
      if (err instanceof FileFormatError) throw err;
      throw err;
    }
    rows.push(...f.rows);
    rejects.push(...f.rejects);
    console.log(
      `  ${path}: ${f.kind}, ${f.rows.length} values` +
        (f.skipped ? `, ${f.skipped} lines before the header skipped` : "") +
        (f.ignored.length ? `, columns left out: ${f.ignored.join(", ")}` : ""),
    );
  }
  return await ingestSignals(wh, options.source, rows, {
    now: options.now ?? Date.now(),
    rejects,
    params: { files: paths, symbol: options.symbol ?? null },
  });
}

/** Pulls the Fear & Greed history (from `since`, else from the last stored day). */
export async function pullFearGreed(
  wh: Warehouse,
  options: { baseUrl?: string; since?: number; now?: number; http?: Partial<GetJsonOptions> },
): Promise<SignalIngestResult> {
  const now = options.now ?? Date.now();
  const since = options.since ?? await resumeFrom(wh, FEAR_GREED_SOURCE, null);
  const pulled = await fetchFearGreed({
    baseUrl: options.baseUrl,
    since,
    now,
    http: { onRetry: retryLine, ...options.http },
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
 */
export async function pullTokenMetrics(
  wh: Warehouse,
  options: {
    apiKey?: string;
    baseUrl?: string;
    symbols?: string[];
    since?: number;
    until?: number;
    now?: number;
    http?: Partial<GetJsonOptions>;
  },
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
      http: { onRetry: retryLine, ...options.http },
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
 */
export async function updateSignals(
  wh: Warehouse,
  env: SignalEnv,
  options: {
    force?: readonly string[];
    log?: (line: string) => void;
    /** Retry settings for the requests (tests). */
    http?: Partial<GetJsonOptions>;
  } = {},
): Promise<{ failures: string[] }> {
  const log = options.log ?? console.log;
  const force = new Set(options.force ?? []);
  const failures: string[] = [];
  const run = async (name: string, pull: () => Promise<SignalIngestResult>) => {
    try {
      const r = await pull();
      log(`update: signals ${name} ${r.message}`);
    } catch (err) {
      failures.push(`signals ${name}: ${err instanceof Error ? err.message : String(err)}`);
      console.error(`update: ${failures.at(-1)}`);
    }
  };
  if (env.fearGreedUrl || force.has(FEAR_GREED_SOURCE)) {
    await run(
      FEAR_GREED_SOURCE,
      () => pullFearGreed(wh, { baseUrl: env.fearGreedUrl, http: options.http }),
    );
  } else {
    log(
      "update: signals fear-greed skipped (set FEAR_GREED_BASE_URL or pass --signals fear-greed)",
    );
  }
  if (env.tokenMetricsKey || force.has(TOKEN_METRICS_SOURCE)) {
    const pulledBefore = await tokenMetricsSymbols(wh, { onlyPulled: true });
    if (pulledBefore.length === 0) {
      log(
        "update: signals token-metrics skipped (nothing pulled yet: deno task signals --source token-metrics --symbol BASE/QUOTE)",
      );
    } else {
      await run(TOKEN_METRICS_SOURCE, () =>
        pullTokenMetrics(wh, {
          apiKey: env.tokenMetricsKey,
          baseUrl: env.tokenMetricsUrl,
          symbols: pulledBefore,
          http: options.http,
        }));
    }
  } else {
    log("update: signals token-metrics skipped (TOKEN_METRICS_API_KEY is not set)");
  }
  return { failures };
}

/** Prints a run's accounting and its most frequent reject reasons. */
async function report(wh: Warehouse, what: string, r: SignalIngestResult): Promise<void> {
  console.log(`${what}: ${r.message} — run ${r.run_id}`);
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
  console.log(
    `  see them: deno task sql "SELECT source, symbol, name, count(*) AS n, min(ts), max(ts) FROM signals GROUP BY ALL"`,
  );
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

function retryLine(why: string, waitMs: number): void {
  console.error(`  ${why.slice(0, 200)}; retrying in ${(waitMs / 1000).toFixed(1)} s`);
}
