/**
 * The hot path, the app's first middleware: a champion's forecast asked
 * again, by a key verified recently, with a query string seen before, is
 * answered from the response cache the forecast route fills, before any
 * other middleware runs. Anything else (a first query, a new token, a miss,
 * a refusal) goes on to the full route, so both give the same answers; the
 * hot path counts its own metrics and request log, as the full route would.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Env, RouteContext } from "./context.ts";
import { findSeries } from "./find_series.ts";
import { MAX_QUERY_BYTES } from "./guards.ts";
import { parseSeries } from "./query.ts";
import { forecastKey } from "./response_cache.ts";

/**
 * The middleware for the forecast route's path (`GET` only), answering from
 * the cache when it can and passing the request on otherwise.
 *
 * @example
 * ```ts
 * app.use("/api/v1/forecasts", fastForecasts(ctx, "/api/v1/forecasts"));
 * ```
 */
export function fastForecasts(ctx: RouteContext, path: string): MiddlewareHandler<Env> {
  const { deps, metrics, cache } = ctx;
  // With CORS on, every answer carries its headers (Vary: Origin at least): full route.
  const corsOn = (deps.corsOrigins?.length ?? 0) > 0;
  // Set by `answer` when it answers (no object allocated per request).
  let keyId = "", now = 0;

  const answer = (req: Request): Response | undefined => {
    // Only the plain form: a token the full route verified (its regex allows no spaces
    // in it) is the only thing `cached` knows; anything else takes the full route.
    const auth = req.headers.get("authorization");
    if (auth === null || !auth.startsWith("Bearer ")) return undefined;
    if (corsOn) return undefined;
    const t = Date.now();
    const id = deps.keys.cached(auth.slice(7), t);
    const v = deps.live.view;
    if (id === undefined || v === undefined || cache.view !== v) return undefined;
    const url = req.url;
    const at = url.indexOf("?");
    // A long query string is never looked up here: the bound check after this refuses it.
    if (at >= 0 && url.length - at - 1 > MAX_QUERY_BYTES) return undefined;
    const search = at < 0 ? "" : url.slice(at);
    let res = cache.bySearch.get(search);
    if (res === undefined) {
      const query = parseSeries.peek(search);
      const k = query && findSeries(v, query);
      res = (k && cache.byKey.get(forecastKey(k))) || undefined;
      if (res === undefined) return undefined;
      cache.keepSearch(search, res);
    }
    // Last, so a request that takes the full route is never counted twice (a refused
    // take consumes nothing, and the full route answers the 429).
    if ((deps.rateLimit?.take(id) ?? 0) > 0) return undefined;
    keyId = id;
    now = t;
    return res.clone();
  };

  return (c, next) => {
    const t0 = performance.now();
    const res = c.req.raw.method === "GET" ? answer(c.req.raw) : undefined;
    if (res === undefined) return next();
    const ms = performance.now() - t0;
    metrics.observe(path, 200, ms);
    deps.onRequest?.({ ts: now, method: "GET", path, status: 200, ms, key_id: keyId });
    return Promise.resolve(res);
  };
}
