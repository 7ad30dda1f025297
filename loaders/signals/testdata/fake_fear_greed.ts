/**
 * A local stand-in for alternative.me's `GET /fng/`, for tests: the real
 * answer's shape (`{ name, data: [{ value, value_classification, timestamp,
 * time_until_update? }], metadata: { error } }`, numbers as strings, unix
 * seconds at 00:00 UTC, newest first, `limit=0` for everything) over
 * deterministic SYNTHETIC values, with an optional 429 + `Retry-After`.
 *
 * @module
 */

/** Switches for {@link startFakeFearGreed}. */
export interface FakeFearGreedOptions {
  /** First day served (ms). */
  first: number;
  /** Last day served (ms): today's value. */
  last: number;
  /** Days the index misses (ms), as alternative.me's history does. */
  missing?: number[];
  /** Answer the n-th request (from 1) with a 429 and this `Retry-After` (seconds). */
  rateLimitAt?: { at: number; retryAfter: number };
  /** Answer with `metadata.error` set. */
  error?: string;
}

/** A running stand-in. */
export interface FakeFearGreed {
  url: string;
  requests: { params: Record<string, string>; status: number }[];
  /** The value served for a day. */
  value(day: number): number;
  close(): Promise<void>;
}

const DAY = 86_400_000;

function classOf(v: number): string {
  return v < 25
    ? "Extreme Fear"
    : v < 45
    ? "Fear"
    : v <= 55
    ? "Neutral"
    : v < 75
    ? "Greed"
    : "Extreme Greed";
}

/**
 * Starts the stand-in on 127.0.0.1, on a free port.
 *
 * @example
 * ```ts
 * const fake = startFakeFearGreed({ first: Date.UTC(2024, 0, 1), last: Date.UTC(2024, 11, 31) });
 * ```
 */
export function startFakeFearGreed(options: FakeFearGreedOptions): FakeFearGreed {
  const requests: FakeFearGreed["requests"] = [];
  const missing = new Set(options.missing ?? []);
  const value = (day: number) => {
    const k = day / DAY;
    return Math.max(
      0,
      Math.min(100, Math.round(50 + 35 * Math.sin(k / 17) + 10 * Math.cos(k / 3))),
    );
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const params = Object.fromEntries(url.searchParams);
    const seen = { params, status: 200 };
    requests.push(seen);
    let res: Response;
    if (url.pathname !== "/fng/" && url.pathname !== "/fng") {
      res = new Response("Not Found", { status: 404 });
    } else if (requests.length === options.rateLimitAt?.at) {
      res = new Response("Too Many Requests", {
        status: 429,
        headers: { "Retry-After": String(options.rateLimitAt.retryAfter) },
      });
    } else if (options.error) {
      res = Response.json({
        name: "Fear and Greed Index",
        data: [],
        metadata: { error: options.error },
      });
    } else {
      const limit = Number(params.limit ?? 1);
      const data: Record<string, string>[] = [];
      for (let d = options.last; d >= options.first; d -= DAY) {
        if (missing.has(d)) continue;
        const v = value(d);
        data.push({
          value: String(v),
          value_classification: classOf(v),
          timestamp: String(d / 1000),
          ...(d === options.last ? { time_until_update: "43210" } : {}),
        });
        if (limit > 0 && data.length >= limit) break;
      }
      res = Response.json({ name: "Fear and Greed Index", data, metadata: { error: null } });
    }
    seen.status = res.status;
    return res;
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    value,
    close: () => server.shutdown(),
  };
}
