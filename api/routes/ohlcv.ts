/**
 * `GET /api/v1/ohlcv`: a series' candles, a page at a time, as JSON (from
 * the response cache: a page's text is written from the candle columns the
 * first time it is asked for) or as CSV on `Accept: text/csv`.
 *
 * @module
 */
import { Hono, type TypedResponse } from "hono";
import { currentView, type Env, type RouteContext } from "../context.ts";
import { resolveSeries } from "../find_series.ts";
import { JSON_VARY_HEADERS } from "../headers.ts";
import { routeDoc } from "../openapi.ts";
import { candlesJson, isoAt, lowerBound, ohlcvCsv, wantsCsv } from "../pages.ts";
import { ohlcvInput, ohlcvQuery, parseOhlcv } from "../query.ts";
import { OhlcvPage } from "../schemas.ts";

const OHLCV = routeDoc({
  path: "/api/v1/ohlcv",
  summary:
    "Candles oldest first within start/end, at most limit (default 1000), with the next page's start; " +
    "CSV (ts,open,high,low,close,volume) on Accept: text/csv, the next page in a Link header.",
  auth: true,
  query: ohlcvQuery,
  csv: true,
  returns: OhlcvPage,
  responses: {
    "200": "{ candles, next }, or CSV",
    "400": "bad input, field named",
    "401": "missing or bad key",
    "404": "unknown series",
  },
});

/** The docs of the routes below. */
export const OHLCV_DOCS = [OHLCV];

/** The routes. */
export function ohlcvRoutes(ctx: RouteContext) {
  return new Hono<Env>().get(OHLCV.path, ohlcvInput, (c) => {
    const q = parseOhlcv(c);
    const v = currentView(ctx.deps.live);
    const k = resolveSeries(v, q);
    const s = v.series.get(k)!;
    const limit = q.limit ?? 1000;
    const lo = q.start === undefined ? 0 : lowerBound(s.ts, q.start);
    const hiEx = q.end === undefined ? s.ts.length : lowerBound(s.ts, q.end + 1);
    // Without a start, the most recent `limit` candles; with one, the first `limit` from it.
    const from = q.start === undefined ? Math.max(lo, hiEx - limit) : lo;
    const to = Math.min(hiEx, from + limit);
    if (wantsCsv(c.req.header("accept"))) {
      return ohlcvCsv(c.req.url, s, from, to, hiEx) as unknown as TypedResponse<
        string,
        200,
        "text"
      >;
    }
    return ctx.cache.answer(v, `ohlcv|${k}|${from}|${to}|${hiEx}`, () => {
      const head: Omit<OhlcvPage, "candles" | "next" | "prev"> = {
        exchange: s.exchange,
        symbol: s.symbol,
        timeframe: s.timeframe,
        sample: s.exchange === "sample",
      };
      return `${JSON.stringify(head).slice(0, -1)},"candles":[${candlesJson(s, from, to)}],"next":${
        to < hiEx ? `"${isoAt(s, to)}"` : "null"
      },"prev":${from > 0 ? `"${isoAt(s, from - 1)}"` : "null"}}`;
    }, JSON_VARY_HEADERS)! as unknown as TypedResponse<OhlcvPage, 200, "json">;
  });
}
