/**
 * Pages of the API's answers built from the serving view: OHLCV as CSV, and
 * past forecasts beside what happened, with their cursors.
 *
 * @module
 */
import { timeframeMs } from "../core/candles.ts";
import { JSON_HEADERS, secured } from "./headers.ts";
import type { HistoryPage } from "./schemas.ts";
import type { ForecastRow, SeriesData } from "./serving.ts";

/**
 * True when the Accept header ranks `text/csv` above JSON (`*\/*` and a
 * missing header mean JSON).
 */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0, json = 0;
  for (const part of accept.slice(0, 1000).split(",")) {
    const [type, ...params] = part.trim().toLowerCase().split(";");
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qp === undefined ? 1 : Number(qp.slice(2));
    if (!(q >= 0 && q <= 1)) continue;
    if (type === "text/csv") csv = Math.max(csv, q);
    else if (type === "application/json" || type === "*/*" || type === "application/*") {
      json = Math.max(json, q);
    }
  }
  return csv > 0 && csv > json;
}

/** Candle `i`'s open time as ISO 8601 UTC. */
export function isoAt(s: SeriesData, i: number): string {
  return new Date(s.ts[i]).toISOString();
}

/** A number as `JSON.stringify` writes it (NaN and infinities as null). */
const num = (x: number) => Number.isFinite(x) ? String(x) : "null";

/**
 * Candles `from` to `to` (exclusive) as the text of a JSON array's items,
 * written from the columns: the same text `JSON.stringify` gives each
 * `Candle` object (schemas.ts), without making the objects.
 */
export function candlesJson(s: SeriesData, from: number, to: number): string {
  const parts: string[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    parts[i - from] = `{"ts":"${isoAt(s, i)}","open":${num(s.open[i])},"high":${
      num(s.high[i])
    },"low":${num(s.low[i])},"close":${num(s.close[i])},"volume":${num(s.volume[i])}}`;
  }
  return parts.join(",");
}

/**
 * A page of candles as CSV (`ts,open,high,low,close,volume`, ISO 8601 UTC times);
 * the next and previous pages are in a `Link` header (`rel="next"`, `rel="prev"`), and sample data says so
 * in `X-Prevision-Sample`.
 */
export function ohlcvCsv(
  url: string,
  s: SeriesData,
  from: number,
  to: number,
  hiEx: number,
): Response {
  let text = "ts,open,high,low,close,volume\n";
  for (let i = from; i < to; i++) {
    text += `${isoAt(s, i)},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}\n`;
  }
  const headers: Record<string, string> = {
    ...JSON_HEADERS,
    "content-type": "text/csv; charset=utf-8; header=present",
    "vary": "accept",
  };
  const links: string[] = [];
  if (to < hiEx) {
    const next = new URL(url);
    next.searchParams.set("start", isoAt(s, to));
    links.push(`<${next.pathname}${next.search}>; rel="next"`);
  }
  if (from > 0) {
    const prev = new URL(url);
    prev.searchParams.delete("start");
    prev.searchParams.set("end", isoAt(s, from - 1));
    links.push(`<${prev.pathname}${prev.search}>; rel="prev"`);
  }
  if (links.length) headers["link"] = links.join(", ");
  if (s.exchange === "sample") headers["x-prevision-sample"] = "synthetic data";
  return secured(new Response(text, { headers }));
}

/** Past forecasts ordered by target time, with the candle index by time; made once per view. */
interface History {
  rows: ForecastRow[];
  t: Float64Array;
}
const HISTORY = new WeakMap<ForecastRow[], History>();

export function historyOf(rows: ForecastRow[]): History {
  let h = HISTORY.get(rows);
  if (h === undefined) {
    const sorted = rows.map((r) => ({ r, t: Date.parse(r.ts) }))
      .sort((a, b) =>
        a.t - b.t || a.r.issued_at.localeCompare(b.r.issued_at) || a.r.horizon - b.r.horizon
      );
    h = { rows: sorted.map((x) => x.r), t: Float64Array.from(sorted, (x) => x.t) };
    HISTORY.set(rows, h);
  }
  return h;
}

/**
 * A page of past forecasts beside the realized closes: like `/ohlcv`, without a
 * start the latest rows, with one the first from it; a page never splits the
 * forecasts for one target time, so paging repeats nothing.
 */
export function historyPage(
  rows: ForecastRow[],
  s: SeriesData,
  q: { start?: number; end?: number; limit?: number },
  now: number,
): HistoryPage {
  const h = historyOf(rows);
  const limit = q.limit ?? 1000;
  const lo = q.start === undefined ? 0 : lowerBound(h.t, q.start);
  const hiEx = q.end === undefined ? h.t.length : lowerBound(h.t, q.end + 1);
  let from = q.start === undefined ? Math.max(lo, hiEx - limit) : lo;
  let to = Math.min(hiEx, from + limit);
  // A time group bigger than the page is sent whole rather than split.
  if (q.start === undefined && from > lo && h.t[from] === h.t[from - 1]) {
    let f = from;
    while (f < to && h.t[f] === h.t[from]) f++;
    if (f < to) from = f;
    else while (from > lo && h.t[from - 1] === h.t[from]) from--;
  } else if (q.start !== undefined && to < hiEx && h.t[to] === h.t[to - 1]) {
    let e = to;
    while (e > from && h.t[e - 1] === h.t[to]) e--;
    if (e > from) to = e;
    else while (to < hiEx && h.t[to] === h.t[to - 1]) to++;
  }
  const step = timeframeMs(s.timeframe);
  return {
    symbol: s.symbol,
    timeframe: s.timeframe,
    exchange: s.exchange,
    points: h.rows.slice(from, to).map((r, j) => {
      const t = h.t[from + j];
      const closesAt = t + step;
      // Realized only once the target candle has closed (a partial candle is not).
      const at = closesAt <= now ? lowerBound(s.ts, t) : -1;
      const i = at >= 0 && s.ts[at] === t ? at : undefined;
      return {
        ...r,
        closes_at: new Date(closesAt).toISOString(),
        actual: i === undefined ? null : s.close[i],
      };
    }),
    next: to < hiEx ? new Date(h.t[to]).toISOString() : null,
    prev: from > 0 ? new Date(h.t[from - 1]).toISOString() : null,
  };
}

/** The first index of a sorted array whose value is at least `x`. */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
