/**
 * Refusals made before any work: a query string longer than
 * {@link MAX_QUERY_BYTES} (414, before it is parsed or kept in any cache, so
 * long query strings cannot make the API hold memory), and a method other
 * than GET or HEAD on a path the API serves (405 with `Allow`).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Env, RouteContext } from "./context.ts";
import { JSON_HEADERS } from "./headers.ts";

/** The longest query string answered, in bytes (every documented query fits in a few hundred). */
export const MAX_QUERY_BYTES = 2048;

/**
 * The middleware right after the forecast fast path (which passes such a
 * request on without looking it up): a 414 naming the limit for a longer query string
 * (counted in the metrics and the request log like any answer).
 *
 * @example
 * ```ts
 * app.use(boundedQuery(ctx));
 * ```
 */
export function boundedQuery(ctx: RouteContext): MiddlewareHandler<Env> {
  return (c, next) => {
    const url = c.req.url;
    const at = url.indexOf("?");
    if (at < 0 || url.length - at - 1 <= MAX_QUERY_BYTES) return next();
    const t0 = performance.now();
    const res = new Response(
      JSON.stringify({
        error: `query string too long: ${MAX_QUERY_BYTES} bytes at most (got ${
          url.length - at - 1
        })`,
      }),
      { status: 414, headers: JSON_HEADERS },
    );
    const path = c.req.path.slice(0, 200);
    const ms = performance.now() - t0;
    ctx.metrics.observe("*", 414, ms); // one label: paths are the client's to choose
    ctx.deps.onRequest?.({ ts: Date.now(), method: c.req.method, path, status: 414, ms });
    return Promise.resolve(res);
  };
}

/** The methods every API path answers. */
export const ALLOWED_METHODS = "GET, HEAD";

/**
 * The handler for any other method on a path the API serves: 405 with
 * `Allow: GET, HEAD`.
 */
export function methodNotAllowed(c: Context<Env>): Response {
  c.header("Allow", ALLOWED_METHODS);
  return c.json({
    error: `method ${c.req.method} not allowed on ${c.req.path.slice(0, 100)}: use GET or HEAD`,
  }, 405);
}
