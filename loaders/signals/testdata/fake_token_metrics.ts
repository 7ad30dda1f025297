/**
 * A local stand-in for Token Metrics' `GET /v2/trading-signals`, for tests.
 * It replays the real response shape (`{ success, message, length, data }`,
 * upper-case field names with `TM_LINK` on some rows and `tm_link` on others,
 * ISO `DATE`s, null grades now and then) over deterministic SYNTHETIC rows,
 * pages with `limit` (at most 100) and `page` (from 1), checks the
 * `x-api-key` header (401 otherwise), and can inject a 429 with
 * `Retry-After`, a 500, or ignore `page` altogether.
 *
 * @module
 */

/** The key the stand-in accepts. */
export const FAKE_TM_KEY = "tm-test-0000";

/** Switches for {@link startFakeTokenMetrics}. */
export interface FakeTokenMetricsOptions {
  /** Rows exist from this day (ms) … */
  first: number;
  /** … to this day (ms), for every token. */
  last: number;
  /** Tokens served. Default BTC and ETH. */
  tokens?: string[];
  /** Answer the n-th request (from 1) with a 429 and this `Retry-After` (seconds). */
  rateLimitAt?: { at: number; retryAfter: number };
  /** Answer the n-th request (from 1) with a 500. */
  serverErrorAt?: number;
  /** Serve page 1 whatever `page` says (a server that ignores paging). */
  ignorePage?: boolean;
}

/** A running stand-in. */
export interface FakeTokenMetrics {
  url: string;
  /** Every request: its query and the status answered. */
  requests: { params: Record<string, string>; status: number; key: string | null }[];
  /** The row served for a token and day. */
  row(token: string, day: number): Record<string, unknown>;
  close(): Promise<void>;
}

const IDS: Record<string, number> = { BTC: 3375, ETH: 3306, SOL: 3988 };
const DAY = 86_400_000;

/**
 * Starts the stand-in on 127.0.0.1, on a free port.
 *
 * @example
 * ```ts
 * const fake = startFakeTokenMetrics({ first: Date.UTC(2025, 0, 1), last: Date.UTC(2025, 3, 1) });
 * ```
 */
export function startFakeTokenMetrics(options: FakeTokenMetricsOptions): FakeTokenMetrics {
  const tokens = options.tokens ?? ["BTC", "ETH"];
  const requests: FakeTokenMetrics["requests"] = [];
  const row = (token: string, day: number): Record<string, unknown> => {
    const k = Math.round(day / DAY);
    const signal = [1, 1, 0, -1, -1, 0, 1][k % 7];
    const grade = k % 9 === 0 ? null : Math.round((50 + 40 * Math.sin(k / 5)) * 100) / 100;
    const link = `https://app.tokenmetrics.com/en/${token.toLowerCase()}`;
    return {
      TOKEN_ID: IDS[token] ?? 1,
      TOKEN_NAME: token === "BTC" ? "Bitcoin" : token === "ETH" ? "Ethereum" : token,
      TOKEN_SYMBOL: token,
      DATE: new Date(day).toISOString(),
      TRADING_SIGNAL: signal,
      TOKEN_TREND: signal === 0 ? 1 : signal,
      TRADING_SIGNALS_RETURNS: Math.round(1000 * Math.cos(k / 11)) / 1000,
      HOLDING_RETURNS: Math.round(1000 * Math.sin(k / 13)) / 1000,
      ...(k % 2 ? { tm_link: link } : { TM_LINK: link }),
      TM_TRADER_GRADE: grade,
      TM_INVESTOR_GRADE: k % 4 === 0 ? null : Math.round((60 + 10 * Math.cos(k / 7)) * 100) / 100,
    };
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const params = Object.fromEntries(url.searchParams);
    const key = req.headers.get("x-api-key");
    const seen = { params, status: 200, key };
    requests.push(seen);
    const n = requests.length;
    let res: Response;
    if (url.pathname !== "/v2/trading-signals") {
      res = Response.json({ success: false, message: "Not found" }, { status: 404 });
    } else if (key !== FAKE_TM_KEY) {
      res = Response.json({ success: false, message: "Invalid API key" }, { status: 401 });
    } else if (n === options.rateLimitAt?.at) {
      res = Response.json({ success: false, message: "Too many requests" }, {
        status: 429,
        headers: { "Retry-After": String(options.rateLimitAt.retryAfter) },
      });
    } else if (n === options.serverErrorAt) {
      res = new Response("upstream error", { status: 500 });
    } else {
      const wanted = (params.symbol ?? "").split(",").filter(Boolean);
      const from = params.startDate ? Date.parse(params.startDate + "T00:00:00Z") : options.first;
      const to = params.endDate ? Date.parse(params.endDate + "T00:00:00Z") : options.last;
      const all: Record<string, unknown>[] = [];
      // Newest first, as the API lists them.
      for (let d = Math.min(to, options.last); d >= Math.max(from, options.first); d -= DAY) {
        for (const t of tokens) if (wanted.length === 0 || wanted.includes(t)) all.push(row(t, d));
      }
      const limit = Math.min(100, Number(params.limit ?? 50));
      const page = options.ignorePage ? 1 : Math.max(1, Number(params.page ?? 1));
      const data = all.slice((page - 1) * limit, page * limit);
      res = Response.json({
        success: true,
        message: "Data fetched successfully",
        length: data.length,
        data,
      });
    }
    seen.status = res.status;
    return res;
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    row,
    close: () => server.shutdown(),
  };
}
