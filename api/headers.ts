/**
 * The headers every answer carries: the content type and the security
 * headers (no sniffing, no referrer; pages not frameable by other sites).
 *
 * @module
 */
import type { Context } from "hono";

/** Pre-built headers for the pre-serialized JSON answers (security headers included). */
export const JSON_HEADERS: Record<string, string> = {
  "content-type": "application/json; charset=UTF-8",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The same, for answers that also come as CSV (caches must key them by Accept). */
export const JSON_VARY_HEADERS: Record<string, string> = { ...JSON_HEADERS, vary: "accept" };

/** Responses built with the security headers already in place. */
const SECURED = new WeakSet<Response>();
export const secured = (r: Response): Response => (SECURED.add(r), r);

/** Adds the security headers every answer carries, unless the handler already did. */
export function secure(c: Context): void {
  if (SECURED.has(c.res)) return;
  let h = c.res.headers;
  if (h.has("x-content-type-options")) return;
  try {
    h.set("x-content-type-options", "nosniff");
  } catch {
    // Immutable headers (a redirect, a fetched response): copy once.
    c.res = new Response(c.res.body, c.res);
    h = c.res.headers;
    h.set("x-content-type-options", "nosniff");
  }
  h.set("referrer-policy", "no-referrer");
  // Pages (the site, the docs) are never framed by another site.
  if (h.get("content-type")?.startsWith("text/html")) {
    h.set("x-frame-options", "DENY");
    h.set("content-security-policy", "frame-ancestors 'none'");
  }
}
