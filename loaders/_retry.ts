/**
 * The one retry loop of the loaders: exponential backoff with full jitter, or
 * exactly the `Retry-After` the server asked for, until a call succeeds, the
 * caller judges a failure permanent, or the attempts run out. Exchanges
 * (ccxt) and signal sources (fetch) judge their failures themselves.
 *
 * @module
 */

/** Backoff settings; every field has a default. */
export interface Backoff {
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

/** A caller's verdict on one failed attempt. */
export interface Failure {
  /** True when trying again may help (429, 5xx, timeouts, network). */
  retryable: boolean;
  /** How long the server asked to wait (`Retry-After`), when it did. */
  retryAfterMs?: number;
}

/** How a retried call went. */
export interface Attempted<T> {
  value: T;
  /** Attempts that failed before the one that worked. */
  retries: number;
}

/** What {@link withBackoff} needs from its caller besides the backoff settings. */
export interface BackoffOptions<F extends Failure> extends Backoff {
  /** Judges a failed attempt (numbered from 1). */
  judge: (err: unknown, attempt: number) => F;
  /** The error to throw when giving up: the failure was not retryable, or the last attempt. */
  giveUp: (err: unknown, failure: F, attempt: number) => unknown;
  /** Told before each wait, with the number of the attempt that failed. */
  onRetry?: (err: unknown, failure: F, waitMs: number, attempt: number) => void;
}

/**
 * Runs `call` until it succeeds, waiting between attempts `Retry-After` when
 * the failure carries one, else an exponential backoff with full jitter
 * (between half and all of `baseDelayMs * 2^(attempt-1)`, capped at
 * `maxDelayMs`). Throws what `giveUp` returns.
 *
 * @example
 * ```ts
 * const { value } = await withBackoff(() => fetchPage(), {
 *   judge: (err) => ({ retryable: err instanceof TypeError }),
 *   giveUp: (err) => err,
 * });
 * ```
 */
export async function withBackoff<T, F extends Failure>(
  call: (attempt: number) => Promise<T>,
  options: BackoffOptions<F>,
): Promise<Attempted<T>> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1;; attempt++) {
    try {
      return { value: await call(attempt), retries: attempt - 1 };
    } catch (err) {
      const failure = options.judge(err, attempt);
      if (!failure.retryable || attempt >= attempts) throw options.giveUp(err, failure, attempt);
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      const wait = failure.retryAfterMs ?? Math.round(backoff / 2 + random() * backoff / 2);
      options.onRetry?.(err, failure, wait, attempt);
      await sleep(wait);
    }
  }
}

/** The {@link Backoff} settings among `options` (which may hold more). */
export function backoffOf(options: Backoff): Backoff {
  const { attempts, baseDelayMs, maxDelayMs, sleep, random } = options;
  return { attempts, baseDelayMs, maxDelayMs, sleep, random };
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const v = headers?.get("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The path and query of a URL: the request as a source's docs name it. */
export function requestOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
