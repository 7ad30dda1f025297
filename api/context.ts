/**
 * What the app and its routes share: the host's dependencies
 * ({@link AppDeps}), the per-request variables ({@link Env}) and the
 * per-app state each route reads ({@link RouteContext}).
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { KeyRing } from "./keys.ts";
import type { Metrics } from "./metrics.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { ResponseCache } from "./response_cache.ts";
import type { LiveView, ServingView } from "./serving.ts";

/** One finished request, as the host's log receives it. */
export interface RequestRecord {
  ts: number;
  method: string;
  path: string;
  status: number;
  ms: number;
  key_id?: string;
}

/** What the app needs from its host. */
export interface AppDeps {
  live: LiveView;
  keys: KeyRing;
  /** Called once per request, after the response (off the hot path). */
  onRequest?: (r: RequestRecord) => void;
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

/** Hono's environment: the key id the auth middleware verified. */
export type Env = { Variables: { keyId?: string } };

/** The app's state, given to each resource's routes. */
export interface RouteContext {
  deps: AppDeps;
  metrics: Metrics;
  /** Finished answers of the current view (shared with the fast path). */
  cache: ResponseCache;
}

/** The view to answer from; a 503 before the first snapshot. */
export function currentView(live: LiveView): ServingView {
  const v = live.view;
  if (!v) throw new HTTPException(503, { message: "no snapshot published yet: run the pipeline" });
  return v;
}
