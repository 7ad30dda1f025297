/**
 * Token Metrics trading signals: `GET /v2/trading-signals` with the key in
 * the `x-api-key` header (`TOKEN_METRICS_API_KEY`), on the host of
 * `TOKEN_METRICS_BASE_URL`.
 *
 * The endpoint answers `{ success, message, length, data: [row, …] }`, one
 * row per token and day, `limit` rows (at most 100) per `page` (from 1). Date
 * ranges are asked for in windows of 29 days, as Token Metrics' own SDK does,
 * and each window is paged until a short or empty page. Field names are read
 * case-insensitively (`TM_LINK` and `tm_link` both occur) and any value may
 * be null (grades often are). Kept per row, under its lower-case name:
 * `trading_signal` (1 bullish, 0 none, -1 bearish), `token_trend`,
 * `tm_trader_grade`, `tm_investor_grade`, `trading_signals_returns`,
 * `holding_returns`; the whole row is kept as `raw` JSON.
 *
 * @module
 */
import type { Rejected } from "../validate.ts";
import { parseDateTime } from "../files/_time.ts";
import { dailyAvailableAt, DAY_MS, dayOf } from "./available.ts";
import { getJson, type GetJsonOptions } from "./http.ts";
import type { SignalRow } from "./store.ts";

/** The source name under which Token Metrics rows are stored. */
export const TOKEN_METRICS_SOURCE = "token-metrics";

/** Token Metrics' public host. */
export const TOKEN_METRICS_DEFAULT_URL = "https://api.tokenmetrics.com";

/** The fields kept from each row, as stored names. */
export const TOKEN_METRICS_NAMES = [
  "trading_signal",
  "token_trend",
  "tm_trader_grade",
  "tm_investor_grade",
  "trading_signals_returns",
  "holding_returns",
] as const;

/** Names that take only -1, 0 or 1. */
const DIRECTIONAL = new Set(["trading_signal", "token_trend"]);

/** No key configured: the message names the variable. */
export class MissingKeyError extends Error {
  override name = "MissingKeyError";
}

/** Options for {@link fetchTokenMetrics}. */
export interface TokenMetricsOptions {
  /** `TOKEN_METRICS_API_KEY`; undefined fails with {@link MissingKeyError}. */
  apiKey: string | undefined;
  /** `TOKEN_METRICS_BASE_URL`; default {@link TOKEN_METRICS_DEFAULT_URL}. */
  baseUrl?: string;
  /** `BASE/QUOTE` symbols; rows are stored under these (matched by base asset). */
  symbols: readonly string[];
  /** First day wanted (ms). */
  since: number;
  /** Last day wanted (ms); default the day of `now`. */
  until?: number;
  /** The clock: rows are known by min(end of their day, now). Default Date.now(). */
  now?: number;
  /** Rows per page (at most 100). Default 100. */
  pageSize?: number;
  /** Days per date window. Default 29. */
  windowDays?: number;
  /** Told after each page. */
  onPage?: (info: { window: string; page: number; rows: number }) => void;
  /** Retry and transport settings. */
  http?: Partial<GetJsonOptions>;
}

/** What a pull read. */
export interface PulledSignals {
  rows: SignalRow[];
  rejects: Rejected[];
  requests: number;
}

/**
 * Pulls Token Metrics trading signals for `symbols` from `since` on.
 *
 * @example
 * ```ts
 * const { rows } = await fetchTokenMetrics({
 *   apiKey: Deno.env.get("TOKEN_METRICS_API_KEY"),
 *   symbols: ["BTC/USDT"],
 *   since: Date.UTC(2025, 0, 1),
 * });
 * ```
 */
export async function fetchTokenMetrics(options: TokenMetricsOptions): Promise<PulledSignals> {
  if (!options.apiKey) {
    throw new MissingKeyError(
      "Token Metrics needs an API key: set TOKEN_METRICS_API_KEY (in the environment or in .env)",
    );
  }
  if (options.symbols.length === 0) {
    throw new RangeError("Token Metrics: no symbol to ask for (pass --symbol BASE/QUOTE)");
  }
  const base = (options.baseUrl || TOKEN_METRICS_DEFAULT_URL).replace(/\/+$/, "");
  const now = options.now ?? Date.now();
  const limit = Math.min(100, options.pageSize ?? 100);
  const windowDays = options.windowDays ?? 29;
  const until = dayOf(options.until ?? now);
  const bySymbol = new Map(options.symbols.map((s) => [baseOf(s), s]));
  const out: PulledSignals = { rows: [], rejects: [], requests: 0 };
  for (let from = dayOf(options.since); from <= until; from += windowDays * DAY_MS) {
    const to = Math.min(until, from + (windowDays - 1) * DAY_MS);
    const window = `${isoDate(from)}..${isoDate(to)}`;
    let previous = "";
    for (let page = 1; page <= 10_000; page++) {
      const q = new URLSearchParams({
        symbol: [...bySymbol.keys()].join(","),
        startDate: isoDate(from),
        endDate: isoDate(to),
        limit: String(limit),
        page: String(page),
      });
      const url = `${base}/v2/trading-signals?${q}`;
      const body = await getJson(url, {
        describe: "Token Metrics",
        ...options.http,
        headers: { "x-api-key": options.apiKey },
        refused: (status, text) =>
          `Token Metrics refused the key in TOKEN_METRICS_API_KEY (HTTP ${status}${
            messageOf(text) ? `: ${messageOf(text)}` : ""
          }): check the key`,
      });
      out.requests++;
      const data = dataOf(body, url);
      options.onPage?.({ window, page, rows: data.length });
      if (data.length === 0) break;
      // A server that ignores `page` sends the same page again: stop there.
      const signature = JSON.stringify(data);
      if (signature === previous) break;
      previous = signature;
      const ref = `GET /v2/trading-signals?${q}`;
      data.forEach((item, i) => {
        const r = tokenMetricsRows(item, `${ref} [${i}]`, { bySymbol, seenAt: now });
        out.rows.push(...r.rows);
        out.rejects.push(...r.rejects);
      });
      if (data.length < limit) break;
    }
  }
  return out;
}

/**
 * The signal values of one Token Metrics row (an API row or a file row as an
 * object). Field names are matched case-insensitively; null or empty fields
 * give no value.
 *
 * @param ctx.bySymbol base asset → the symbol to store under.
 * @param ctx.seenAt when the row was pulled (ms); Infinity for files.
 *
 * @example
 * ```ts
 * tokenMetricsRows({ DATE: "2025-01-02", TOKEN_SYMBOL: "BTC", TRADING_SIGNAL: 1 }, "x [0]",
 *   { bySymbol: new Map([["BTC", "BTC/USDT"]]), seenAt: Infinity });
 * ```
 */
export function tokenMetricsRows(
  item: unknown,
  ref: string,
  ctx: {
    bySymbol: ReadonlyMap<string, string>;
    seenAt: number;
    source?: string;
    names?: readonly string[];
  },
): { rows: SignalRow[]; rejects: Rejected[] } {
  const raw = JSON.stringify(item);
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return { rows: [], rejects: [{ ref, reason: "not an object", raw }] };
  }
  const f = lowerKeys(item as Record<string, unknown>);
  const dateRaw = f.date ?? f.timestamp;
  const ts = typeof dateRaw === "string" ? parseDateTime(dateRaw) : NaN;
  if (!Number.isFinite(ts)) {
    return {
      rows: [],
      rejects: [{ ref, reason: `DATE ${JSON.stringify(dateRaw)} is not a date`, raw }],
    };
  }
  const token = typeof f.token_symbol === "string" ? f.token_symbol.trim().toUpperCase() : "";
  let symbol: string | undefined;
  if (token) symbol = ctx.bySymbol.get(token);
  else if (ctx.bySymbol.size === 1) symbol = [...ctx.bySymbol.values()][0];
  if (!symbol) {
    return {
      rows: [],
      rejects: [{
        ref,
        reason: token
          ? `token ${token} was not asked for (${[...ctx.bySymbol.keys()].join(", ")})`
          : "no TOKEN_SYMBOL and more than one symbol asked for",
        raw,
      }],
    };
  }
  const day = dayOf(ts);
  const rows: SignalRow[] = [];
  const rejects: Rejected[] = [];
  for (const name of ctx.names ?? TOKEN_METRICS_NAMES) {
    const v = f[name];
    if (v === null || v === undefined || (typeof v === "string" && v.trim() === "")) continue;
    const value = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : NaN;
    if (!Number.isFinite(value)) {
      rejects.push({
        ref: `${ref} ${name.toUpperCase()}`,
        reason: `${name.toUpperCase()} ${JSON.stringify(v)} is not a number`,
        raw,
      });
      continue;
    }
    if (DIRECTIONAL.has(name) && ![-1, 0, 1].includes(value)) {
      rejects.push({
        ref: `${ref} ${name.toUpperCase()}`,
        reason: `${name.toUpperCase()} is ${value}, not -1, 0 or 1`,
        raw,
      });
      continue;
    }
    rows.push({
      source: ctx.source ?? TOKEN_METRICS_SOURCE,
      symbol,
      ts: day,
      name,
      value,
      available_at: dailyAvailableAt(day, ctx.seenAt),
      raw,
      ref,
    });
  }
  return { rows, rejects };
}

/** The base asset of `BASE/QUOTE` (or of a bare asset). */
export function baseOf(symbol: string): string {
  return symbol.split("/")[0].trim().toUpperCase();
}

function dataOf(body: unknown, url: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === "object" && body !== null) {
    const b = lowerKeys(body as Record<string, unknown>);
    if (b.success === false) {
      throw new Error(
        `Token Metrics: ${new URL(url).pathname} answered success=false: ${b.message}`,
      );
    }
    if (Array.isArray(b.data)) return b.data;
    if (b.data === null || b.data === undefined) return [];
  }
  throw new Error(
    `Token Metrics: ${new URL(url).pathname} answered an unexpected body: ${
      JSON.stringify(body).slice(0, 200)
    }`,
  );
}

function messageOf(text: string): string {
  try {
    const m = (JSON.parse(text) as Record<string, unknown>)?.message;
    return typeof m === "string" ? m.slice(0, 200) : "";
  } catch {
    return text.slice(0, 200);
  }
}

function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k.toLowerCase()] = v;
  return out;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
