/**
 * The Prévision HTTP API (Hono). Answers from an in-memory view of the
 * latest snapshot; never opens the warehouse. Bad input is a 400 naming the
 * field, an unknown series a 404, and no input can cause a 500.
 *
 * One app, one router: a chain of middleware (the forecast fast path first,
 * then metrics and the request log, CORS, the body limit, the key check),
 * then one sub-app per resource (`routes/`), each mounted at the paths its
 * docs name; the OpenAPI document is made from those same docs.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requireKey } from "./auth.ts";
import type { AppDeps, Env, RouteContext } from "./context.ts";
import { fastForecasts } from "./fast_path.ts";
import { boundedQuery, methodNotAllowed } from "./guards.ts";
import { secure } from "./headers.ts";
import { Metrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { ResponseCache } from "./response_cache.ts";
import { FORECAST, FORECASTS_DOCS, forecastsRoutes } from "./routes/forecasts.ts";
import { MARKETS_DOCS, marketsRoutes } from "./routes/markets.ts";
import { META_DOCS, metaRoutes } from "./routes/meta.ts";
import { MODELS_DOCS, modelsRoutes } from "./routes/models.ts";
import { OHLCV_DOCS, ohlcvRoutes } from "./routes/ohlcv.ts";
import { SIGNALS_DOCS, signalsRoutes } from "./routes/signals.ts";

export type { AppDeps } from "./context.ts";

/** Every route the app mounts, documented, in the order of the OpenAPI document. */
export const ROUTE_DOCS = [
  ...META_DOCS,
  ...MARKETS_DOCS,
  ...OHLCV_DOCS,
  ...FORECASTS_DOCS,
  ...MODELS_DOCS,
  ...SIGNALS_DOCS,
];

/**
 * Builds the app.
 *
 * @example
 * ```ts
 * const app = createApp({ live: LiveView.of(view), keys: KeyRing.of([]) });
 * const res = await app.request("/api/health");
 * ```
 */
export function createApp(deps: AppDeps) {
  const ctx: RouteContext = {
    deps,
    metrics: deps.metrics ?? new Metrics(),
    cache: new ResponseCache(),
  };
  const app = new Hono<Env>();

  // First: a champion's forecast polled again is answered from the cache, nothing else run
  // (it passes on a query string over the bound without looking it up).
  app.use(FORECAST.path, fastForecasts(ctx, FORECAST.path));
  // Then, before anything parses or caches it: a query string over the bound is refused.
  app.use(boundedQuery(ctx));
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    const ms = performance.now() - t0;
    secure(c);
    ctx.metrics.observe(c.req.routePath, c.res.status, ms);
    deps.onRequest?.({
      ts: Date.now(),
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status: c.res.status,
      ms,
      key_id: c.get("keyId"),
    });
  });
  if ((deps.corsOrigins?.length ?? 0) > 0) {
    app.use(
      "/api/*",
      cors({
        origin: deps.corsOrigins!,
        allowMethods: ["GET", "HEAD"],
        allowHeaders: ["Authorization", "Accept"],
        exposeHeaders: ["Link", "Retry-After", "X-Prevision-Sample"],
        maxAge: 600,
      }),
    );
  }
  // Only requests that may carry a body pay for the limit.
  app.on(
    ["POST", "PUT", "PATCH", "DELETE"],
    "/api/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.json({ error: "request body too large (64 kB at most)" }, 413),
    }),
  );
  app.use("/api/v1/*", requireKey(deps));

  // Chained, so the routes' types flow into `App` for Hono's RPC client.
  const routed = app
    .route("/", metaRoutes(ctx, openApiDocument(ROUTE_DOCS)))
    .route("/", marketsRoutes(ctx))
    .route("/", ohlcvRoutes(ctx))
    .route("/", forecastsRoutes(ctx))
    .route("/", modelsRoutes(ctx))
    .route("/", signalsRoutes(ctx));

  // Any other method on a path served above: 405 with Allow (GET routes also answer HEAD).
  for (const doc of ROUTE_DOCS) app.all(doc.path, methodNotAllowed);
  app.all("/api/*", (c) =>
    c.json({
      error: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 100)}`,
    }, 404));
  app.get("*", async (c) => {
    const res = deps.site ? await deps.site(new URL(c.req.url).pathname) : undefined;
    return res ?? c.json({ error: "not found" }, 404);
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const details = (err.cause as { details?: unknown } | undefined)?.details;
      return c.json({ error: err.message, ...(details ? { details } : {}) }, err.status);
    }
    console.error(JSON.stringify({ level: "error", msg: "unhandled", error: String(err) }));
    return c.json({ error: "internal error" }, 500);
  });
  return routed;
}

/** The app's type, for Hono's typed RPC client. */
export type App = ReturnType<typeof createApp>;
