/**
 * `GET /api/v1/signals`: external signals (pre-serialized at load), merged
 * across sources by time and paged so that no page splits one time.
 *
 * @module
 */
import { Hono, type TypedResponse } from "hono";
import { HTTPException } from "hono/http-exception";
import { currentView, type Env, type RouteContext } from "../context.ts";
import { routeDoc } from "../openapi.ts";
import { lowerBound } from "../pages.ts";
import { parseSignals, signalsInput, signalsQuery } from "../query.ts";
import { SignalsPage } from "../schemas.ts";

const SIGNALS = routeDoc({
  path: "/api/v1/signals",
  summary:
    "External signals (Fear & Greed, Token Metrics, files) oldest first, each with the time it became available; market-wide signals have symbol null. At most limit (default 1000) rows, with the next page's start.",
  auth: true,
  query: signalsQuery,
  returns: SignalsPage,
  responses: {
    "200": "{ signals, next }",
    "400": "bad input, field named",
    "401": "missing or bad key",
    "404": "unknown source or symbol",
  },
});

/** The docs of the routes below. */
export const SIGNALS_DOCS = [SIGNALS];

/** The routes. */
export function signalsRoutes(ctx: RouteContext) {
  return new Hono<Env>().get(SIGNALS.path, signalsInput, (c) => {
    const q = parseSignals(c);
    const v = currentView(ctx.deps.live);
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
}
