/**
 * A local stand-in for Binance's public spot REST API, for tests: it replays
 * the real response shapes of `GET /api/v3/exchangeInfo` and
 * `GET /api/v3/klines` (12-element arrays, prices as strings) over
 * deterministic SYNTHETIC candles, and can inject the failures a live run
 * meets: a 429 with `Retry-After`, a 500, a missing range of candles, a
 * still-open last candle.
 *
 * @module
 */

import { TIMEFRAMES } from "../../../core/candles.ts";

const LIMIT_DEFAULT = 500;
const LIMIT_MAX = 1000;

/** Interval name → milliseconds: Binance spells them as Prévision does. */
const INTERVALS: Record<string, number> = TIMEFRAMES;

/** A range of candles the server leaves out (open times, `start` inclusive, `end` exclusive). */
export interface FakeGap {
  start: number;
  end: number;
  /** Serve the candles on any request after the first that skipped them. Default true. */
  fillOnRetry?: boolean;
}

/** Switches for {@link startFakeBinance}. */
export interface FakeBinanceOptions {
  /** The server's clock (ms); candles opening after it do not exist. */
  now: number;
  /** First candle open time of every market (ms). Default `now - 400 days`. */
  listedAt?: number;
  /** Answer the first klines request (or the n-th, from 1) with a 429 and `Retry-After`. */
  rateLimitOnce?: { at?: number; retryAfter?: number };
  /** Answer the n-th klines request (from 1; default 1) with a 500. */
  serverErrorOnce?: { at?: number };
  /** Hold the n-th klines request (from 1) for `ms` before answering (a timeout). */
  stallOnce?: { at: number; ms: number };
  /** Answer every klines request from the n-th (from 1) with a 500. */
  failFrom?: number;
  /** Serve the candle opening at this time with a high below its low (a bad row). */
  badRowAt?: number;
  /** Ranges left out of the responses. */
  gaps?: FakeGap[];
  /** Serve the still-open candle holding `now` (Binance does). Default true. */
  openCandle?: boolean;
}

/** One request as the server saw it. */
export interface SeenRequest {
  path: string;
  params: Record<string, string>;
  status: number;
}

/** A running stand-in. */
export interface FakeBinance {
  /** `http://127.0.0.1:<port>`: give it as the exchange base URL. */
  url: string;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** Klines requests only. */
  klines(): SeenRequest[];
  /** The candle the server serves for a symbol, interval and open time. */
  candle(symbol: string, openTime: number): (string | number)[];
  close(): Promise<void>;
}

const SYMBOLS: [string, string, string, number][] = [
  ["BTCUSDT", "BTC", "USDT", 60_000],
  ["ETHUSDT", "ETH", "USDT", 3_000],
  ["ETHBTC", "ETH", "BTC", 0.05],
];

/**
 * Starts the stand-in on 127.0.0.1, on a free port.
 *
 * @example
 * ```ts
 * const fake = startFakeBinance({ now: Date.UTC(2025, 0, 10) });
 * // new ccxt.binance() with urls.api rewritten to fake.url …
 * await fake.close();
 * ```
 */
export function startFakeBinance(options: FakeBinanceOptions): FakeBinance {
  const now = options.now;
  const listedAt = options.listedAt ?? now - 400 * 86_400_000;
  const gaps = (options.gaps ?? []).map((g) => ({ ...g, skipped: false }));
  const requests: SeenRequest[] = [];
  let klinesSeen = 0;
  // `at` defaults to the first klines request when the switch is given.
  const rateLimitAt = options.rateLimitOnce ? options.rateLimitOnce.at ?? 1 : -1;
  const serverErrorAt = options.serverErrorOnce ? options.serverErrorOnce.at ?? 1 : -1;

  const candle = (symbol: string, openTime: number, step = 3_600_000) => {
    const base = SYMBOLS.find((s) => s[0] === symbol)?.[3] ?? 1;
    const u = (k: number) => hash01(openTime * 31 + k + symbol.length);
    const open = base * (1 + 0.05 * Math.sin(openTime / 86_400_000 / 7) + 0.01 * (u(1) - 0.5));
    const close = open * (1 + 0.01 * (u(2) - 0.5));
    const high = Math.max(open, close) * (1 + 0.005 * u(3));
    const low = Math.min(open, close) * (1 - 0.005 * u(4));
    const volume = 10 + 100 * u(5);
    const f = (x: number) => x.toFixed(8);
    return [
      openTime,
      f(open),
      f(high),
      f(low),
      f(close),
      f(volume),
      openTime + step - 1,
      f(volume * open),
      Math.floor(1000 * u(6)),
      f(volume / 2),
      f(volume * open / 2),
      "0",
    ];
  };

  const klines = (params: Record<string, string>): Response => {
    const step = INTERVALS[params.interval];
    const market = SYMBOLS.find((s) => s[0] === params.symbol);
    if (!market) return binanceError(400, -1121, "Invalid symbol.");
    if (!step) return binanceError(400, -1120, "Invalid interval.");
    const limit = Math.min(Number(params.limit ?? LIMIT_DEFAULT), LIMIT_MAX);
    const startTime = params.startTime ? Number(params.startTime) : undefined;
    const endTime = params.endTime ? Number(params.endTime) : Infinity;
    const lastOpen = Math.floor(now / step) * step - (options.openCandle === false ? step : 0);
    let t = Math.ceil(Math.max(startTime ?? lastOpen - (limit - 1) * step, listedAt) / step) * step;
    const rows: (string | number)[][] = [];
    const skippedNow = new Set<(typeof gaps)[number]>();
    for (; t <= Math.min(lastOpen, endTime) && rows.length < limit; t += step) {
      const gap = gaps.find((g) => t >= g.start && t < g.end);
      if (gap && (!gap.skipped || gap.fillOnRetry === false)) {
        skippedNow.add(gap);
        continue;
      }
      const row = candle(params.symbol, t, step);
      if (t === options.badRowAt) row[2] = (Number(row[3]) / 2).toFixed(8);
      rows.push(row);
    }
    for (const g of skippedNow) g.skipped = true;
    return Response.json(rows, { headers: { "x-mbx-used-weight-1m": String(2 * klinesSeen) } });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const params = Object.fromEntries(url.searchParams);
    const seen: SeenRequest = { path: url.pathname, params, status: 200 };
    requests.push(seen);
    let res: Response;
    if (url.pathname === "/api/v3/exchangeInfo") {
      res = Response.json(exchangeInfo(now));
    } else if (url.pathname === "/api/v3/klines") {
      klinesSeen++;
      if (klinesSeen === options.stallOnce?.at) {
        await new Promise((r) => setTimeout(r, options.stallOnce!.ms));
      }
      if (klinesSeen >= (options.failFrom ?? Infinity) || klinesSeen === serverErrorAt) {
        res = binanceError(500, -1001, "Internal error; unable to process your request.");
      } else if (klinesSeen === rateLimitAt) {
        res = binanceError(
          429,
          -1003,
          "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
          { "Retry-After": String(options.rateLimitOnce?.retryAfter ?? 1) },
        );
      } else {
        res = klines(params);
      }
    } else {
      res = binanceError(404, -1, `No route ${url.pathname} in the stand-in`);
    }
    seen.status = res.status;
    return res;
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    klines: () => requests.filter((r) => r.path === "/api/v3/klines"),
    candle: (symbol, openTime) => candle(symbol, openTime),
    close: () => server.shutdown(),
  };
}

function binanceError(
  status: number,
  code: number,
  msg: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ code, msg }, { status, headers });
}

/** A minimal but valid spot `exchangeInfo`, as Binance answers it. */
function exchangeInfo(now: number) {
  return {
    timezone: "UTC",
    serverTime: now,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: SYMBOLS.map(([symbol, baseAsset, quoteAsset]) => ({
      symbol,
      status: "TRADING",
      baseAsset,
      baseAssetPrecision: 8,
      quoteAsset,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
      icebergAllowed: true,
      ocoAllowed: true,
      otoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: true,
      filters: [
        {
          filterType: "PRICE_FILTER",
          minPrice: "0.01000000",
          maxPrice: "1000000.00000000",
          tickSize: "0.01000000",
        },
        {
          filterType: "LOT_SIZE",
          minQty: "0.00001000",
          maxQty: "9000.00000000",
          stepSize: "0.00001000",
        },
        { filterType: "ICEBERG_PARTS", limit: 10 },
        { filterType: "NOTIONAL", minNotional: "5.00000000", applyMinToMarket: true },
        { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
      ],
      permissions: [],
      permissionSets: [["SPOT", "MARGIN"]],
      defaultSelfTradePreventionMode: "EXPIRE_MAKER",
      allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    })),
  };
}

/** A deterministic hash of an integer to [0, 1). */
function hash01(n: number): number {
  let x = Math.floor(n) % 2_147_483_647;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x ^= x >>> 16;
  return (x >>> 0) / 4_294_967_296;
}
