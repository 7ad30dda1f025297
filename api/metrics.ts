/**
 * Prometheus metrics, kept in memory and rendered as text at `/metrics`:
 * requests by route and status, a latency histogram, and the age of each
 * series' latest forecast and candle.
 *
 * @module
 */
import { seriesKey } from "../core/series.ts";
import type { ServingView } from "./serving.ts";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Request counters and a latency histogram per route.
 *
 * @example
 * ```ts
 * const m = new Metrics();
 * m.observe("/api/health", 200, 0.8);
 * const text = m.render(view, Date.now());
 * ```
 */
export class Metrics {
  #requests = new Map<string, number>();
  #buckets = new Map<string, number[]>();
  #sum = new Map<string, number>();
  #count = new Map<string, number>();
  #routes = new Map<string, { label: string; byStatus: Map<number, string> }>();

  /** Records one request; `route` is the matched route pattern, never the raw path. */
  observe(route: string, status: number, ms: number): void {
    // Label strings are built once per route and status; the hot path only counts.
    let r = this.#routes.get(route);
    if (!r) {
      r = { label: `route="${label(route)}"`, byStatus: new Map() };
      this.#routes.set(route, r);
      this.#buckets.set(r.label, BUCKETS.map(() => 0));
    }
    let k = r.byStatus.get(status);
    if (k === undefined) {
      k = `${r.label},status="${status}"`;
      r.byStatus.set(status, k);
    }
    this.#requests.set(k, (this.#requests.get(k) ?? 0) + 1);
    const b = this.#buckets.get(r.label)!;
    const s = ms / 1000;
    for (let i = BUCKETS.length - 1; i >= 0 && s <= BUCKETS[i]; i--) b[i]++;
    this.#sum.set(r.label, (this.#sum.get(r.label) ?? 0) + s);
    this.#count.set(r.label, (this.#count.get(r.label) ?? 0) + 1);
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(view: ServingView | undefined, now: number): string {
    const out: string[] = [];
    out.push("# HELP prevision_http_requests_total HTTP requests by route and status.");
    out.push("# TYPE prevision_http_requests_total counter");
    for (const [k, v] of this.#requests) out.push(`prevision_http_requests_total{${k}} ${v}`);
    out.push("# HELP prevision_http_request_duration_seconds Request latency by route.");
    out.push("# TYPE prevision_http_request_duration_seconds histogram");
    for (const [r, b] of this.#buckets) {
      BUCKETS.forEach((le, i) =>
        out.push(`prevision_http_request_duration_seconds_bucket{${r},le="${le}"} ${b[i]}`)
      );
      out.push(
        `prevision_http_request_duration_seconds_bucket{${r},le="+Inf"} ${this.#count.get(r)}`,
      );
      out.push(`prevision_http_request_duration_seconds_sum{${r}} ${this.#sum.get(r)}`);
      out.push(`prevision_http_request_duration_seconds_count{${r}} ${this.#count.get(r)}`);
    }
    if (view) {
      out.push(
        "# HELP prevision_forecast_age_seconds Age of the champion's latest forecast per series.",
      );
      out.push("# TYPE prevision_forecast_age_seconds gauge");
      for (const m of view.markets) {
        const c = view.champions.get(seriesKey(m));
        if (!c) continue;
        out.push(
          `prevision_forecast_age_seconds{exchange="${label(m.exchange)}",symbol="${
            label(m.symbol)
          }",timeframe="${label(m.timeframe)}"} ${
            Math.round((now - Date.parse(c.issued_at)) / 1000)
          }`,
        );
      }
      out.push(
        "# HELP prevision_last_candle_age_seconds Age of the newest candle's open time per series.",
      );
      out.push("# TYPE prevision_last_candle_age_seconds gauge");
      for (const m of view.markets) {
        out.push(
          `prevision_last_candle_age_seconds{exchange="${label(m.exchange)}",symbol="${
            label(m.symbol)
          }",timeframe="${label(m.timeframe)}"} ${
            Math.round((now - Date.parse(m.last_ts)) / 1000)
          }`,
        );
      }
    }
    return out.join("\n") + "\n";
  }
}

function label(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
