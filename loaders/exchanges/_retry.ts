/**
 * Retries with exponential backoff and jitter for exchange requests, and the
 * error a caller can handle when they run out.
 *
 * @module
 */
import ccxt from "ccxt";

/**
 * An exchange request that failed for good: after every attempt when
 * `retryable` (429, 5xx, timeouts, network), or at once when not (a bad
 * symbol, a rejected request). The message names the exchange, the series
 * and the request.
 */
export class ExchangeError extends Error {
  /** True when the failure was transient (it may succeed later). */
  retryable: boolean;
  /** The HTTP status of the last answer, when there was one. */
  status?: number;
  /** Attempts made. */
  attempts: number;
  /** What was asked: `GET /api/v3/klines?…`, or the call when no request was sent. */
  request: string;

  constructor(
    message: string,
    options: {
      retryable: boolean;
      status?: number;
      attempts: number;
      request: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "ExchangeError";
    this.retryable = options.retryable;
    this.status = options.status;
    this.attempts = options.attempts;
    this.request = options.request;
  }
}

/** Retry settings; every field has a default. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** First backoff (ms), doubled each time. Default 500. */
  baseDelayMs?: number;
  /** Longest backoff (ms); a `Retry-After` longer than this is still honoured. Default 30000. */
  maxDelayMs?: number;
  /** Waits `ms`; tests pass a fake. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
}

/** What the last HTTP answer said, as seen by the fetch wrapper. */
export interface LastResponse {
  status?: number;
  headers?: Headers;
  url?: string;
}

/** How one call went. */
export interface Attempted<T> {
  value: T;
  /** Attempts that failed before the one that worked. */
  retries: number;
}

/**
 * Runs `call` until it succeeds, retrying transient failures with
 * exponential backoff and full jitter, or exactly `Retry-After` when the
 * server sent one. Gives up with an {@link ExchangeError}.
 *
 * @param describe names the call for errors: `binance BTC/USDT 1h`.
 * @param last reads what the last HTTP answer was (status, headers, URL).
 *
 * @example
 * ```ts
 * const { value } = await withRetry(() => ex.fetchOHLCV(s, "1h", since, 1000), "binance BTC/USDT 1h", {
 *   last: () => seen,
 * });
 * ```
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  describe: string,
  options: RetryPolicy & { last: () => LastResponse; onRetry?: (e: ExchangeError) => void },
): Promise<Attempted<T>> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1;; attempt++) {
    try {
      return { value: await call(), retries: attempt - 1 };
    } catch (err) {
      const last = options.last();
      const retryable = isRetryable(err, last.status);
      const request = last.url ? requestOf(last.url) : "(no request sent)";
      const why = reasonOf(err, last.status);
      if (!retryable || attempt >= attempts) {
        const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
        throw new ExchangeError(`${describe}: GET ${request} failed${tries}: ${why}`, {
          retryable,
          status: last.status,
          attempts: attempt,
          request: `GET ${request}`,
          cause: err,
        });
      }
      options.onRetry?.(
        new ExchangeError(`${describe}: ${why}; retrying`, {
          retryable,
          status: last.status,
          attempts: attempt,
          request: `GET ${request}`,
          cause: err,
        }),
      );
      const after = retryAfterMs(last.headers);
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(after ?? Math.round(backoff / 2 + random() * backoff / 2));
    }
  }
}

/** Transient: rate limits, 5xx, timeouts and network failures. */
export function isRetryable(err: unknown, status?: number): boolean {
  if (status === 429 || status === 418 || (status !== undefined && status >= 500)) return true;
  // RateLimitExceeded, DDoSProtection, ExchangeNotAvailable, RequestTimeout
  // and OnMaintenance are all NetworkErrors in ccxt's hierarchy.
  return err instanceof ccxt.NetworkError;
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const v = headers?.get("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The path and query of a URL: the request as the exchange's docs name it. */
export function requestOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function reasonOf(err: unknown, status?: number): string {
  const kind = err instanceof Error ? err.constructor.name : "Error";
  const msg = err instanceof Error ? err.message : String(err);
  return `${status ? `HTTP ${status}, ` : ""}${kind}: ${msg.slice(0, 300)}`;
}
