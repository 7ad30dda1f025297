/**
 * Every endpoint of the API, documented from the schemas that validate it;
 * `/api/openapi.json` and `/api/docs` are generated from this list, and a
 * test checks that it matches the routes the app serves.
 *
 * @module
 */
import type { RouteDoc } from "./openapi.ts";
import { ohlcvQuery, seriesQuery, signalsQuery } from "./query.ts";

/** Every endpoint, documented from the schemas that validate it (a test keeps this in sync). */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  {
    path: "/api/health",
    summary: "Data freshness and champion age per series; 503 before any snapshot.",
    auth: false,
    responses: { "200": "ok", "503": "no snapshot yet" },
  },
  {
    path: "/api/openapi.json",
    summary: "This document.",
    auth: false,
    responses: { "200": "OpenAPI 3.1" },
  },
  {
    path: "/api/docs",
    summary: "A readable page of this document.",
    auth: false,
    responses: { "200": "HTML" },
  },
  {
    path: "/metrics",
    summary: "Prometheus metrics: requests, latency, forecast and data age.",
    auth: false,
    responses: { "200": "Prometheus text" },
  },
  {
    path: "/api/v1/markets",
    summary: "Every series: candles, first and last candle, last close.",
    auth: true,
    responses: { "200": "markets", "401": "missing or bad key", "429": "rate limited" },
  },
  {
    path: "/api/v1/ohlcv",
    summary:
      "Candles oldest first within start/end, at most limit (default 1000), with the next page's start; " +
      "CSV (ts,open,high,low,close,volume) on Accept: text/csv, the next page in a Link header.",
    auth: true,
    query: ohlcvQuery,
    csv: true,
    returns: "OhlcvPage",
    responses: {
      "200": "{ candles, next }, or CSV",
      "400": "bad input, field named",
      "401": "missing or bad key",
      "404": "unknown series",
    },
  },
  {
    path: "/api/v1/forecasts",
    summary: "The champion's latest forecast with 50/80/95% intervals.",
    auth: true,
    query: seriesQuery,
    returns: "Forecast",
    responses: {
      "200": "{ symbol, timeframe, version_id, issued_at, points }",
      "400": "bad input, field named",
      "401": "missing or bad key",
      "404": "unknown series or no forecast",
    },
  },
  {
    path: "/api/v1/forecasts/history",
    summary: "Past forecasts (80% interval) beside the realized close " +
      "(actual is null until the target candle has closed).",
    auth: true,
    query: ohlcvQuery,
    returns: "HistoryPage",
    responses: {
      "200":
        "{ symbol, timeframe, exchange, points: [{ ts, closes_at, horizon, yhat, lower, upper, actual }] }",
      "400": "bad input",
      "401": "missing or bad key",
      "404": "unknown series",
    },
  },
  {
    path: "/api/v1/models",
    summary: "Model versions with walk-forward metrics against baselines, and alias history.",
    auth: true,
    query: seriesQuery,
    responses: {
      "200": "{ versions, aliases }",
      "400": "bad input",
      "401": "missing or bad key",
      "404": "unknown series",
    },
  },
  {
    path: "/api/v1/signals",
    summary:
      "External signals (Fear & Greed, Token Metrics, files) oldest first, each with the time it became available; market-wide signals have symbol null. At most limit (default 1000) rows, with the next page's start.",
    auth: true,
    query: signalsQuery,
    returns: "SignalsPage",
    responses: {
      "200": "{ signals, next }",
      "400": "bad input, field named",
      "401": "missing or bad key",
      "404": "unknown source or symbol",
    },
  },
];
