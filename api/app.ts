/**
 * The Prévision HTTP API (Hono). Answers from an in-memory view of the
 * latest snapshot; never opens the warehouse. Bad input is a 400 naming the
 * field, an unknown series a 404, and no input can cause a 500.
 *
 * @module
 */
import { Hono, type TypedResponse } from "hono";
import {
  ohlcvInput,
  parseOhlcv,
  parseSeries,
  parseSignals,
  seriesInput,
  signalsInput,
} from "./query.ts";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { KeyRing } from "./keys.ts";
import { Metrics } from "./metrics.ts";
import { docsPage, openApiDocument } from "./openapi.ts";
import { ROUTE_DOCS } from "./routes.ts";
import type { ForecastDoc, OhlcvPage, SignalsPage } from "./types.ts";
import { JSON_HEADERS, JSON_VARY_HEADERS, secure, secured } from "./headers.ts";
import { historyPage, lowerBound, ohlcvCsv, wantsCsv } from "./pages.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { type LiveView, seriesKey, type ServingView } from "./serving.ts";
import { timeframeMs } from "../core/candles.ts";

/** What the app needs from its host. */
export interface AppDeps {
  live: LiveView;
  keys: KeyRing;
  /** Called once per request, after the response (off the hot path). */
  onRequest?: (
    r: { ts: number; method: string; path: string; status: number; ms: number; key_id?: string },
  ) => void;
  /** Serves the built site for paths outside /api (optional). */
  site?: (path: string) => Promise<Response | undefined>;
  /** Per-key limits for /api/v1 (none when absent). */
  rateLimit?: RateLimiter;
  /** Origins allowed by CORS on /api (CORS is off when empty). */
  corsOrigins?: string[];
  /** Health answers 503 when a series' newest close is older than this (off when 0 or absent). */
  staleAfterSeconds?: number;
  /** Where request metrics go; one is made when absent. */
  metrics?: Metrics;
}

type Env = { Variables: { keyId?: string } };

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
  const app = new Hono<Env>();
  const metrics = deps.metrics ?? new Metrics();
  // Finished responses per snapshot, for answers many clients poll (the champion's
  // forecast, the latest candles): each request gets a clone, which copies the body
  // and the already validated headers instead of building them again. Bounded.
  let protos:
    | {
      view: ServingView;
      byKey: Map<string, Response | null>;
      bySearch: Map<string, Response>;
      bytes: number;
    }
    | undefined;
  const cachedResponse = (
    v: ServingView,
    key: string,
    body: () => string | undefined,
    headers: Record<string, string> = JSON_HEADERS,
  ): Response | undefined => {
    if (protos?.view !== v) protos = { view: v, byKey: new Map(), bySearch: new Map(), bytes: 0 };
    let proto = protos.byKey.get(key);
    if (proto === undefined) {
      const text = body();
      if (text !== undefined && text.length > CACHE_ENTRY_MAX) {
        return secured(new Response(text, { headers })); // too big to keep
      }
      proto = text === undefined ? null : new Response(text, { headers });
      if (protos.byKey.size >= 512 || protos.bytes + (text?.length ?? 0) > CACHE_BYTES) {
        protos.byKey.clear();
        protos.bytes = 0;
      }
      protos.byKey.set(key, proto);
      protos.bytes += text?.length ?? 0;
    }
    return proto ? secured(proto.clone()) : undefined;
  };

  app.use("*", async (c, next) => {
    const t0 = performance.now();
    await next();
    const ms = performance.now() - t0;
    secure(c);
    metrics.observe(c.req.routePath, c.res.status, ms);
    deps.onRequest?.({
      ts: Date.now(),
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status: c.res.status,
      ms,
      key_id: c.get("keyId"),
    });
  });
  const corsOn = (deps.corsOrigins?.length ?? 0) > 0;
  if (corsOn) {
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

  const openapi = openApiDocument(ROUTE_DOCS);
  const docs = docsPage(openapi);
  app.get("/api/openapi.json", (c) => c.json(openapi));
  app.get("/api/docs", (c) => c.html(docs));

  app.get("/metrics", (c) =>
    c.body(metrics.render(deps.live.view, Date.now()), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    }));

  const withHealth = app.get("/api/health", (c) => {
    const v = deps.live.view;
    if (!v) {
      return c.json(
        { status: "unavailable", error: "no snapshot published yet", snapshot: null },
        503,
      );
    }
    const now = Date.now();
    const series = v.markets.map((m) => {
      const ch = v.champions.get(seriesKey(m.exchange, m.symbol, m.timeframe));
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
      status: stale.length ? "stale" : "ok",
      snapshot: v.snapshotId,
      // The detail (paths, SQL) goes to the server's log, not to a public endpoint.
      reload_error: deps.live.lastError
        ? `the newest snapshot failed to load; still serving ${v.snapshotId} (details in the API's log)`
        : null,
      stale_after_s: limit || null,
      stale: stale.map((s) => `${s.exchange} ${s.symbol} ${s.timeframe}`),
      series,
    }, stale.length ? 503 : 200);
  });

  // Chained, so the routes' types flow into `App` for Hono's RPC client.
  const v1 = new Hono<Env>()
    .use("*", async (c, next) => {
      const h = c.req.raw.headers.get("authorization") ?? "";
      const m = /^Bearer\s+(\S{1,300})$/i.exec(h);
      // A token seen recently is answered without an await (the hot path).
      const keyId = m ? deps.keys.cached(m[1]) ?? await deps.keys.verify(m[1]) : undefined;
      if (!keyId) {
        c.header("WWW-Authenticate", 'Bearer realm="prevision"');
        return c.json(
          {
            error: m ? "invalid, expired or revoked API key" : "missing API key",
            details: [{ field: "Authorization", message: "send Authorization: Bearer <key>" }],
          },
          401,
        );
      }
      c.set("keyId", keyId);
      const wait = deps.rateLimit?.take(keyId) ?? 0;
      if (wait > 0) {
        c.header("Retry-After", String(wait));
        return c.json({
          error: "rate limit exceeded for this key",
          details: [{ field: "Authorization", message: `retry after ${wait} s` }],
        }, 429);
      }
      await next();
      return undefined;
    })
    .get("/markets", (c) => {
      const v = view(deps);
      return c.json({ snapshot: v.snapshotId, markets: v.markets });
    })
    .get("/forecasts", seriesInput, (c) => {
      const q = parseSeries(c);
      const v = view(deps);
      const k = resolveSeries(v, q);
      const res = cachedResponse(v, `forecast|${k}`, () => v.forecastJson.get(k));
      if (!res) {
        throw new HTTPException(404, {
          message: `no forecast yet for ${q.symbol} ${q.timeframe ?? ""}`.trim(),
        });
      }
      return res as unknown as TypedResponse<ForecastDoc, 200, "json">;
    })
    .get("/forecasts/history", ohlcvInput, (c) => {
      const q = parseOhlcv(c);
      const v = view(deps);
      const k = resolveSeries(v, q);
      const s = v.series.get(k)!;
      return c.json(historyPage(v.forecastRows.get(k) ?? [], s, q, Date.now()));
    })
    .get("/ohlcv", ohlcvInput, (c) => {
      const q = parseOhlcv(c);
      const v = view(deps);
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
      // Candles are pre-serialized at load; a page is a join of their texts.
      return cachedResponse(v, `ohlcv|${k}|${from}|${to}|${hiEx}`, () => {
        const head = JSON.stringify({
          exchange: s.exchange,
          symbol: s.symbol,
          timeframe: s.timeframe,
          sample: s.exchange === "sample",
        });
        return `${head.slice(0, -1)},"candles":[${s.json.slice(from, to).join(",")}],"next":${
          to < hiEx ? `"${s.iso[to]}"` : "null"
        },"prev":${from > 0 ? `"${s.iso[from - 1]}"` : "null"}}`;
      }, JSON_VARY_HEADERS)! as unknown as TypedResponse<OhlcvPage, 200, "json">;
    })
    .get("/models", seriesInput, (c) => {
      const q = parseSeries(c);
      const v = view(deps);
      const k = resolveSeries(v, q);
      const [exchange, symbol, timeframe] = k.split("|");
      return c.json({
        exchange,
        symbol,
        timeframe,
        ...(v.models.get(k) as object ?? { versions: [], aliases: [] }),
      });
    })
    .get("/signals", signalsInput, (c) => {
      const q = parseSignals(c);
      const v = view(deps);
      const sources = q.source ? [q.source] : [...v.signals.keys()];
      if (q.source && !v.signals.has(q.source)) {
        throw new HTTPException(404, {
          message: `no signals from source ${q.source}${
            v.signals.size ? ` (sources: ${[...v.signals.keys()].join(", ")})` : ""
          }`,
        });
      }
      if (
        q.symbol && !v.markets.some((m) => m.symbol === q.symbol) &&
        !sources.some((s) => v.signals.get(s)!.symbol.includes(q.symbol!))
      ) {
        throw new HTTPException(404, { message: `unknown symbol ${q.symbol}` });
      }
      const limit = q.limit ?? 1000;
      // Each source is sorted by time: find the range, filter, then merge by time.
      const picked: { t: number; json: string }[] = [];
      for (const src of sources) {
        const g = v.signals.get(src)!;
        const lo = q.start === undefined ? 0 : lowerBound(g.ts, q.start);
        const hi = q.end === undefined ? g.ts.length : lowerBound(g.ts, q.end + 1);
        for (let i = lo; i < hi; i++) {
          if (q.symbol !== undefined && g.symbol[i] !== q.symbol) continue;
          if (q.name !== undefined && g.name[i] !== q.name) continue;
          picked.push({ t: g.ts[i], json: g.json[i] });
        }
      }
      picked.sort((a, b) => a.t - b.t);
      // A page ends between two times, so the next page (start = next) repeats no row.
      let end = Math.min(limit, picked.length);
      if (end < picked.length) {
        const t = picked[end].t;
        let e = end;
        while (e > 0 && picked[e - 1].t === t) e--;
        if (e === 0) { while (end < picked.length && picked[end].t === t) end++; }
        else end = e;
      }
      const page = picked.slice(0, end);
      const next = end < picked.length ? new Date(picked[end].t).toISOString() : null;
      return c.body(
        `{"signals":[${page.map((p) => p.json).join(",")}],"next":${JSON.stringify(next)}}`,
        200,
        { "Content-Type": "application/json; charset=UTF-8" },
      ) as unknown as TypedResponse<SignalsPage, 200, "json">;
    });

  const routed = withHealth.route("/api/v1", v1);

  app.all(
    "/api/*",
    (c) =>
      c.json({
        error: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 100)}`,
      }, 404),
  );

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

  // The hot path: a champion's forecast asked again by a known key with a query seen
  // before is answered without the router. Whatever else (a first query, a new token, a
  // miss, a refusal) takes the full route, so both give the same answers.
  const FORECASTS = "/api/v1/forecasts";
  const routedFetch = routed.fetch as (r: Request, ...x: unknown[]) => Response | Promise<Response>;
  // Set by `fastForecast` when it answers (no object allocated per request).
  let fastKeyId = "", fastNow = 0;
  routed.fetch = (req: Request, ...rest: unknown[]) => {
    const t0 = performance.now();
    const res = req.method === "GET" ? fastForecast(req) : undefined;
    if (res === undefined) return routedFetch(req, ...rest);
    const ms = performance.now() - t0;
    metrics.observe(FORECASTS, 200, ms);
    deps.onRequest?.({
      ts: fastNow,
      method: "GET",
      path: FORECASTS,
      status: 200,
      ms,
      key_id: fastKeyId,
    });
    return res;
  };
  const fastForecast = (req: Request) => {
    const url = req.url;
    const from = url.indexOf("/", url.indexOf("//") + 2);
    if (!url.startsWith(FORECASTS, from)) return undefined;
    const end = from + FORECASTS.length;
    if (end < url.length && url[end] !== "?") return undefined;
    // Only the plain form: a token the full route verified (its regex allows no spaces
    // in it) is the only thing `cached` knows; anything else takes the full route.
    const auth = req.headers.get("authorization");
    if (auth === null || !auth.startsWith("Bearer ")) return undefined;
    // With CORS on, every answer carries its headers (Vary: Origin at least): full route.
    if (corsOn) return undefined;
    const now = Date.now();
    const keyId = deps.keys.cached(auth.slice(7), now);
    const v = deps.live.view;
    if (keyId === undefined || v === undefined || protos?.view !== v) return undefined;
    const search = url.slice(end);
    let res = protos.bySearch.get(search);
    if (res === undefined) {
      const query = parseSeries.peek(search);
      const k = query && findSeries(v, query);
      res = (k && protos.byKey.get(`forecast|${k}`)) || undefined;
      if (res === undefined) return undefined;
      if (protos.bySearch.size >= 512) protos.bySearch.clear();
      protos.bySearch.set(search, res);
    }
    // Last, so a request that takes the full route is never counted twice (a refused
    // take consumes nothing, and the full route answers the 429).
    if ((deps.rateLimit?.take(keyId) ?? 0) > 0) return undefined;
    fastKeyId = keyId;
    fastNow = now;
    return res.clone();
  };
  return routed;
}

/** The app's type, for Hono's typed RPC client. */
export type App = ReturnType<typeof createApp>;

function view(deps: AppDeps): ServingView {
  const v = deps.live.view;
  if (!v) throw new HTTPException(503, { message: "no snapshot published yet: run the pipeline" });
  return v;
}

/** Cached answers: at most this many characters in all, and this many in one. */
const CACHE_BYTES = 32 * 1024 * 1024;
const CACHE_ENTRY_MAX = 1024 * 1024;

/** Picks the series for a query; the exchange defaults to the first that has it. */
function resolveSeries(
  v: ServingView,
  q: { symbol: string; timeframe?: string; exchange?: string },
): string {
  const k = findSeries(v, q);
  if (k === undefined) {
    const tf = q.timeframe ?? "1d";
    const known = v.markets.some((m) => m.symbol === q.symbol);
    throw new HTTPException(404, {
      message: known
        ? `no ${tf} series for ${q.symbol}${q.exchange ? ` on ${q.exchange}` : ""}`
        : `unknown symbol ${q.symbol}`,
    });
  }
  return k;
}

/** The series key for a query, or undefined. */
function findSeries(
  v: ServingView,
  q: { symbol: string; timeframe?: string; exchange?: string },
): string | undefined {
  const tf = q.timeframe ?? "1d";
  const m = v.markets.find((m) =>
    m.symbol === q.symbol && m.timeframe === tf && (!q.exchange || m.exchange === q.exchange)
  );
  return m && seriesKey(m.exchange, m.symbol, m.timeframe);
}
