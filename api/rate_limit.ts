/**
 * A token bucket per API key: `perMinute` requests a minute, with bursts up
 * to that many. Refused requests learn when to retry.
 *
 * @module
 */

/**
 * Per-key rate limiter.
 *
 * @example
 * ```ts
 * const rl = new RateLimiter(600);
 * const wait = rl.take("key-1"); // 0 when allowed, else seconds to wait
 * ```
 */
export class RateLimiter {
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly perMinute: number, private readonly clock: () => number = Date.now) {}

  /** 0 when the request may go ahead; otherwise the seconds until it may. */
  take(key: string): number {
    const now = this.clock();
    const rate = this.perMinute / 60_000; // tokens per ms
    const b = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}
