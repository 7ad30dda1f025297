/**
 * Makes a ccxt exchange client: rate limited, pointed at another host when
 * asked (proxies, tests), and with a fetch wrapper that remembers the last
 * HTTP answer (status, headers, URL) so retries can honour `Retry-After`.
 *
 * @module
 */
import ccxt from "ccxt";
import type { LastResponse } from "./_retry.ts";

/** The parts of a ccxt exchange this loader uses. */
export interface ExchangeClient {
  id: string;
  rateLimit: number;
  timeout: number;
  urls: { api?: unknown };
  markets?: Record<string, unknown>;
  timeframes?: Record<string, unknown>;
  has: Record<string, unknown>;
  features?: { spot?: { fetchOHLCV?: { limit?: number } } };
  fetchImplementation?: unknown;
  loadMarkets(): Promise<Record<string, unknown>>;
  fetchOHLCV(
    symbol: string,
    timeframe: string,
    since?: number,
    limit?: number,
  ): Promise<(number | undefined)[][]>;
  close?(): Promise<void>;
}

/** Options for {@link createClient}. */
export interface ClientOptions {
  /** Replaces the scheme and host of every API URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** The fetch to use. Default the global one. */
  fetchImpl?: typeof fetch;
  /** Request timeout (ms). Default ccxt's (10 s). */
  timeoutMs?: number;
}

/** A client and what its last HTTP answer was. */
export interface Client {
  exchange: ExchangeClient;
  /** What the last HTTP answer was. */
  last: () => LastResponse;
  /** HTTP requests sent so far. */
  requests: () => number;
}

/** Per-exchange options: spot markets only, no private calls at load. */
const EXCHANGE_OPTIONS: Record<string, Record<string, unknown>> = {
  binance: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, defaultType: "spot" },
  binanceus: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, defaultType: "spot" },
};

/**
 * A ccxt exchange for `id` with `enableRateLimit` (ccxt's throttle spaces
 * requests by the exchange's `rateLimit`).
 *
 * @throws RangeError for an id ccxt does not know, naming close and common ids.
 *
 * @example
 * ```ts
 * const { exchange } = createClient("binance", { baseUrl: "http://127.0.0.1:8080" });
 * ```
 */
export function createClient(id: string, options: ClientOptions = {}): Client {
  const registry = ccxt as unknown as Record<string, unknown> & { exchanges: string[] };
  if (!registry.exchanges.includes(id) || typeof registry[id] !== "function") {
    throw new RangeError(unknownExchangeMessage(id, registry.exchanges));
  }
  const Ctor = registry[id] as new (config: Record<string, unknown>) => ExchangeClient;
  const exchange = new Ctor({ enableRateLimit: true, options: EXCHANGE_OPTIONS[id] ?? {} });
  if (options.timeoutMs) exchange.timeout = options.timeoutMs;
  if (options.baseUrl) rewriteHosts(exchange.urls, options.baseUrl);
  let last: LastResponse = {};
  let sent = 0;
  const inner = options.fetchImpl ?? fetch;
  // A user-supplied fetchImplementation is called as fetch(url, init); ccxt
  // still applies its own timeout (AbortSignal) and error mapping.
  exchange.fetchImplementation = async (url: string, init: RequestInit) => {
    last = { url };
    sent++;
    const { method, headers, body, signal } = init;
    const res = await inner(url, { method, headers, body, signal });
    last = { url, status: res.status, headers: res.headers };
    return res;
  };
  return { exchange, last: () => last, requests: () => sent };
}

/**
 * Replaces the scheme and host of every http(s) URL string under
 * `urls.api` (nested objects included) with `baseUrl`, keeping paths.
 *
 * @example
 * ```ts
 * const urls = { api: { public: "https://api.binance.com/api/v3" } };
 * rewriteHosts(urls, "http://127.0.0.1:9000"); // public: "http://127.0.0.1:9000/api/v3"
 * ```
 */
export function rewriteHosts(urls: { api?: unknown }, baseUrl: string): void {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError(
      `Exchange base URL "${baseUrl}" is not a URL (expected e.g. http://127.0.0.1:8080)`,
    );
  }
  const origin = parsed.origin + parsed.pathname.replace(/\/+$/, "");
  const walk = (o: Record<string, unknown>) => {
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === "string") o[k] = v.replace(/^https?:\/\/[^/]+/, origin);
      else if (v && typeof v === "object") walk(v as Record<string, unknown>);
    }
  };
  if (typeof urls.api === "string") urls.api = urls.api.replace(/^https?:\/\/[^/]+/, origin);
  else if (urls.api && typeof urls.api === "object") walk(urls.api as Record<string, unknown>);
}

function unknownExchangeMessage(id: string, known: string[]): string {
  const common = ["binance", "kraken", "coinbase", "bybit", "okx", "bitstamp", "kucoin"]
    .filter((x) => known.includes(x));
  const lower = id.toLowerCase();
  const close = known.filter((x) =>
    x !== lower &&
    (x.startsWith(lower.slice(0, 4)) || lower.startsWith(x) || editDistance(x, lower) <= 2)
  ).slice(0, 5);
  const hint = close.length ? `did you mean ${close.join(", ")}? ` : "";
  return `Unknown exchange "${id}": ${hint}ccxt knows ${known.length} exchanges, ` +
    `e.g. ${common.join(", ")} (the full list is ccxt.exchanges)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
