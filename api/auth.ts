/**
 * The keyed routes' middleware: a Bearer key the key ring accepts (a 401
 * otherwise, with `WWW-Authenticate`), then the key's rate limit (a 429
 * with `Retry-After`). The verified key id is kept for the request log.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppDeps, Env } from "./context.ts";

/**
 * The middleware for `/api/v1/*`.
 *
 * @example
 * ```ts
 * app.use("/api/v1/*", requireKey(deps));
 * ```
 */
export function requireKey(deps: AppDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
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
  };
}
