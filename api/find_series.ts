/**
 * Finds the series a query names in the serving view: the timeframe
 * defaults to `1d`, the exchange to the first that has the series. An
 * unknown symbol or series is a 404 saying which.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import { seriesKey } from "../core/series.ts";
import type { ServingView } from "./serving.ts";

/** The series part of a query (symbol already normalized to `BASE/QUOTE`). */
export interface SeriesQuery {
  symbol: string;
  timeframe?: string;
  exchange?: string;
}

/**
 * The key (`exchange|symbol|timeframe`) of the series a query names, or
 * undefined when the view has none.
 */
export function findSeries(v: ServingView, q: SeriesQuery): string | undefined {
  const tf = q.timeframe ?? "1d";
  const m = v.markets.find((m) =>
    m.symbol === q.symbol && m.timeframe === tf && (!q.exchange || m.exchange === q.exchange)
  );
  return m && seriesKey(m);
}

/** The key of the series a query names; a 404 naming the symbol or series when there is none. */
export function resolveSeries(v: ServingView, q: SeriesQuery): string {
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
