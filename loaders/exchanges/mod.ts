/**
 * Candles from a live exchange, through ccxt, into the warehouse.
 *
 * For each (symbol, timeframe) the loader works out a range — from `since`,
 * else just after the last stored candle, else 30 days back — and pages
 * through it with `fetchOHLCV`, ccxt's throttle spacing the requests by the
 * exchange's `rateLimit`. Transient failures (429, 5xx, timeouts, network)
 * are retried with exponential backoff and jitter, honouring `Retry-After`;
 * when they run out, an {@link ExchangeError} names the exchange, series and
 * request. Only closed candles are kept. Missing candles inside the fetched
 * range are asked for once more; those still missing are counted and left
 * absent. All pages of all series are then loaded as ONE accounted run
 * (`ingestSeries`), so a failed run leaves the warehouse as it was, and every
 * row's `ref` is the request it came from:
 * `binance GET /api/v3/klines?interval=1h&limit=1000&symbol=BTCUSDT&startTime=… [row 17]`.
 *
 * `PREVISION_EXCHANGE_BASE_URL` (or `baseUrl`) replaces the exchange's API
 * host, for proxies and the local stand-ins the tests use.
 *
 * @module
 */
import {
  bucketStart,
  isTimeframe,
  lastClosedOpen,
  type Timeframe,
  TIMEFRAMES,
} from "../../core/candles.ts";
import { type IngestResult, ingestSeries, type SeriesInput } from "../store.ts";
import type { SourcedCandle } from "../validate.ts";
import type { Warehouse } from "../../warehouse/db.ts";
import { createClient, type ExchangeClient } from "./_client.ts";
import { findGaps } from "./_gaps.ts";
import { type RetryPolicy, withRetry } from "./_retry.ts";
import { requestOf } from "../_retry.ts";
import type { Progress } from "./progress.ts";

export { ExchangeError, type RetryPolicy } from "./_retry.ts";
export { formatSeconds, type PrinterOptions, type Progress, progressPrinter } from "./progress.ts";
export { rewriteHosts } from "./_client.ts";

/** How far back a first run starts when there is no `since` and nothing stored. */
export const DEFAULT_LOOKBACK_DAYS = 30;

/** Options for {@link ingestExchange}. */
export interface ExchangeIngestOptions {
  /** A ccxt exchange id: `binance`, `kraken`, `coinbase`, … */
  exchange: string;
  /** Unified symbols, `BASE/QUOTE`. */
  symbols: string[];
  timeframes: Timeframe[];
  /** First candle open time wanted (ms). Default: after the last stored candle, else 30 days back. */
  since?: number;
  /** Candles opening at or after this time (ms) are not fetched. Default: up to the last closed one. */
  until?: number;
  /** The clock (ms); candles still open at `now` are dropped. Default Date.now(). */
  now?: number;
  /** Replaces the API host. Default `PREVISION_EXCHANGE_BASE_URL`, else the exchange's own. */
  baseUrl?: string;
  /** Called after each page. See {@link progressPrinter}. */
  progress?: (p: Progress) => void;
  /** The fetch ccxt uses. Default the global one. */
  fetchImpl?: typeof fetch;
  /** Retry settings (default 5 attempts, 500 ms doubling, full jitter). */
  retry?: RetryPolicy;
  /** Request timeout (ms). Default ccxt's (10 s). */
  timeoutMs?: number;
  /** Candles per request. Default the exchange's maximum (ccxt `features`), else 500. */
  pageLimit?: number;
}

/** What happened to one series. */
export interface SeriesReport {
  symbol: string;
  timeframe: Timeframe;
  /** First open time asked for (ms, inclusive); null when already up to date. */
  start: number | null;
  /** End of the range (ms, exclusive): the last closed candle or `until`. */
  end: number;
  /** Where `start` came from. */
  from: "since" | "resume" | "default";
  fetched: number;
  gapsRefetched: number;
  /** Gaps still missing after their one re-request. */
  gapsRemaining: number;
  /** Candles in those gaps. */
  candlesMissing: number;
}

/** The run's accounting plus what the exchange side took. */
export type ExchangeIngestResult = IngestResult & {
  /** HTTP requests sent, retries and market loading included. */
  requests: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Gaps asked for a second time. */
  gapsRefetched: number;
  /** Gaps still missing (absent from `ohlcv`; the coverage view shows them). */
  gapsRemaining: number;
  series: SeriesReport[];
};

/**
 * Fetches closed candles from an exchange and loads them as one run.
 *
 * @throws RangeError for an unknown exchange id, symbol or timeframe.
 * @throws ExchangeError when a request fails for good; nothing is loaded.
 *
 * @example
 * ```ts
 * const r = await ingestExchange(wh, {
 *   exchange: "binance",
 *   symbols: ["BTC/USDT", "ETH/USDT"],
 *   timeframes: ["1h", "1d"],
 *   progress: progressPrinter(),
 * });
 * console.log(`${r.rows_loaded} loaded in ${r.requests} requests`);
 * ```
 */
export async function ingestExchange(
  wh: Warehouse,
  options: ExchangeIngestOptions,
): Promise<ExchangeIngestResult> {
  const now = options.now ?? Date.now();
  checkInput(options);
  const baseUrl = options.baseUrl ?? envBaseUrl();
  const { exchange, last, requests } = createClient(options.exchange, {
    baseUrl,
    fetchImpl: options.fetchImpl,
    timeoutMs: options.timeoutMs,
  });
  const id = exchange.id;
  let retries = 0;
  const call = async <T>(fn: () => Promise<T>, describe: string): Promise<T> => {
    const r = await withRetry(fn, describe, { ...options.retry, last });
    retries += r.retries;
    return r.value;
  };

  await call(() => exchange.loadMarkets(), `${id} loadMarkets`);
  checkExchange(exchange, options);
  const pageLimit = options.pageLimit ?? exchange.features?.spot?.fetchOHLCV?.limit ?? 500;

  const series: SeriesInput[] = [];
  const reports: SeriesReport[] = [];
  for (const symbol of options.symbols) {
    for (const timeframe of options.timeframes) {
      const step = TIMEFRAMES[timeframe];
      const end = Math.min(options.until ?? Infinity, lastClosedOpen(now, timeframe) + step);
      const { start, from } = await rangeStart(wh, id, symbol, timeframe, options.since, now);
      const report: SeriesReport = {
        symbol,
        timeframe,
        start: start < end ? start : null,
        end,
        from,
        fetched: 0,
        gapsRefetched: 0,
        gapsRemaining: 0,
        candlesMissing: 0,
      };
      reports.push(report);
      const rows: SourcedCandle[] = [];
      series.push({ exchange: id, symbol, timeframe, rows });
      const expected = Math.max(0, Math.ceil((end - start) / step));
      const t0 = performance.now();
      const progress = (done: boolean) => {
        const secs = (performance.now() - t0) / 1000;
        const rate = secs > 0 ? rows.length / secs : 0;
        options.progress?.({
          exchange: id,
          symbol,
          timeframe,
          fetched: rows.length,
          expected,
          rate,
          etaSeconds: rate > 0 ? Math.max(0, expected - rows.length) / rate : undefined,
          done,
        });
      };
      if (start >= end) {
        progress(true);
        continue;
      }
      const fetchRange = async (lo: number, hi: number) => {
        let cursor = lo;
        while (cursor < hi) {
          const limit = Math.min(pageLimit, Math.ceil((hi - cursor) / step));
          const since = cursor;
          const page = await call(
            () => exchange.fetchOHLCV(symbol, timeframe, since, limit),
            `${id} ${symbol} ${timeframe}`,
          );
          const request = `${id} GET ${requestOf(last().url ?? "")}`;
          let maxTs = -Infinity;
          page.forEach((c, i) => {
            const ts = c[0];
            if (typeof ts === "number" && Number.isFinite(ts)) {
              maxTs = Math.max(maxTs, ts);
              // Outside the range (the still-open candle among them): not ours to read.
              if (ts < lo || ts >= hi) return;
            }
            rows.push({
              ts: ts as number,
              open: c[1] as number,
              high: c[2] as number,
              low: c[3] as number,
              close: c[4] as number,
              volume: c[5] as number,
              ref: `${request} [row ${i + 1}]`,
            });
          });
          progress(false);
          if (!Number.isFinite(maxTs) || maxTs + step <= cursor) break; // nothing newer
          cursor = maxTs + step;
        }
      };

      await fetchRange(start, end);
      const gaps = findGaps(timesOf(rows), step);
      for (const gap of gaps) await fetchRange(gap.start, gap.end);
      const left = findGaps(timesOf(rows), step);
      report.fetched = rows.length;
      report.gapsRefetched = gaps.length;
      report.gapsRemaining = left.length;
      report.candlesMissing = left.reduce((n, g) => n + g.count, 0);
      progress(true);
    }
  }

  const gapsRefetched = reports.reduce((n, r) => n + r.gapsRefetched, 0);
  const gapsRemaining = reports.reduce((n, r) => n + r.gapsRemaining, 0);
  const params = {
    exchange: id,
    symbols: options.symbols,
    timeframes: options.timeframes,
    since: iso(options.since),
    until: iso(options.until),
    now: iso(now),
    base_url: baseUrl ? new URL(baseUrl).origin : undefined,
    requests: requests(),
    retries,
    gaps_refetched: gapsRefetched,
    gaps_remaining: gapsRemaining,
    series: reports.map((r) => ({
      ...r,
      start: iso(r.start ?? undefined),
      end: iso(r.end),
      note: r.from === "default"
        ? `no --since and nothing stored: started ${DEFAULT_LOOKBACK_DAYS} days back`
        : undefined,
    })),
  };
  const result = await ingestSeries(wh, id, series, { now, params });
  const missing = reports.reduce((n, r) => n + r.candlesMissing, 0);
  const message = result.message +
    (gapsRemaining
      ? `; ${gapsRemaining} gaps (${missing} candles) still missing after one re-request`
      : "");
  return {
    ...result,
    message,
    requests: requests(),
    retries,
    gapsRefetched,
    gapsRemaining,
    series: reports,
  };
}

async function rangeStart(
  wh: Warehouse,
  exchange: string,
  symbol: string,
  timeframe: Timeframe,
  since: number | undefined,
  now: number,
): Promise<{ start: number; from: SeriesReport["from"] }> {
  if (since !== undefined) return { start: since, from: "since" };
  const row = await wh.one<{ last: number | null }>(
    "SELECT epoch_ms(max(ts)) AS last FROM ohlcv WHERE exchange = ? AND symbol = ? AND timeframe = ?",
    [exchange, symbol, timeframe],
  );
  if (row?.last != null) return { start: Number(row.last) + TIMEFRAMES[timeframe], from: "resume" };
  return {
    start: bucketStart(now - DEFAULT_LOOKBACK_DAYS * 86_400_000, timeframe),
    from: "default",
  };
}

function checkInput(o: ExchangeIngestOptions): void {
  if (!o.symbols.length) throw new TypeError("No symbols to ingest: give e.g. --symbols BTC/USDT");
  if (!o.timeframes.length) {
    throw new TypeError("No timeframes to ingest: give e.g. --timeframes 1h");
  }
  for (const tf of o.timeframes) {
    if (!isTimeframe(tf)) {
      throw new RangeError(
        `Unknown timeframe "${tf}": expected one of ${Object.keys(TIMEFRAMES).join(", ")}`,
      );
    }
  }
  for (const [k, v] of [["since", o.since], ["until", o.until], ["now", o.now]] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`${k} is not a time: ${v}`);
  }
  if (o.since !== undefined && o.until !== undefined && o.since >= o.until) {
    throw new RangeError(`since ${iso(o.since)} is not before until ${iso(o.until)}`);
  }
}

function checkExchange(ex: ExchangeClient, o: ExchangeIngestOptions): void {
  if (!ex.has.fetchOHLCV) {
    throw new RangeError(`${ex.id} does not serve candles (no fetchOHLCV in ccxt)`);
  }
  const markets = ex.markets ?? {};
  for (const s of o.symbols) {
    if (!Object.hasOwn(markets, s)) {
      const like = Object.keys(markets).filter((m) => m.startsWith(s.split("/")[0] + "/")).slice(
        0,
        5,
      );
      throw new RangeError(
        `${ex.id} has no market "${s}"` + (like.length ? `; it has e.g. ${like.join(", ")}` : ""),
      );
    }
  }
  for (const tf of o.timeframes) {
    if (ex.timeframes && !Object.hasOwn(ex.timeframes, tf)) {
      throw new RangeError(
        `${ex.id} does not serve ${tf} candles; it serves ${Object.keys(ex.timeframes).join(", ")}`,
      );
    }
  }
}

function timesOf(rows: readonly SourcedCandle[]): number[] {
  return rows.map((r) => r.ts).filter((t) => typeof t === "number" && Number.isFinite(t));
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
}

function envBaseUrl(): string | undefined {
  try {
    return Deno.env.get("PREVISION_EXCHANGE_BASE_URL") || undefined;
  } catch {
    return undefined; // no env permission: use the exchange's own host
  }
}
