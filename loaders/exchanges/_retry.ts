/**
 * How exchange requests are retried (the loaders' one backoff loop, in
 * `../_retry.ts`, judging ccxt's failures), and the error a caller can handle
 * when they run out.
 *
 * @module
 */
import ccxt from "ccxt";
import {
  type Attempted,
  type Backoff,
  backoffOf,
  type Failure,
  requestOf,
  retryAfterMs,
  withBackoff,
} from "../_retry.ts";

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

/** Retry settings; every field has a default (see {@link Backoff}). */
export type RetryPolicy = Backoff;

/** What the last HTTP answer said, as seen by the fetch wrapper. */
export interface LastResponse {
  status?: number;
  headers?: Headers;
  url?: string;
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
  const failed = (err: unknown, f: Seen, attempt: number, message: string) =>
    new ExchangeError(message, {
      retryable: f.retryable,
      status: f.status,
      attempts: attempt,
      request: `GET ${f.request}`,
      cause: err,
    });
  return await withBackoff(call, {
    ...backoffOf(options),
    judge: (err): Seen => {
      const last = options.last();
      return {
        retryable: isRetryable(err, last.status),
        retryAfterMs: retryAfterMs(last.headers),
        status: last.status,
        request: last.url ? requestOf(last.url) : "(no request sent)",
        why: reasonOf(err, last.status),
      };
    },
    giveUp: (err, f, attempt) => {
      const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
      return failed(err, f, attempt, `${describe}: GET ${f.request} failed${tries}: ${f.why}`);
    },
    onRetry: (err, f, _waitMs, attempt) => {
      options.onRetry?.(failed(err, f, attempt, `${describe}: ${f.why}; retrying`));
    },
  });
}

/** Transient: rate limits, 5xx, timeouts and network failures. */
export function isRetryable(err: unknown, status?: number): boolean {
  if (status === 429 || status === 418 || (status !== undefined && status >= 500)) return true;
  // RateLimitExceeded, DDoSProtection, ExchangeNotAvailable, RequestTimeout
  // and OnMaintenance are all NetworkErrors in ccxt's hierarchy.
  return err instanceof ccxt.NetworkError;
}

/** What one failed attempt was. */
interface Seen extends Failure {
  status?: number;
  request: string;
  why: string;
}

function reasonOf(err: unknown, status?: number): string {
  const kind = err instanceof Error ? err.constructor.name : "Error";
  const msg = err instanceof Error ? err.message : String(err);
  return `${status ? `HTTP ${status}, ` : ""}${kind}: ${msg.slice(0, 300)}`;
}
