/**
 * Signal features: external signals joined to candles point in time, with a
 * DuckDB ASOF JOIN on **availability**, never on the nominal date.
 *
 * A candle's features are known at its close (`ts + timeframe`). For each
 * signal (source, name) the feature is the value of the latest-dated row
 * whose `available_at <= close`: a value dated D but published later is
 * invisible to every candle that closed before it was published. A value
 * older than {@link MAX_SIGNAL_AGE_DAYS} days at the close is stale and left
 * out (NULL, 0 in the model matrix).
 *
 * Which signals a series gets ({@link signalSpecs}): market-wide ones
 * (`symbol` NULL) and those of its base asset (`BTC/…` for BTC/USDT), with at
 * least {@link MIN_SIGNAL_ROWS} values published within the series' span.
 * The synthetic `sample…` sources apply to the `sample` exchange only, and
 * real sources never to it. Descriptive fields (Token Metrics' cumulative
 * strategy returns) are not features.
 *
 * The list of signals is part of the feature set's definition and hash; a
 * model's artifact lists its columns (`sig:<source>:<name>`), from which
 * forecasting rebuilds the same features.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../../core/candles.ts";

/** One signal used as a feature. */
export interface SignalSpec {
  source: string;
  name: string;
}

/** Version tag of the signal join, part of the feature set's name (v2: a value not yet published is missing, not 0). */
export const SIGNAL_FEATURES = "signals-v2";

/** A value older than this (days, from its nominal date to the candle's close) is not used. */
export const MAX_SIGNAL_AGE_DAYS = 7;

/** A signal becomes a feature of a series with at least this many values in its span. */
export const MIN_SIGNAL_ROWS = 30;

/** At most this many signal columns per series (sorted by source, name). */
export const MAX_SIGNAL_COLUMNS = 12;

/** Fields that describe a signal's past performance rather than forecast: never features. */
export const NOT_FEATURES: readonly string[] = ["trading_signals_returns", "holding_returns"];

/** The column name of a signal feature: `sig:<source>:<name>`. */
export function signalColumn(s: SignalSpec): string {
  return `sig:${s.source}:${s.name}`;
}

/**
 * The signals behind `sig:` columns, in order (other columns are skipped).
 *
 * @example
 * ```ts
 * specsFromColumns(["r_1", "sig:fear-greed:value"]); // [{ source: "fear-greed", name: "value" }]
 * ```
 */
export function specsFromColumns(columns: readonly string[]): SignalSpec[] {
  return columns.filter((c) => c.startsWith("sig:")).map((c) => {
    const rest = c.slice(4);
    const i = rest.indexOf(":");
    return { source: rest.slice(0, i), name: rest.slice(i + 1) };
  });
}

/**
 * The signals that apply to a series, oldest rule first (see the module doc).
 *
 * @example
 * ```ts
 * const specs = await signalSpecs(wh, { exchange: "binance", symbol: "BTC/USDT", timeframe: "1d" });
 * ```
 */
export async function signalSpecs(
  wh: Warehouse,
  series: { exchange: string; symbol: string; timeframe: Timeframe },
  options: { minRows?: number } = {},
): Promise<SignalSpec[]> {
  const rows = await wh.rows<SignalSpec>(
    `WITH span AS (
       SELECT min(ts) AS a, max(ts) + to_milliseconds($step::BIGINT) AS b FROM ohlcv
       WHERE exchange = $exchange AND symbol = $symbol AND timeframe = $timeframe
     )
     SELECT s.source, s.name FROM signals s, span
     WHERE s.value IS NOT NULL AND s.available_at IS NOT NULL
       AND (s.symbol IS NULL OR split_part(s.symbol, '/', 1) = split_part($symbol, '/', 1))
       AND (CASE WHEN $exchange = 'sample' THEN s.source LIKE 'sample%'
                 ELSE s.source NOT LIKE 'sample%' END)
       AND s.name NOT IN (${NOT_FEATURES.map((n) => `'${n}'`).join(", ")})
       AND s.available_at BETWEEN span.a AND span.b
     GROUP BY s.source, s.name HAVING count(*) >= $min
     ORDER BY s.source, s.name LIMIT ${MAX_SIGNAL_COLUMNS}`,
    {
      exchange: series.exchange,
      symbol: series.symbol,
      timeframe: series.timeframe,
      step: timeframeMs(series.timeframe),
      min: options.minRows ?? MIN_SIGNAL_ROWS,
    },
  );
  return rows.map((r) => ({ source: r.source, name: r.name }));
}

/**
 * Wraps a feature query (one row per candle with its open time `ts`) so that
 * it also returns `sig_0`, `sig_1`, … : each signal's value as of the candle's
 * close. Needs `$symbol` and the {@link signalParams} bound.
 *
 * @example
 * ```ts
 * const sql = withSignalsSql("SELECT ts, close FROM ohlcv WHERE …", specs, "1h");
 * ```
 */
export function withSignalsSql(inner: string, specs: readonly SignalSpec[], tf: Timeframe): string {
  if (specs.length === 0) return inner;
  const step = timeframeMs(tf);
  const ctes = specs.map((_, k) => `
s${k} AS (
  -- per publication time, the latest-dated value published by then (ties: per-asset over market-wide)
  SELECT DISTINCT available_at AS known,
         arg_max(value, epoch_ms(ts) * 2 + (symbol IS NOT NULL)::BIGINT) OVER w AS v,
         max(ts) OVER w AS dated
  FROM signals
  WHERE source = $sig_source_${k} AND name = $sig_name_${k}
    AND value IS NOT NULL AND available_at IS NOT NULL
    AND (symbol IS NULL OR split_part(symbol, '/', 1) = split_part($symbol, '/', 1))
  WINDOW w AS (ORDER BY available_at RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)`).join(",");
  const joins = specs.map((_, k) => `ASOF LEFT JOIN s${k} ON c.close_at >= s${k}.known`).join(
    "\n",
  );
  const cols = specs.map((_, k) =>
    `CASE WHEN c.close_at - s${k}.dated <= INTERVAL ${MAX_SIGNAL_AGE_DAYS} DAY THEN s${k}.v END AS sig_${k}`
  ).join(",\n       ");
  return `
WITH core AS (${inner}),
c AS (SELECT *, ts + to_milliseconds(${step}::BIGINT) AS close_at FROM core),${ctes}
SELECT c.* EXCLUDE (close_at),
       ${cols}
FROM c
${joins}
ORDER BY c.ts`;
}

/** The bound parameters of {@link withSignalsSql}. */
export function signalParams(specs: readonly SignalSpec[]): Record<string, string> {
  const out: Record<string, string> = {};
  specs.forEach((s, k) => {
    out[`sig_source_${k}`] = s.source;
    out[`sig_name_${k}`] = s.name;
  });
  return out;
}
