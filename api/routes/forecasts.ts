/**
 * `GET /api/v1/forecasts` (a champion's latest forecast, pre-serialized at
 * load and answered from the response cache, which the fast path reads too)
 * and `GET /api/v1/forecasts/history` (past forecasts beside what happened).
 *
 * @module
 */
import { Hono, type TypedResponse } from "hono";
import { HTTPException } from "hono/http-exception";
import { currentView, type Env, type RouteContext } from "../context.ts";
import { resolveSeries } from "../find_series.ts";
import { routeDoc } from "../openapi.ts";
import { historyPage } from "../pages.ts";
import {
  ohlcvInput,
  ohlcvQuery,
  parseOhlcv,
  parseSeries,
  seriesInput,
  seriesQuery,
} from "../query.ts";
import { forecastKey } from "../response_cache.ts";
import { Forecast, HistoryPage } from "../schemas.ts";

/** The forecast route's doc (the fast path answers the same path). */
export const FORECAST = routeDoc({
  path: "/api/v1/forecasts",
  summary: "The champion's latest forecast with 50/80/95% intervals.",
  auth: true,
  query: seriesQuery,
  returns: Forecast,
  responses: {
    "200": "{ symbol, timeframe, version_id, issued_at, points }",
    "400": "bad input, field named",
    "401": "missing or bad key",
    "404": "unknown series or no forecast",
  },
});
const HISTORY = routeDoc({
  path: "/api/v1/forecasts/history",
  summary: "Past forecasts (80% interval) beside the realized close " +
    "(actual is null until the target candle has closed).",
  auth: true,
  query: ohlcvQuery,
  returns: HistoryPage,
  responses: {
    "200":
      "{ symbol, timeframe, exchange, points: [{ ts, closes_at, horizon, yhat, lower, upper, actual }] }",
    "400": "bad input",
    "401": "missing or bad key",
    "404": "unknown series",
  },
});

/** The docs of the routes below. */
export const FORECASTS_DOCS = [FORECAST, HISTORY];

/** The routes. */
export function forecastsRoutes(ctx: RouteContext) {
  return new Hono<Env>()
    .get(FORECAST.path, seriesInput, (c) => {
      const q = parseSeries(c);
      const v = currentView(ctx.deps.live);
      const k = resolveSeries(v, q);
      const res = ctx.cache.answer(v, forecastKey(k), () => v.forecastJson.get(k));
      if (!res) {
        throw new HTTPException(404, {
          message: `no forecast yet for ${q.symbol} ${q.timeframe ?? ""}`.trim(),
        });
      }
      return res as unknown as TypedResponse<Forecast, 200, "json">;
    })
    .get(HISTORY.path, ohlcvInput, (c) => {
      const q = parseOhlcv(c);
      const v = currentView(ctx.deps.live);
      const k = resolveSeries(v, q);
      const s = v.series.get(k)!;
      return c.json(historyPage(v.forecastRows.get(k) ?? [], s, q, Date.now()));
    });
}
