/**
 * The public routes about the API itself: health (data freshness and
 * champion age per series), the OpenAPI document and its readable page,
 * and Prometheus metrics.
 *
 * @module
 */
import { Hono } from "hono";
import { timeframeMs } from "../../core/candles.ts";
import { seriesKey, seriesLabel } from "../../core/series.ts";
import type { Env, RouteContext } from "../context.ts";
import { docsPage, routeDoc } from "../openapi.ts";

const HEALTH = routeDoc({
  path: "/api/health",
  summary:
    "Data freshness and champion age per series; status degraded (200) with fallback { from, reason } " +
    "when the current snapshot failed its checks and an older valid one is served; 503 with no servable snapshot.",
  auth: false,
  responses: { "200": "ok or degraded", "503": "no servable snapshot, or stale data" },
});
const OPENAPI = routeDoc({
  path: "/api/openapi.json",
  summary: "This document.",
  auth: false,
  responses: { "200": "OpenAPI 3.1" },
});
const DOCS = routeDoc({
  path: "/api/docs",
  summary: "A readable page of this document.",
  auth: false,
  responses: { "200": "HTML" },
});
const METRICS = routeDoc({
  path: "/metrics",
  summary: "Prometheus metrics: requests, latency, forecast and data age.",
  auth: false,
  responses: { "200": "Prometheus text" },
});

/** The docs of the routes below. */
export const META_DOCS = [HEALTH, OPENAPI, DOCS, METRICS];

/** The routes; `openapi` is the whole API's document. */
export function metaRoutes(ctx: RouteContext, openapi: Record<string, unknown>) {
  const { deps, metrics } = ctx;
  const docs = docsPage(openapi);
  return new Hono<Env>()
    .get(OPENAPI.path, (c) => c.json(openapi))
    .get(DOCS.path, (c) => c.html(docs))
    .get(METRICS.path, (c) =>
      c.body(metrics.render(deps.live.view, Date.now()), 200, {
        "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
      }))
    .get(HEALTH.path, (c) => {
      const v = deps.live.view;
      const fallback = deps.live.fallback ?? null;
      if (!v) {
        return c.json({
          status: "unavailable",
          error: fallback
            ? `no valid snapshot: ${fallback.from} ${fallback.reason}`
            : "no snapshot published yet",
          snapshot: null,
          fallback,
        }, 503);
      }
      const now = Date.now();
      const series = v.markets.map((m) => {
        const ch = v.champions.get(seriesKey(m));
        return {
          exchange: m.exchange,
          symbol: m.symbol,
          timeframe: m.timeframe,
          sample: m.sample,
          last_candle: m.last_ts,
          // Age of the newest close: the last candle closes one timeframe after it opens.
          data_age_s: Math.round((now - Date.parse(m.last_ts) - timeframeMs(m.timeframe)) / 1000),
          // How late the next candle is: 0 while it is still forming, so an up-to-date daily
          // series is not "stale" in the evening. Staleness is judged on this.
          behind_s: Math.max(
            0,
            Math.round((now - Date.parse(m.last_ts) - 2 * timeframeMs(m.timeframe)) / 1000),
          ),
          champion: ch?.version_id ?? null,
          champion_age_s: ch ? Math.round((now - Date.parse(ch.set_at)) / 1000) : null,
        };
      });
      // Stale data is a 503 when a limit is configured, so a monitor can page someone.
      const limit = deps.staleAfterSeconds ?? 0;
      const stale = limit > 0 ? series.filter((s) => s.behind_s > limit) : [];
      return c.json({
        status: stale.length ? "stale" : fallback ? "degraded" : "ok",
        snapshot: v.snapshotId,
        // The current snapshot is not served whole: which one, and why (inside the snapshot).
        fallback,
        // The detail (paths, SQL) goes to the server's log, not to a public endpoint.
        reload_error: deps.live.lastError
          ? `the newest snapshot failed to load; still serving ${v.snapshotId} (details in the API's log)`
          : null,
        stale_after_s: limit || null,
        stale: stale.map(seriesLabel),
        series,
      }, stale.length ? 503 : 200);
    });
}
