/**
 * `GET /api/v1/models`: a series' model versions with their walk-forward
 * metrics, and its alias history.
 *
 * @module
 */
import { Hono } from "hono";
import { currentView, type Env, type RouteContext } from "../context.ts";
import { resolveSeries } from "../find_series.ts";
import { routeDoc } from "../openapi.ts";
import { parseSeries, seriesInput, seriesQuery } from "../query.ts";

const MODELS = routeDoc({
  path: "/api/v1/models",
  summary: "Model versions with walk-forward metrics against baselines, and alias history.",
  auth: true,
  query: seriesQuery,
  responses: {
    "200": "{ versions, aliases }",
    "400": "bad input",
    "401": "missing or bad key",
    "404": "unknown series",
  },
});

/** The docs of the routes below. */
export const MODELS_DOCS = [MODELS];

/** The routes. */
export function modelsRoutes(ctx: RouteContext) {
  return new Hono<Env>().get(MODELS.path, seriesInput, (c) => {
    const v = currentView(ctx.deps.live);
    const k = resolveSeries(v, parseSeries(c));
    const { exchange, symbol, timeframe } = v.series.get(k)!;
    return c.json({
      exchange,
      symbol,
      timeframe,
      ...(v.models.get(k) as object ?? { versions: [], aliases: [] }),
    });
  });
}
