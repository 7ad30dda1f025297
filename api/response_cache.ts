/**
 * Finished responses kept per snapshot, for the answers many clients poll
 * (a champion's forecast, the latest candles): each request gets a clone,
 * which copies the body and the already validated headers instead of
 * building them again. Bounded; emptied when the view changes. The routes
 * fill it, and the fast path (`fast_path.ts`) answers from it.
 *
 * @module
 */
import { JSON_HEADERS, secured } from "./headers.ts";
import type { ServingView } from "./serving.ts";

/** Cached answers: at most this many characters in all, and this many in one. */
const CACHE_BYTES = 32 * 1024 * 1024;
const CACHE_ENTRY_MAX = 1024 * 1024;
/** Entries kept by answer key, and by query string for the fast path. */
const MAX_ENTRIES = 512;

/** The cache key of a series' forecast answer (the route fills it, the fast path reads it). */
export const forecastKey = (series: string): string => `forecast|${series}`;

/**
 * The response cache of one app.
 *
 * @example
 * ```ts
 * const cache = new ResponseCache();
 * const res = cache.answer(view, forecastKey(k), () => view.forecastJson.get(k));
 * ```
 */
export class ResponseCache {
  /** The view the entries were built from. */
  view: ServingView | undefined;
  /** Answer key → the finished response (null: the body was undefined, a remembered miss). */
  readonly byKey = new Map<string, Response | null>();
  /** Query string → the finished response (filled by the fast path). */
  readonly bySearch = new Map<string, Response>();
  #bytes = 0;

  /**
   * A copy of the answer for `key` in view `v`, built from `body` the first
   * time; undefined when `body` gives undefined. A body too big to keep is
   * answered without being kept.
   */
  answer(
    v: ServingView,
    key: string,
    body: () => string | undefined,
    headers: Record<string, string> = JSON_HEADERS,
  ): Response | undefined {
    if (this.view !== v) this.#reset(v);
    let proto = this.byKey.get(key);
    if (proto === undefined) {
      const text = body();
      if (text !== undefined && text.length > CACHE_ENTRY_MAX) {
        return secured(new Response(text, { headers })); // too big to keep
      }
      proto = text === undefined ? null : new Response(text, { headers });
      if (this.byKey.size >= MAX_ENTRIES || this.#bytes + (text?.length ?? 0) > CACHE_BYTES) {
        this.byKey.clear();
        this.#bytes = 0;
      }
      this.byKey.set(key, proto);
      this.#bytes += text?.length ?? 0;
    }
    return proto ? secured(proto.clone()) : undefined;
  }

  /** Remembers the response for a query string (bounded). */
  keepSearch(search: string, res: Response): void {
    if (this.bySearch.size >= MAX_ENTRIES) this.bySearch.clear();
    this.bySearch.set(search, res);
  }

  #reset(v: ServingView): void {
    this.view = v;
    this.byKey.clear();
    this.bySearch.clear();
    this.#bytes = 0;
  }
}
