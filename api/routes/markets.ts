/**
 * `GET /api/v1/markets`: every series the snapshot holds.
 *
 * @module
 */
import { Hono } from "hono";
import { currentView, type Env, type RouteContext } from "../context.ts";
import { routeDoc } from "../openapi.ts";

const MARKETS = routeDoc({
  path: "/api/v1/markets",
  summary: "Every series: candles, first and last candle, last close.",
  auth: true,
  responses: { "200": "markets", "401": "missing or bad key", "429": "rate limited" },
});

/** The docs of the routes below. */
export const MARKETS_DOCS = [MARKETS];

/** The routes. */
export function marketsRoutes(ctx: RouteContext) {
  return new Hono<Env>().get(MARKETS.path, (c) => {
    const v = currentView(ctx.deps.live);
    return c.json({ snapshot: v.snapshotId, markets: v.markets });
  });
}
