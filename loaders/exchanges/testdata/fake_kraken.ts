/**
 * A local stand-in for Kraken's public REST API, for tests: the real
 * response shapes of `GET /0/public/Assets`, `/0/public/AssetPairs` and
 * `/0/public/OHLC` (`{ error: [], result: { <pair>: [[time s, "o", "h", "l",
 * "c", "vwap", "volume", count], …], last } }`) over deterministic
 * SYNTHETIC candles. Like Kraken, it serves only the most recent 720 candles
 * whatever `since` says, and reports rate limits in the body with HTTP 200.
 *
 * @module
 */

const KEEP = 720;

/** Switches for {@link startFakeKraken}. */
export interface FakeKrakenOptions {
  /** The server's clock (ms). */
  now: number;
  /** Answer the n-th OHLC request (from 1) with `EAPI:Rate limit exceeded`. */
  rateLimitAt?: number;
}

/** A running stand-in. */
export interface FakeKraken {
  url: string;
  requests: { path: string; params: Record<string, string> }[];
  close(): Promise<void>;
}

const PAIRS: Record<string, { altname: string; base: string; quote: string; price: number }> = {
  XXBTZUSD: { altname: "XBTUSD", base: "XXBT", quote: "ZUSD", price: 60_000 },
  XETHZUSD: { altname: "ETHUSD", base: "XETH", quote: "ZUSD", price: 3_000 },
};

/**
 * Starts the stand-in on 127.0.0.1, on a free port.
 *
 * @example
 * ```ts
 * const fake = startFakeKraken({ now: Date.now() });
 * await fake.close();
 * ```
 */
export function startFakeKraken(options: FakeKrakenOptions): FakeKraken {
  const requests: FakeKraken["requests"] = [];
  let ohlcSeen = 0;
  const ok = (result: unknown) => Response.json({ error: [], result });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const params = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, params });
    switch (url.pathname) {
      case "/0/public/Assets":
        return ok({
          XXBT: asset("XBT", 10, 5),
          XETH: asset("ETH", 10, 5),
          ZUSD: asset("USD", 4, 2),
        });
      case "/0/public/AssetPairs":
        return ok(Object.fromEntries(Object.entries(PAIRS).map(([id, p]) => [id, pair(p)])));
      case "/0/public/OHLC": {
        ohlcSeen++;
        if (ohlcSeen === options.rateLimitAt) {
          return Response.json({ error: ["EAPI:Rate limit exceeded"] });
        }
        const p = PAIRS[params.pair];
        if (!p) return Response.json({ error: ["EQuery:Unknown asset pair"] });
        const step = Number(params.interval ?? 1) * 60_000;
        const current = Math.floor(options.now / step) * step; // still open, served as Kraken does
        const first = current - (KEEP - 1) * step;
        const since = params.since ? Number(params.since) * 1000 : 0;
        const rows = [];
        for (let t = first; t <= current; t += step) {
          if (t > since) rows.push(row(p.price, t));
        }
        return ok({ [params.pair]: rows, last: Math.floor(current / 1000) - step / 1000 });
      }
      default:
        return Response.json({ error: ["EGeneral:Unknown method"] }, { status: 404 });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

function asset(altname: string, decimals: number, display: number) {
  return {
    aclass: "currency",
    altname,
    decimals,
    display_decimals: display,
    collateral_value: 1,
    status: "enabled",
  };
}

function pair(p: { altname: string; base: string; quote: string }) {
  return {
    altname: p.altname,
    wsname: `${p.altname.slice(0, 3)}/${p.altname.slice(3)}`,
    aclass_base: "currency",
    base: p.base,
    aclass_quote: "currency",
    quote: p.quote,
    lot: "unit",
    cost_decimals: 5,
    pair_decimals: 1,
    lot_decimals: 8,
    lot_multiplier: 1,
    leverage_buy: [2, 3, 4, 5],
    leverage_sell: [2, 3, 4, 5],
    fees: [[0, 0.4], [10000, 0.35]],
    fees_maker: [[0, 0.25], [10000, 0.2]],
    fee_volume_currency: "ZUSD",
    margin_call: 80,
    margin_stop: 40,
    ordermin: "0.0001",
    costmin: "0.5",
    tick_size: "0.1",
    status: "online",
  };
}

function row(price: number, t: number) {
  const w = Math.sin(t / 3_600_000 / 5);
  const open = price * (1 + 0.02 * w);
  const close = open * (1 + 0.001 * Math.cos(t / 3_600_000));
  const high = Math.max(open, close) * 1.002;
  const low = Math.min(open, close) * 0.998;
  const f = (x: number) => x.toFixed(1);
  return [t / 1000, f(open), f(high), f(low), f(close), f((open + close) / 2), "1.25000000", 42];
}
