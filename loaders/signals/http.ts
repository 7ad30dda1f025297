/**
 * GET a JSON document from a signal source, retrying transient failures
 * (429, 5xx, network errors) with exponential backoff and full jitter, or
 * exactly the `Retry-After` the server asked for. Errors name the source and
 * the request (path and query; never a key, which travels in a header).
 *
 * @module
 */
import { requestOf, retryAfterMs } from "../exchanges/_retry.ts";

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
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const doFetch = options.fetchImpl ?? fetch;
  const request = `GET ${requestOf(url)}`;
  for (let attempt = 1;; attempt++) {
    let status: number | undefined;
    let headers: Headers | undefined;
    let why: string;
    try {
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
      why = `HTTP ${status}: ${text.slice(0, 200)}`;
      if (!(status === 429 || status >= 500)) {
        throw new SignalSourceError(
          `${options.describe}: ${request} failed: ${why}`,
          status,
          request,
          attempt,
        );
      }
    } catch (err) {
      if (err instanceof SignalSourceError) throw err;
      // Network failures and timeouts are transient.
      why = `${err instanceof Error ? err.name : "Error"}: ${
        err instanceof Error ? err.message : String(err)
      }`;
    }
    if (attempt >= attempts) {
      throw new SignalSourceError(
        `${options.describe}: ${request} failed after ${attempt} attempts: ${why}`,
        status,
        request,
        attempt,
      );
    }
    const backoff = Math.min(max, base * 2 ** (attempt - 1));
    const wait = retryAfterMs(headers) ?? Math.round(backoff / 2 + random() * backoff / 2);
    options.onRetry?.(`${options.describe}: ${why}`, wait);
    await sleep(wait);
  }
}
