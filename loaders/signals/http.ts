/**
 * GET a JSON document from a signal source, retrying transient failures
 * (429, 5xx, network errors) with exponential backoff and full jitter, or
 * exactly the `Retry-After` the server asked for. Errors name the source and
 * the request (path and query; never a key, which travels in a header).
 *
 * @module
 */
import { backoffOf, requestOf, retryAfterMs, withBackoff } from "../_retry.ts";

/** A request that failed for good. */
export class SignalSourceError extends Error {
  override name = "SignalSourceError";
  constructor(
    message: string,
    /** The HTTP status of the last answer, when there was one. */
    readonly status: number | undefined,
    /** `GET /path?query`. */
    readonly request: string,
    /** Attempts made. */
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** Options for {@link getJson}. */
export interface GetJsonOptions {
  /** Names the source in errors: `Token Metrics`. */
  describe: string;
  headers?: Record<string, string>;
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** First backoff (ms), doubled each time. Default 500. */
  baseDelayMs?: number;
  /** Longest backoff (ms). Default 30000; a longer `Retry-After` is still honoured. */
  maxDelayMs?: number;
  /** Per-request timeout (ms). Default 30000. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each retry (for a progress line). */
  onRetry?: (why: string, waitMs: number) => void;
  /** A message for a refused request (401/403) instead of the generic one. */
  refused?: (status: number, body: string) => string;
}

/**
 * Fetches `url` and parses its JSON body.
 *
 * @example
 * ```ts
 * const body = await getJson("https://api.alternative.me/fng/?limit=0", { describe: "alternative.me" });
 * ```
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<unknown> {
  const doFetch = options.fetchImpl ?? fetch;
  const request = `GET ${requestOf(url)}`;
  // What the last answer said, when there was one (a network failure leaves it empty).
  let status: number | undefined;
  let headers: Headers | undefined;
  const fetched = await withBackoff(async (attempt) => {
    status = headers = undefined;
    const res = await doFetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    status = res.status;
    headers = res.headers;
    const text = await res.text();
    if (res.ok) {
      try {
        return JSON.parse(text);
      } catch {
        throw new SignalSourceError(
          `${options.describe}: ${request} answered ${status} with a body that is not JSON: ${
            text.slice(0, 200)
          }`,
          status,
          request,
          attempt,
        );
      }
    }
    if ((status === 401 || status === 403) && options.refused) {
      throw new SignalSourceError(options.refused(status, text), status, request, attempt);
    }
    throw new HttpStatusError(`HTTP ${status}: ${text.slice(0, 200)}`);
  }, {
    ...backoffOf(options),
    judge: (err) => {
      // Rate limits, 5xx, network failures and timeouts are transient.
      if (err instanceof SignalSourceError) return { retryable: false, why: err.message };
      if (err instanceof HttpStatusError) {
        const retryable = status === 429 || status! >= 500;
        return { retryable, retryAfterMs: retryAfterMs(headers), why: err.message };
      }
      const why = `${err instanceof Error ? err.name : "Error"}: ${
        err instanceof Error ? err.message : String(err)
      }`;
      return { retryable: true, retryAfterMs: retryAfterMs(headers), why };
    },
    giveUp: (err, f, attempt) => {
      if (err instanceof SignalSourceError) return err;
      const tries = f.retryable ? ` after ${attempt} attempts` : "";
      return new SignalSourceError(
        `${options.describe}: ${request} failed${tries}: ${f.why}`,
        status,
        request,
        attempt,
      );
    },
    onRetry: (_err, f, waitMs) => options.onRetry?.(`${options.describe}: ${f.why}`, waitMs),
  });
  return fetched.value;
}

/** An answer that is not 2xx (its status is in `getJson`'s last answer). */
class HttpStatusError extends Error {}
